package tinyfm.comparison;

import tinyfm.finetuning.FineTuneConfig;
import tinyfm.finetuning.FineTuner;
import tinyfm.finetuning.Recipe;

/** The base frozen, only a new head trained: what the base's features give a classifier trained by gradient descent. */
public final class HeadOnlyArm implements Arm {
    public static final String ID = "head";
    private static final Names NAMES = new Names(ID, "pretrained, head only", "head only", "the head-only fine-tune");

    @Override
    public Names names() {
        return NAMES;
    }

    @Override
    public Run run(Trial trial) {
        return trial.fineTune(ID, FineTuner.Start.PRETRAINED_BASE, FineTuneConfig.Mode.HEAD, Recipe.PLAIN, FineTuneConfig.DEFAULT_HEAD_LR);
    }
}
