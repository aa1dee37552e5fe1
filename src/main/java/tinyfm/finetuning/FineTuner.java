package tinyfm.finetuning;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import tinyfm.base.Bases;
import tinyfm.base.ModelFile;
import tinyfm.data.Example;
import tinyfm.data.Task;
import tinyfm.engine.OffHeap;
import tinyfm.model.Gpt;
import tinyfm.model.Parameters;
import tinyfm.model.AdamW;
import tinyfm.tokenizer.Tokenizer;

/**
 * Fine-tuning: train a classifier made of a (pretrained or random) body and a new head on a task's
 * train split, validate at evenly spaced steps, and keep the best weights. The same loop trains the
 * from-scratch twin, so the only difference between the two is where the body's weights came from.
 */
public final class FineTuner {
    private static final double GRAD_CLIP = 1.0;

    /** Validation accuracy at a point in training (epoch may be fractional), against training seconds so far. */
    public record Point(double epoch, double seconds, double trainLoss, double validationAccuracy) {}

    public record Result(Classifier classifier, Metrics validation, double bestEpoch, double trainSeconds,
                         List<Point> curve, int trainExamples) {}

    /** What fine-tuning starts from: the base's pretrained weights, or the same architecture with random ones. */
    public enum Start { PRETRAINED_BASE, RANDOM_WEIGHTS }

    /** A classifier trained on a task, and its score on the task's test split. */
    public record Trained(Classifier classifier, Result result, Metrics test) {}

    private final Tokenizer tokenizer;
    private final Task task;
    private final FineTuneConfig config;

    public FineTuner(Tokenizer tokenizer, Task task, FineTuneConfig config) {
        this.tokenizer = tokenizer;
        this.task = task;
        this.config = config;
    }

    /**
     * The fine-tuning recipe that {@code finetune}, {@code compare} and the notebooks share: the base's
     * body (or, from scratch, the same architecture and tokenizer with random weights), a new head
     * on it, training on the task, and the test score.
     */
    public static Trained fineTune(ModelFile base, Path basePath, Task task, FineTuneConfig config,
                                   Classifier.Readout readout, Start start, Consumer<String> progress) {
        Gpt body = Bases.languageModel(base, basePath);
        if (start == Start.RANDOM_WEIGHTS) {
            body.parameters().initialize(config.seed()); // the only difference: no pretrained weights
        }
        Classifier classifier = new Classifier(body, task.labels().size(), readout, config.maxTokens());
        classifier.head().initialize(config.seed());
        Result r = new FineTuner(base.tokenizer(), task, config).train(classifier, progress);
        return new Trained(classifier, r, classifier.evaluate(base.tokenizer(), task.labels(), task.test()));
    }

    public Result train(Classifier classifier, Consumer<String> progress) {
        Gpt body = classifier.body();
        Parameters head = classifier.head();
        int context = body.config().contextLength();
        List<Example> train = Task.stratifiedSubset(task.train(), config.labelBudget(), config.seed());
        List<int[]> x = train.stream().map(e -> classifier.encode(tokenizer, e.text())).toList();
        int[] y = train.stream().mapToInt(e -> task.labelIndex(e.label())).toArray();
        Optimizers optimizers = new Optimizers(classifier, config);
        SplittableRandom random = new SplittableRandom(config.seed());
        Nd4j.getRandom().setSeed(config.seed()); // dropout masks
        int stepsPerEpoch = (x.size() + config.batchSize() - 1) / config.batchSize(), totalSteps = stepsPerEpoch * config.epochs();
        int validateEvery = Math.max(1, (totalSteps + config.validations() - 1) / config.validations());
        List<Point> curve = new ArrayList<>();
        Best best = new Best(classifier);
        double seconds = 0;
        int step = 0;
        for (int epoch = 1; epoch <= config.epochs() && seconds < config.budgetSeconds(); epoch++) {
            long trainFrom = config.trainableFrom(body, epoch);
            boolean trainBody = trainFrom < body.parameters().count();
            List<int[]> batches = Batches.lengthGrouped(x, config.batchSize(), random);
            double lossSum = 0;
            int inEpoch = 0;
            while (inEpoch < batches.size() && seconds < config.budgetSeconds()) {
                long start = System.nanoTime();
                body.zeroGradients();
                head.grads().assign(0);
                Classifier.Batch batch = Batches.select(batches.get(inEpoch), x, y, tokenizer, context);
                lossSum += classifier.forward(batch, true, true, trainBody).loss();
                optimizers.step(config.learningRateScale(step, totalSteps), trainFrom);
                seconds += (System.nanoTime() - start) / 1e9;
                step++;
                inEpoch++;
                boolean last = step == totalSteps || (epoch == config.epochs() && inEpoch == batches.size());
                if (step % validateEvery == 0 || last || seconds >= config.budgetSeconds()) { // not counted in the seconds
                    Metrics val = classifier.evaluate(tokenizer, task.labels(), task.validation());
                    double at = epoch - 1 + (double) inEpoch / stepsPerEpoch;
                    curve.add(new Point(at, seconds, lossSum / inEpoch, val.accuracy()));
                    best.offer(val, at);
                }
            }
            progress.accept(String.format("epoch %d: train loss %.3f%s (%.1f s)", epoch, lossSum / Math.max(1, inEpoch),
                    curve.isEmpty() ? "" : String.format(", validation accuracy %.1f%%", 100 * curve.get(curve.size() - 1).validationAccuracy()), seconds));
        }
        best.restore();
        return new Result(classifier, best.metrics, best.epoch, seconds, List.copyOf(curve), train.size());
    }

