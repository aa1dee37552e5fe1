package tinyfm.comparison;

import tinyfm.finetuning.FineTuneConfig;
import tinyfm.finetuning.FineTuner;
import tinyfm.finetuning.Recipe;

/**
 * The control: the identical model (architecture, the base's tokenizer, data, optimiser, epochs)
 * with random weights instead of pretrained ones. What the base adds is measured against it.
 */
public final class FromScratchArm implements Arm {
    public static final String ID = "scratch";
    private static final Names NAMES = new Names(ID, "from scratch", "from scratch", "training from scratch");

    @Override
    public Names names() {
        return NAMES;
    }

    @Override
    public Run run(Trial trial) {
        return trial.fineTune(ID, FineTuner.Start.RANDOM_WEIGHTS, FineTuneConfig.Mode.FULL, Recipe.PLAIN, FineTuneConfig.DEFAULT_HEAD_LR);
    }
}
