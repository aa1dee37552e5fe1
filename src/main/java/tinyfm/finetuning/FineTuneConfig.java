package tinyfm.finetuning;

import tinyfm.model.Gpt;
import tinyfm.util.UsageError;
import tinyfm.util.UserError;

/**
 * How to adapt a base to a task. {@code full}: every weight trains, the body at a smaller rate than
 * the new head. {@code head}: the body is frozen, only the head learns (a linear probe of what the
 * base already knows). {@code unfreeze}: ULMFiT-style, the top block first, one more each epoch.
 */
public record FineTuneConfig(Mode mode, int epochs, int batchSize, double headLearningRate, double bodyLearningRate,
                             int labelBudget, double budgetSeconds, int validations, long seed) {
    public enum Mode { FULL, HEAD, UNFREEZE }

    public static final int DEFAULT_EPOCHS = 3;
    public static final int DEFAULT_BATCH = 16;
    public static final double DEFAULT_HEAD_LR = 2e-3;
    public static final double BODY_LR_FACTOR = 0.25;
    /**
     * Validations per run, evenly spaced over its steps: the resolution of learning curves and of
     * time-to-target. Per run, not per epoch: a 32-label run takes 20 short epochs, and validating
     * after each step cost eight times its training time.
     */
    public static final int DEFAULT_VALIDATIONS = 12;

    /** The values a user sets are checked here, once, each error naming its option (a usage error: exit 2). */
    public FineTuneConfig {
        UsageError.check(epochs >= 1, "--epochs must be at least 1, got " + epochs);
        UsageError.check(batchSize >= 1, "--batch must be at least 1, got " + batchSize);
        UsageError.check(headLearningRate > 0 && headLearningRate < 1 && bodyLearningRate >= 0 && bodyLearningRate < 1,
                "--lr must be in (0, 1), got " + headLearningRate);
        UsageError.check(labelBudget >= 1 || labelBudget == -1, "--labels must be a positive number of examples, got " + labelBudget);
        if (validations < 1) {
            throw new UserError("validations per run must be at least 1, got " + validations);
        }
        if (!(budgetSeconds > 0)) {
            throw new UserError("the time budget must be > 0 seconds, got " + budgetSeconds);
        }
    }

    /** Where the trainable suffix of the body starts in this epoch: all of it, none, or the top blocks. */
    public long trainableFrom(Gpt body, int epoch) {
        long size = body.parameters().count();
        int layers = body.config().layers();
        return switch (mode) {
            case FULL -> 0;
            case HEAD -> size;
            case UNFREEZE -> epoch > layers ? 0 : body.parameters().offsetOf("block." + (layers - epoch) + ".");
        };
    }

    public static FineTuneConfig of(Mode mode, int epochs, double lr, int labels, long seed) {
        return new FineTuneConfig(mode, epochs, DEFAULT_BATCH, lr, lr * BODY_LR_FACTOR, labels, Double.MAX_VALUE, DEFAULT_VALIDATIONS, seed);
    }
}
