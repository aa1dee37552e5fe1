package tinyfm.finetuning;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.nd4j.linalg.api.ndarray.INDArray;
import tinyfm.data.Example;
import tinyfm.data.Task;
import tinyfm.model.Gpt;
import tinyfm.pretraining.AdamW;
import tinyfm.tokenizer.Tokenizer;

/**
 * Fine-tuning: train a classifier made of a (pretrained or random) body and a new head on a task's
 * train split, validate after every epoch, and keep the best epoch. The same loop trains the
 * from-scratch twin, so the only difference between the two is where the body's weights came from.
 */
public final class FineTuner {
    private static final double GRAD_CLIP = 1.0;

    /** Validation accuracy at a point in training (epoch may be fractional), against training seconds so far. */
    public record Point(double epoch, double seconds, double trainLoss, double validationAccuracy) {}

    public record Result(Classifier classifier, Metrics validation, double bestEpoch, double trainSeconds,
                         List<Point> curve, int trainExamples) {}

    private final Tokenizer tokenizer;
    private final Task task;
    private final FineTuneConfig config;

    public FineTuner(Tokenizer tokenizer, Task task, FineTuneConfig config) {
        this.tokenizer = tokenizer;
        this.task = task;
        this.config = config;
    }

    /** A stratified, deterministic subset of n examples: each label keeps its share, drawn in seeded order. */
    public static List<Example> stratifiedSubset(List<Example> examples, int n, long seed) {
        if (n < 0 || n >= examples.size()) {
            return examples;
        }
        Map<String, List<Example>> byLabel = new LinkedHashMap<>();
        examples.stream().sorted(Comparator.comparing(Example::label))
                .forEach(e -> byLabel.computeIfAbsent(e.label(), k -> new ArrayList<>()).add(e));
        SplittableRandom random = new SplittableRandom(seed);
        List<List<Example>> queues = new ArrayList<>();
        for (List<Example> group : byLabel.values()) {
            List<Example> shuffled = new ArrayList<>(group);
            for (int i = shuffled.size() - 1; i > 0; i--) {
                java.util.Collections.swap(shuffled, i, random.nextInt(i + 1));
            }
            queues.add(shuffled);
        }
        List<Example> out = new ArrayList<>();
        int[] taken = new int[queues.size()];
        while (out.size() < n) { // round robin keeps the labels balanced as far as the data allows
            for (int k = 0; k < queues.size() && out.size() < n; k++) {
                if (taken[k] < queues.get(k).size()) {
                    out.add(queues.get(k).get(taken[k]++));
                }
            }
        }
        return out;
    }

    /** Text to ids: the beginning of the text (truncated to fit), then the end-of-text token whose state the head reads. */
    public static int[] encode(Tokenizer tokenizer, String text, int contextLength) {
        int[] ids = tokenizer.encode(text);
        int keep = Math.min(ids.length, contextLength - 1);
        int[] out = Arrays.copyOf(ids, keep + 1);
        out[keep] = tokenizer.endOfText();
        return out;
    }

    public static Classifier.Batch batch(List<int[]> encoded, int[] labels, Tokenizer tokenizer, int contextLength) {
        // pad to a multiple of 8 tokens: a few batch shapes, so activation buffers are reused
        int longest = encoded.stream().mapToInt(a -> a.length).max().orElse(1);
        int time = Math.min((longest + 7) / 8 * 8, Math.max(longest, contextLength));
        int[] tokens = new int[encoded.size() * time];
        Arrays.fill(tokens, tokenizer.pad());
        int[] last = new int[encoded.size()];
        for (int b = 0; b < encoded.size(); b++) {
            System.arraycopy(encoded.get(b), 0, tokens, b * time, encoded.get(b).length);
            last[b] = encoded.get(b).length - 1;
        }
        return new Classifier.Batch(tokens, encoded.size(), time, last, labels);
    }

    /** A classifier trained on a task, and its score on the task's test split. */
    public record Trained(Classifier classifier, Result result, Metrics test) {}

