package tinyfm.finetuning;

import tinyfm.model.Gpt;
import tinyfm.util.InvalidSetting;
import tinyfm.util.UserError;

/**
 * How to adapt a base to a task. {@code full}: every weight trains, the body at a smaller rate than
 * the new head. {@code head}: the body is frozen, only the head learns (a linear probe of what the
 * base already knows). {@code unfreeze}: ULMFiT-style, the top block first, one more each epoch.
 * The learning rate warms up linearly over the first {@code warmupFraction} of the steps, then
 * decays linearly to zero; each text is cut to its first {@code maxTokens - 1} tokens plus end-of-text.
 */
public record FineTuneConfig(Mode mode, int epochs, int batchSize, double headLearningRate, double bodyLearningRate,
                             int labelBudget, double budgetSeconds, int validations, long seed,
                             double weightDecay, double warmupFraction, int maxTokens, Recipe recipe) {
    public enum Mode { FULL, HEAD, UNFREEZE }

    public static final int DEFAULT_EPOCHS = 3;
    public static final int DEFAULT_BATCH = 16;
    public static final double DEFAULT_HEAD_LR = 2e-3;
    public static final double BODY_LR_FACTOR = 0.25;
    /** AdamW's decoupled weight decay while fine-tuning (pretraining uses 0.1). */
    public static final double DEFAULT_WEIGHT_DECAY = 0.01;
    /** No warm-up: the measured runs in the README start at the full rate. */
    public static final double DEFAULT_WARMUP_FRACTION = 0;
    /** Tokens per text, end-of-text included: as many as the model's context holds. */
    public static final int WHOLE_CONTEXT = Integer.MAX_VALUE;
    /**
     * Validations per run, evenly spaced over its steps: the resolution of learning curves and of
     * time-to-target. Per run, not per epoch: a 32-label run takes 20 short epochs, and validating
     * after each step cost eight times its training time.
     */
    public static final int DEFAULT_VALIDATIONS = 12;

    /** The values a user sets are checked here, once, each error naming its setting (the CLI names the option). */
    public FineTuneConfig {
        InvalidSetting.check(epochs >= 1, "epochs", "must be at least 1, got " + epochs);
        InvalidSetting.check(batchSize >= 1, "batch size", "must be at least 1, got " + batchSize);
        InvalidSetting.check(headLearningRate > 0 && headLearningRate < 1 && bodyLearningRate >= 0 && bodyLearningRate < 1,
                "learning rate", "must be in (0, 1), got " + headLearningRate);
        InvalidSetting.check(labelBudget >= 1 || labelBudget == -1, "label budget", "must be a positive number of examples, got " + labelBudget);
        InvalidSetting.check(weightDecay >= 0 && weightDecay < 1, "weight decay", "must be in [0, 1), got " + weightDecay);
        InvalidSetting.check(warmupFraction >= 0 && warmupFraction < 1, "warm-up fraction", "must be in [0, 1), got " + warmupFraction);
        InvalidSetting.check(recipe.schedule() == Recipe.Schedule.LINEAR_DECAY || warmupFraction == 0,
                "warm-up fraction", "applies to the linear schedule; the slanted triangular one has its own rise");
        InvalidSetting.check(!recipe.gradualUnfreezing() || mode != Mode.HEAD, "recipe",
                "with gradual unfreezing needs a body that trains, not the head-only mode");
        InvalidSetting.check(maxTokens >= 2, "text length", "must be at least 2 (a token of text and the end-of-text token), got " + maxTokens);
        if (validations < 1) {
            throw new UserError("validations per run must be at least 1, got " + validations);
        }
        if (!(budgetSeconds > 0)) {
            throw new UserError("the time budget must be > 0 seconds, got " + budgetSeconds);
        }
    }

    /** The default weight decay, warm-up and text length. */
    public FineTuneConfig(Mode mode, int epochs, int batchSize, double headLearningRate, double bodyLearningRate,
                          int labelBudget, double budgetSeconds, int validations, long seed) {
        this(mode, epochs, batchSize, headLearningRate, bodyLearningRate, labelBudget, budgetSeconds, validations, seed,
                DEFAULT_WEIGHT_DECAY, DEFAULT_WARMUP_FRACTION, WHOLE_CONTEXT, Recipe.PLAIN);
    }

    /** The same, with these optimiser settings and text length. */
    public FineTuneConfig with(int batchSize, double weightDecay, double warmupFraction, int maxTokens) {
        return new FineTuneConfig(mode, epochs, batchSize, headLearningRate, bodyLearningRate, labelBudget, budgetSeconds, validations, seed,
                weightDecay, warmupFraction, maxTokens, recipe);
    }

    /** The same, fine-tuned with this recipe. */
    public FineTuneConfig with(Recipe recipe) {
        return new FineTuneConfig(mode, epochs, batchSize, headLearningRate, bodyLearningRate, labelBudget, budgetSeconds, validations, seed,
                weightDecay, warmupFraction, maxTokens, recipe);
    }

    /**
     * The learning rate at {@code step} of {@code totalSteps}, as a fraction of the peak. The linear
     * schedule: a ramp from 1/w to 1 over the first w = warmupFraction × totalSteps steps, then a
     * linear decay to zero at the end of the run. The slanted triangular one: see {@link Recipe}.
     */
    public double learningRateScale(int step, int totalSteps) {
        if (recipe.schedule() == Recipe.Schedule.SLANTED_TRIANGULAR) {
            return Recipe.slantedTriangular(step, totalSteps);
        }
        int warmup = (int) Math.round(warmupFraction * totalSteps);
        if (step < warmup) {
            return (step + 1.0) / warmup;
        }
        return 1.0 - (double) (step - warmup) / (totalSteps - warmup);
    }

    /** Whether the body is unfrozen block by block, from the top ({@code --mode unfreeze}, or a recipe with unfreezing). */
    public boolean unfreezesGradually() {
        return mode == Mode.UNFREEZE || (mode == Mode.FULL && recipe.gradualUnfreezing());
    }

    /** Where the trainable suffix of the body starts in this epoch: all of it, none, or the top blocks. */
    public long trainableFrom(Gpt body, int epoch) {
        long size = body.parameters().count();
        return switch (mode) {
            case FULL -> unfreezesGradually() ? unfrozenFrom(body, epoch) : 0;
            case HEAD -> size;
            case UNFREEZE -> unfrozenFrom(body, epoch);
        };
    }

    /** Gradual unfreezing: the top block in the first epoch, one more each epoch, the embeddings last. */
    private static long unfrozenFrom(Gpt body, int epoch) {
        int layers = body.config().layers();
        return epoch > layers ? 0 : body.parameters().offsetOf("block." + (layers - epoch) + ".");
    }

    public static FineTuneConfig of(Mode mode, int epochs, double lr, int labels, long seed) {
        return new FineTuneConfig(mode, epochs, DEFAULT_BATCH, lr, lr * BODY_LR_FACTOR, labels, Double.MAX_VALUE, DEFAULT_VALIDATIONS, seed);
    }
}
