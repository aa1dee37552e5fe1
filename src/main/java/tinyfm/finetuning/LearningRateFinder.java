package tinyfm.finetuning;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.nd4j.linalg.factory.Nd4j;
import tinyfm.data.Example;
import tinyfm.data.Task;
import tinyfm.tokenizer.Tokenizer;

/**
 * The learning-rate range test (Smith 2017, as ULMFiT and fastai use it): train a throwaway copy
 * of the classifier for a few dozen steps while the learning rate grows exponentially from tiny to
 * huge, and watch the loss. It falls once the rate is large enough to learn, then rises when the
 * rate is too large. The suggestion is fastai's rule: a tenth of the rate where the smoothed loss
 * was lowest, a rate still safely on the falling side.
 */
public final class LearningRateFinder {
    /** The smoothed loss must exceed the lowest so far by this factor before the test stops early. */
    public static final double DIVERGED = 4;
    /** The exponential moving average that smooths the per-batch loss (bias-corrected). */
    public static final double SMOOTHING = 0.98;

    /** One step: the head's learning rate (the body's parts keep their ratios to it), the batch loss, and its running average. */
    public record Point(double learningRate, double loss, double smoothedLoss) {}

    /** The curve, where its smoothed loss was lowest, and the suggested head learning rate (a tenth of that). */
    public record Result(List<Point> points, double lowestAt, double suggested, boolean diverged) {
        /**
         * Why the suggestion may not be worth much, or empty: the loss was lowest at the first rate
         * (nothing was learned in the range), or it never blew up (the lowest point may lie beyond it).
         */
        public String caveat() {
            if (lowestAt == points.get(0).learningRate()) {
                return "the loss was lowest at the first rate: start the range lower (--from)";
            }
            return diverged ? "" : "the loss never blew up within the range, so its lowest point may lie beyond it: widen the range (--to)";
        }
    }

    private LearningRateFinder() {}

    /**
     * Runs the test on {@code classifier} (its weights are changed: pass a copy) with the task's
     * training examples as {@code config} draws them, every body part unfrozen, rates from
     * {@code from} to {@code to} over at most {@code steps} steps.
     */
    public static Result run(Classifier classifier, Tokenizer tokenizer, Task task, FineTuneConfig config,
                             double from, double to, int steps) {
        if (!(from > 0 && to > from && steps >= 2)) {
            throw new IllegalArgumentException("the range test needs 0 < from < to and at least 2 steps");
        }
        List<Example> train = Task.stratifiedSubset(task.train(), config.labelBudget(), config.seed());
        List<int[]> x = train.stream().map(e -> classifier.encode(tokenizer, e.text())).toList();
        int[] y = train.stream().mapToInt(e -> task.labelIndex(e.label())).toArray();
        long trainFrom = config.mode() == FineTuneConfig.Mode.HEAD ? classifier.body().parameters().count() : 0;
        FineTuner.Optimizers optimizers = new FineTuner.Optimizers(classifier, config);
        SplittableRandom random = new SplittableRandom(config.seed());
        Nd4j.getRandom().setSeed(config.seed());
        int context = classifier.body().config().contextLength();
        List<Point> points = new ArrayList<>();
        List<int[]> batches = List.of();
        double average = 0, lowest = Double.POSITIVE_INFINITY, lowestAt = from;
        boolean diverged = false;
        for (int step = 0, inPass = 0; step < steps; step++, inPass++) {
            if (inPass == batches.size()) { // a new pass over the examples, reshuffled
                batches = Batches.lengthGrouped(x, config.batchSize(), random);
                inPass = 0;
            }
            double lr = from * Math.pow(to / from, step / (steps - 1.0));
            classifier.body().zeroGradients();
            classifier.head().grads().assign(0);
            double loss = classifier.forward(Batches.select(batches.get(inPass), x, y, tokenizer, context), true, true,
                    trainFrom == 0).loss();
            if (!Double.isFinite(loss)) { // the rate is far too large: stop before the curve holds a point no chart can draw
                diverged = true;
                break;
            }
            optimizers.step(lr / config.headLearningRate(), trainFrom);
            average = SMOOTHING * average + (1 - SMOOTHING) * loss;
            double smoothed = average / (1 - Math.pow(SMOOTHING, step + 1));
            points.add(new Point(lr, loss, smoothed));
            if (smoothed < lowest) {
                lowest = smoothed;
                lowestAt = lr;
            }
            if (smoothed > DIVERGED * lowest) {
                diverged = true;
                break;
            }
        }
        return new Result(List.copyOf(points), lowestAt, lowestAt / 10, diverged);
    }
}