    /**
     * The fine-tuning recipe that {@code finetune}, {@code compare} and the notebooks share: the base's
     * body (or, from scratch, the same architecture and tokenizer with random weights), a new head
     * on it, training on the task, and the test score.
     */
    public static Trained fineTune(tinyfm.base.ModelFile base, java.nio.file.Path basePath, Task task, FineTuneConfig config,
                                   Classifier.Readout readout, boolean fromScratch, Consumer<String> progress) {
        Gpt body = tinyfm.base.Bases.languageModel(base, basePath);
        if (fromScratch) {
            body.parameters().initialize(config.seed()); // the only difference: no pretrained weights
        }
        Classifier classifier = new Classifier(body, task.labels().size(), readout);
        classifier.head().initialize(config.seed());
        Result r = new FineTuner(base.tokenizer(), task, config).train(classifier, progress);
        return new Trained(classifier, r, evaluate(classifier, base.tokenizer(), task.labels(), task.test()));
    }

    public Result train(Classifier classifier, Consumer<String> progress) {
        Gpt body = classifier.body();
        int context = body.config().contextLength();
        List<Example> train = stratifiedSubset(task.train(), config.labelBudget(), config.seed());
        List<int[]> x = train.stream().map(e -> encode(tokenizer, e.text(), context)).toList();
        int[] y = train.stream().mapToInt(e -> task.labelIndex(e.label())).toArray();

        long bodySize = body.parameters().count();
        AdamW bodyOptimizer = new AdamW(body.parameters().values(), body.parameters().grads(), body.parameters().decayMask(),
                0, bodySize, 0.9, 0.99, 0.01);
        var head = classifier.head();
        AdamW headOptimizer = new AdamW(head.values(), head.grads(), head.decayMask(), 0, head.count(), 0.9, 0.99, 0.01);

        SplittableRandom random = new SplittableRandom(config.seed());
        org.nd4j.linalg.factory.Nd4j.getRandom().setSeed(config.seed());
        List<Point> curve = new ArrayList<>();
        double seconds = 0;
        double bestAccuracy = -1, bestEpoch = 0;
        INDArray bestBody = null, bestHead = null;
        Metrics bestMetrics = null;
        int stepsPerEpoch = (x.size() + config.batchSize() - 1) / config.batchSize();  // as many as lengthGroupedBatches makes
        int totalSteps = stepsPerEpoch * config.epochs(), step = 0;
        int evalEvery = Math.max(1, (totalSteps + config.validations() - 1) / config.validations());
        for (int epoch = 1; epoch <= config.epochs() && seconds < config.budgetSeconds(); epoch++) {
            long trainFrom = trainableFrom(body, epoch);
            boolean trainBody = trainFrom < bodySize;
            List<int[]> epochBatches = lengthGroupedBatches(x, config.batchSize(), random);
            double lossSum = 0;
            int batches = 0, inEpoch = 0;
            for (int[] idx : epochBatches) {
                if (seconds >= config.budgetSeconds()) {
                    break;
                }
                long t0 = System.nanoTime();
                List<int[]> bx = new ArrayList<>();
                int[] by = new int[idx.length];
                for (int i = 0; i < idx.length; i++) {
                    bx.add(x.get(idx[i]));
                    by[i] = y[idx[i]];
                }
                body.zeroGradients();
                head.grads().assign(0);
                Classifier.Output out = classifier.forward(batch(bx, by, tokenizer, context), true, true, trainBody);
                double decay = 1.0 - (double) step / totalSteps; // linear decay to zero over the run
                AdamW.Part headPart = new AdamW.Part(headOptimizer, config.headLearningRate() * decay);
                if (trainBody) {
                    AdamW.clipAndStep(GRAD_CLIP, headPart, new AdamW.Part(bodyOptimizer, config.bodyLearningRate() * decay, trainFrom));
                } else {
                    AdamW.clipAndStep(GRAD_CLIP, headPart);
                }
                step++;
                inEpoch++;
                lossSum += out.loss();
                batches++;
                seconds += (System.nanoTime() - t0) / 1e9;
                boolean lastStep = step == totalSteps || (epoch == config.epochs() && inEpoch == epochBatches.size());
                if (step % evalEvery != 0 && !lastStep && seconds < config.budgetSeconds()) {
                    continue;
                }
                // validation: not counted in the training seconds
                Metrics val = evaluate(classifier, tokenizer, task.labels(), task.validation());
                double at = epoch - 1 + (double) inEpoch / stepsPerEpoch;
                curve.add(new Point(at, seconds, lossSum / batches, val.accuracy()));
                if (val.accuracy() > bestAccuracy) {
                    bestAccuracy = val.accuracy();
                    bestEpoch = at;
                    bestMetrics = val;
                    bestBody = body.parameters().values().dup();
                    bestHead = head.values().dup();
                }
            }
            progress.accept(curve.isEmpty() ? String.format("epoch %d: train loss %.3f (%.1f s)", epoch, lossSum / Math.max(1, batches), seconds)
                    : String.format("epoch %d: train loss %.3f, validation accuracy %.1f%% (%.1f s)",
                    epoch, lossSum / Math.max(1, batches), 100 * curve.get(curve.size() - 1).validationAccuracy(), seconds));
        }
        body.parameters().values().assign(bestBody);
        head.values().assign(bestHead);
        return new Result(classifier, bestMetrics, bestEpoch, seconds, List.copyOf(curve), train.size());
    }

