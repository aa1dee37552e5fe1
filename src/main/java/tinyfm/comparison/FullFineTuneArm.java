package tinyfm.comparison;

import java.util.Map;
import tinyfm.finetuning.FineTuneConfig;
import tinyfm.finetuning.FineTuner;
import tinyfm.finetuning.Recipe;
import tinyfm.util.UserError;

/**
 * Transfer learning proper: the base plus a new head, every weight trained. Its options are the
 * recipe ({@code plain}, or ULMFiT's levers) and the head's peak learning rate; every other arm
 * keeps the plain recipe at the default rate, so the reference is the same whatever recipe is measured.
 */
public final class FullFineTuneArm implements Arm {
    public static final String ID = "full";
    private static final Names NAMES = new Names(ID, "pretrained, full fine-tune", "fine-tuned", "the fine-tuned base");
    private final Recipe recipe;
    private final double learningRate;

    FullFineTuneArm(ExperimentSpec.ArmSpec spec) {
        Map<String, String> options = spec.options();
        for (String key : options.keySet()) {
            if (!key.equals("recipe") && !key.equals("learningRate")) {
                throw new UserError("arm 'full' has no option '" + key + "'; it takes recipe and learningRate");
            }
        }
        this.recipe = Recipe.parse(options.getOrDefault("recipe", Recipe.PLAIN.id()));
        this.learningRate = learningRate(options.get("learningRate"));
    }

    private static double learningRate(String value) {
        if (value == null) {
            return FineTuneConfig.DEFAULT_HEAD_LR;
        }
        try {
            double lr = Double.parseDouble(value);
            if (lr > 0 && lr < 1) {
                return lr;
            }
        } catch (NumberFormatException e) {
            // worded below
        }
        throw new UserError("arm 'full': learningRate must be a number in (0, 1), got '" + value + "'");
    }

    public Recipe recipe() {
        return recipe;
    }

    public double learningRate() {
        return learningRate;
    }

    @Override
    public Names names() {
        return NAMES;
    }

    @Override
    public Run run(Trial trial) {
        return trial.fineTune(ID, FineTuner.Start.PRETRAINED_BASE, FineTuneConfig.Mode.FULL, recipe, learningRate);
    }
}