    /**
     * The body's peak rate per part. One rate for all of it, as one part; or, with ULMFiT's
     * discriminative rates, block by block. Unfreezing gradually also splits the body block by block,
     * each part with its own optimiser, so a part that starts training late starts its Adam moments
     * and their bias correction at its own first step.
     */
    public record BodyRate(String name, long from, long to, double learningRate) {}

    public static List<BodyRate> bodyRates(Gpt body, FineTuneConfig config) {
        Parameters p = body.parameters();
        boolean discriminative = config.recipe().bodyRates() == Recipe.BodyRates.DISCRIMINATIVE;
        if (!discriminative && !config.unfreezesGradually()) {
            return List.of(new BodyRate("body", 0, p.count(), config.bodyLearningRate()));
        }
        int layers = body.config().layers();
        List<BodyRate> rates = new ArrayList<>();
        rates.add(new BodyRate("embedding", 0, p.offsetOf("block.0."),
                discriminative ? config.headLearningRate() / Math.pow(Recipe.LAYER_FACTOR, layers) : config.bodyLearningRate()));
        for (int b = 0; b < layers; b++) {
            long to = b + 1 < layers ? p.offsetOf("block." + (b + 1) + ".") : p.count(); // the final norm goes with the top block
            rates.add(new BodyRate("block." + b, p.offsetOf("block." + b + "."), to,
                    discriminative ? config.headLearningRate() / Math.pow(Recipe.LAYER_FACTOR, layers - 1 - b) : config.bodyLearningRate()));
        }
        return rates;
    }

    /** The head's optimiser and one per part of the body, each with its peak learning rate. */
    static final class Optimizers {
        private record Part(AdamW optimizer, long from, long to, double peak) {}

        private final Part head;
        private final List<Part> body;

        Optimizers(Classifier classifier, FineTuneConfig config) {
            Parameters h = classifier.head(), b = classifier.body().parameters();
            head = new Part(adamW(h, 0, h.count(), config.weightDecay()), 0, h.count(), config.headLearningRate());
            body = bodyRates(classifier.body(), config).stream()
                    .map(r -> new Part(adamW(b, r.from(), r.to(), config.weightDecay()), r.from(), r.to(), r.learningRate())).toList();
        }

        /**
         * One step at {@code scale} × each part's peak rate, the gradients clipped jointly. Body
         * parameters before {@code trainFrom} are frozen: they count neither in the norm nor in the update.
         */
        void step(double scale, long trainFrom) {
            List<AdamW.Part> parts = new ArrayList<>(List.of(new AdamW.Part(head.optimizer, head.peak * scale)));
            for (Part p : body) {
                if (p.to > trainFrom) {
                    parts.add(new AdamW.Part(p.optimizer, p.peak * scale, Math.max(0, trainFrom - p.from)));
                }
            }
            AdamW.clipAndStep(GRAD_CLIP, parts.toArray(AdamW.Part[]::new));
        }

        private static AdamW adamW(Parameters p, long from, long to, double weightDecay) {
            return new AdamW(p.values(), p.grads(), p.decayMask(), from, to, 0.9, 0.99, weightDecay);
        }
    }

    /** The best validation so far, and a copy of the weights that scored it (early stopping without stopping). */
    private static final class Best {
        private final Classifier classifier;
        private Metrics metrics;
        private double epoch;
        private INDArray body, head;

        Best(Classifier classifier) {
            this.classifier = classifier;
        }

        void offer(Metrics validation, double at) {
            if (metrics == null || validation.accuracy() > metrics.accuracy()) {
                metrics = validation;
                epoch = at;
                body = snapshot(body, classifier.body().parameters().values());
                head = snapshot(head, classifier.head().values());
            }
        }

        /** The weights copied into the snapshot made at the first offer: one allocation per run, not per improvement. */
        private static INDArray snapshot(INDArray into, INDArray weights) {
            return into == null ? OffHeap.copy(weights) : into.assign(weights);
        }

        void restore() {
            classifier.body().parameters().values().assign(body);
            classifier.head().values().assign(head);
        }
    }
}