    /** Where the trainable suffix of the body starts this epoch: all, none, or the top blocks. */
    private long trainableFrom(Gpt body, int epoch) {
        long size = body.parameters().count();
        return switch (config.mode()) {
            case FULL -> 0;
            case HEAD -> size;
            case UNFREEZE -> {
                int layers = body.config().layers();
                int unfrozen = Math.min(epoch, layers);
                yield unfrozen >= layers && epoch > layers ? 0 : body.parameters().offsetOf("block." + (layers - unfrozen) + ".");
            }
        };
    }

    /** How many batches' worth of shuffled examples are sorted by length together. */
    static final int LENGTH_WINDOW = 32;

    /**
     * One epoch's batches, as index lists: the examples are shuffled, then sorted by length within
     * windows of {@link #LENGTH_WINDOW} batches and cut into batches, and the batches are shuffled
     * again. A batch then holds texts of similar length, so little of it is padding, and each epoch
     * still sees the examples in a new random order.
     */
    static List<int[]> lengthGroupedBatches(List<int[]> x, int batchSize, SplittableRandom random) {
        int[] order = shuffled(x.size(), random);
        List<int[]> batches = new ArrayList<>();
        for (int w = 0; w < order.length; w += LENGTH_WINDOW * batchSize) {
            int[] window = byLength(Arrays.stream(order, w, Math.min(order.length, w + LENGTH_WINDOW * batchSize)), x);
            for (int start = 0; start < window.length; start += batchSize) {
                batches.add(Arrays.copyOfRange(window, start, Math.min(window.length, start + batchSize)));
            }
        }
        int[] batchOrder = shuffled(batches.size(), random);
        List<int[]> shuffledBatches = new ArrayList<>();
        for (int i : batchOrder) {
            shuffledBatches.add(batches.get(i));
        }
        return shuffledBatches;
    }

    /** The indices in order of their texts' encoded length; ties keep their order. */
    private static int[] byLength(java.util.stream.IntStream indices, List<int[]> encoded) {
        return indices.boxed().sorted(java.util.Comparator.comparingInt(i -> encoded.get(i).length)).mapToInt(Integer::intValue).toArray();
    }

    private static int[] shuffled(int n, SplittableRandom random) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1), t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        return a;
    }

    /** Predicts every example (in batches, no dropout) and scores the predictions. */
    public static Metrics evaluate(Classifier classifier, Tokenizer tokenizer, List<String> labels, List<Example> examples) {
        int context = classifier.body().config().contextLength();
        int[] truth = new int[examples.size()], predicted = new int[examples.size()];
        List<int[]> encoded = examples.stream().map(e -> encode(tokenizer, e.text(), context)).toList();
        // in order of length, so each batch holds texts of similar length and little padding
        int[] order = byLength(java.util.stream.IntStream.range(0, examples.size()), encoded);
        int batchSize = 32;
        for (int start = 0; start < order.length; start += batchSize) {
            int[] part = Arrays.copyOfRange(order, start, Math.min(order.length, start + batchSize));
            List<int[]> bx = Arrays.stream(part).mapToObj(encoded::get).toList();
            INDArray probs = classifier.forward(batch(bx, null, tokenizer, context), false, false, false).probabilities();
            for (int i = 0; i < part.length; i++) {
                truth[part[i]] = labels.indexOf(examples.get(part[i]).label());
                predicted[part[i]] = probs.getRow(i).argMax().getInt(0);
            }
        }
        return Metrics.of(labels, truth, predicted);
    }
}
