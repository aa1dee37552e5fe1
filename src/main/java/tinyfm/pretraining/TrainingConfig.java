package tinyfm.pretraining;

import tinyfm.util.UserError;

/**
 * How to pretrain: the optimiser (AdamW), its schedule (warm-up, then cosine decay), and how often
 * to validate and checkpoint. Defaults follow nanoGPT's small CPU runs.
 */
public record TrainingConfig(int batchSize, int steps, double learningRate, double minLearningRate, int warmupSteps,
                             double weightDecay, double beta1, double beta2, double gradClip,
                             int evalEvery, int evalWindows, int checkpointEvery, long seed) {
    /** AdamW's decoupled weight decay, as nanoGPT's. */
    public static final double DEFAULT_WEIGHT_DECAY = 0.1;
    /** The largest global gradient norm; a larger gradient is scaled down to it. */
    public static final double DEFAULT_GRAD_CLIP = 1.0;

    public TrainingConfig {
        check(batchSize >= 1, "batch size must be at least 1, got " + batchSize);
        check(steps >= 1, "steps must be at least 1, got " + steps);
        check(learningRate > 0 && learningRate < 1, "learning rate must be in (0, 1), got " + learningRate);
        check(minLearningRate >= 0 && minLearningRate <= learningRate, "minimum learning rate must be in [0, lr], got " + minLearningRate);
        check(warmupSteps >= 0, "warm-up steps must be >= 0, got " + warmupSteps);
        check(weightDecay >= 0, "weight decay must be >= 0, got " + weightDecay);
        check(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1, "betas must be in [0, 1)");
        check(gradClip > 0, "gradient clip must be > 0, got " + gradClip);
        check(evalEvery >= 1, "eval interval must be at least 1, got " + evalEvery);
        check(evalWindows >= 1, "eval windows must be at least 1, got " + evalWindows);
        check(checkpointEvery >= 1, "checkpoint interval must be at least 1, got " + checkpointEvery);
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new UserError(message);
        }
    }

    public static TrainingConfig defaults(int batchSize, int steps, double learningRate, long seed) {
        return new TrainingConfig(batchSize, steps, learningRate, learningRate / 10, Math.min(100, steps / 10),
                DEFAULT_WEIGHT_DECAY, 0.9, 0.99, DEFAULT_GRAD_CLIP, Math.max(1, Math.min(250, steps / 8)), 64, Math.max(1, Math.min(250, steps / 4)), seed);
    }

    /** The preset's batch size and peak learning rate, with the default schedule for this many steps. */
    public static TrainingConfig forPreset(tinyfm.model.GptConfig.Preset preset, int steps, long seed) {
        return defaults(preset.batchSize(), steps, preset.learningRate(), seed);
    }

    /** The same, validating every {@code every} steps on {@code windows} fixed windows. */
    public TrainingConfig withValidation(int every, int windows) {
        return new TrainingConfig(batchSize, steps, learningRate, minLearningRate, warmupSteps, weightDecay, beta1, beta2, gradClip,
                every, windows, checkpointEvery, seed);
    }

    /** The same, with this schedule's floor and warm-up, weight decay and gradient clip. */
    public TrainingConfig withOptimizer(double minLearningRate, int warmupSteps, double weightDecay, double gradClip) {
        return new TrainingConfig(batchSize, steps, learningRate, minLearningRate, warmupSteps, weightDecay, beta1, beta2, gradClip,
                evalEvery, evalWindows, checkpointEvery, seed);
    }

    /** The same, writing a checkpoint every {@code every} steps. */
    public TrainingConfig withCheckpointEvery(int every) {
        return new TrainingConfig(batchSize, steps, learningRate, minLearningRate, warmupSteps, weightDecay, beta1, beta2, gradClip,
                evalEvery, evalWindows, every, seed);
    }

    /** Linear warm-up to the peak rate, then cosine decay to the minimum at the last step. */
    public double learningRateAt(int step) {
        if (step < warmupSteps) {
            return learningRate * (step + 1) / warmupSteps;
        }
        double progress = steps <= warmupSteps ? 1 : (double) (step - warmupSteps) / (steps - warmupSteps);
        double cosine = 0.5 * (1 + Math.cos(Math.PI * Math.min(1, progress)));
        return minLearningRate + cosine * (learningRate - minLearningRate);
    }
}
