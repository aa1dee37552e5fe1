package tinyfm.pretraining;

import tinyfm.model.AdamW;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.nd4j.linalg.factory.Nd4j;
import tinyfm.base.ModelFile;
import tinyfm.base.Provenance;
import tinyfm.data.Corpus;
import tinyfm.generation.Generator;
import tinyfm.generation.Sampling;
import tinyfm.model.Gpt;
import tinyfm.model.GptConfig;
import tinyfm.tokenizer.Tokenizer;
import tinyfm.util.UserError;

/**
 * Pretraining: next-token prediction on unlabelled text. One straight loop: sample a batch of
 * windows, forward, backward, clip, AdamW step; every so often measure the validation loss, show a
 * sample, and write a checkpoint. The result is saved as a reusable base.
 */
public final class Pretrainer {
    public static final String SAMPLE_PROMPT = "The";
    public static final int SAMPLE_TOKENS = 48;

    /** What the trainer reports as it goes; the CLI turns it into a progress bar. */
    public interface Listener {
        default void started(int fromStep, int totalSteps, int tokensPerStep, boolean resumed) {}

        default void stepped(int step, double loss, double learningRate, double tokensPerSecond) {}

        default void evaluated(int step, double validationLoss, double validationBitsPerByte) {}

        default void sampled(int step, String text) {}

        default void checkpointed(int step, Path file) {}

        /** Something the user should know, in one line (a damaged checkpoint skipped on resume). */
        default void warned(String line) {}

        default void probed(int step, List<ReadingProbes.Point> points) {}
    }

    /** One point of the learning curve. */
    public record Point(int step, double seconds, double trainLoss, double validationLoss, double validationBitsPerByte) {}

    /** What a finished (or stopped) run produced. */
    public record Result(Gpt model, ModelFile base, int steps, boolean completed, double trainSeconds,
                         double tokensPerSecond, List<Point> curve, List<ReadingProbes.Point> probes) {}

    private final Corpus corpus;
    private final Tokenizer tokenizer;
    private final GptConfig modelConfig;
    private final TrainingConfig config;
    private final Path checkpointFile;
    private final Listener listener;
    private ModelFile parent;
    private String parentSha256;
    private TokenData encoded;
    private ReadingProbes probes;
    private String tokenizerSample;
    /** The tokens read before this run: none for a fresh base, the parent's whole reading for a continued one. */
    private long tokensBefore;

    public Pretrainer(Corpus corpus, Tokenizer tokenizer, GptConfig modelConfig, TrainingConfig config,
                      Path checkpointFile, Listener listener) {
        if (tokenizer.vocabSize() != modelConfig.vocabSize()) {
            throw new UserError("the tokenizer has " + tokenizer.vocabSize() + " tokens but the model expects " + modelConfig.vocabSize());
        }
        this.corpus = corpus;
        this.tokenizer = tokenizer;
        this.modelConfig = modelConfig;
        this.config = config;
        this.checkpointFile = checkpointFile;
        this.listener = listener;
    }

    /**
     * Continued pretraining: start from a parent base's weights instead of random ones. The result
     * is a new base whose provenance names its parent (ULMFiT's second stage, Gururangan et al.'s
     * domain- and task-adaptive pretraining).
     */
    public Pretrainer continueFrom(ModelFile parent, String parentSha256) {
        if (!parent.config().equals(modelConfig)) {
            throw new UserError("the parent base is " + parent.config() + ", not " + modelConfig);
        }
        this.parent = parent;
        this.parentSha256 = parentSha256;
        this.tokensBefore = Provenance.tokensRead(parent.provenance());
        return this;
    }

    /** Uses this corpus already encoded with the same tokenizer (a ladder of runs encodes it once). */
    public Pretrainer withData(TokenData data) {
        this.encoded = data;
        return this;
    }

    /** Records what the tokenizer was trained on when it saw only a sample of the corpus ({@code Corpus.tokenizerSample}). */
    public Pretrainer withTokenizerSample(String description) {
        this.tokenizerSample = description;
        return this;
    }

    /** Probes the frozen model on downstream tasks at log-spaced steps ({@link ReadingProbes#schedule}). */
    public Pretrainer withProbes(ReadingProbes probes) {
        this.probes = probes;
        return this;
    }

    /** Trains from the first step to the last, with no deadline. */
    public Result run() {
        return run(false, null, new AtomicBoolean());
    }

    /**
     * Trains until the last step, the deadline, or a stop request (Ctrl-C), whichever comes first.
     * With {@code resume}, continues exactly from the checkpoint: weights, optimiser, step and curve.
     */
    public Result run(boolean resume, Instant deadline, AtomicBoolean stopRequested) {
        TokenData data = encoded != null ? encoded : TokenData.encode(corpus, tokenizer, modelConfig.contextLength());
        RunRecord record = new RunRecord(corpus, data, tokenizer, modelConfig, config,
                parent == null ? null : Provenance.parent(parent, parentSha256), probes == null ? "none" : probes.setup(), tokenizerSample);
        Gpt gpt = new Gpt(modelConfig);
        AdamW adam = new AdamW(gpt.parameters().values(), gpt.parameters().grads(), gpt.parameters().decayMask(),
                0, gpt.parameters().count(), config.beta1(), config.beta2(), config.weightDecay());
        RunRecord.Progress start = start(gpt, adam, data, record, resume);
        int step = start.step(), batch = config.batchSize(), time = modelConfig.contextLength();
        double trainSeconds = start.trainSeconds(), smoothed = Double.NaN;
        List<Point> curve = new ArrayList<>(start.curve());
        List<ReadingProbes.Point> probed = new ArrayList<>(start.probes());
        java.util.Set<Integer> probeSteps = probes == null ? java.util.Set.of()
                : java.util.Set.copyOf(ReadingProbes.schedule(config.steps(), tokensBefore / ((long) batch * time)));
        long tokensTimed = 0;
        double secondsTimed = 0;
        listener.started(step, config.steps(), batch * time, resume);
        if (step == 0) {
            probe(gpt, 0, probed);
        }
        boolean stopped = false;
        while (step < config.steps()) {
            if (stopRequested.get() || (deadline != null && Instant.now().isAfter(deadline))) {
                stopped = true;
                break;
            }
            long t0 = System.nanoTime();
            TokenData.Batch b = data.trainBatch(config.seed(), step, batch, time);
            Nd4j.getRandom().setSeed(config.seed() * 31 + step); // dropout masks, reproducible per step
            gpt.zeroGradients();
            double loss = Arrays.stream(gpt.languageModelLoss(b.inputs(), b.targets(), batch, time, true, true)).average().orElseThrow();
            double lr = config.learningRateAt(step);
            AdamW.clipAndStep(config.gradClip(), new AdamW.Part(adam, lr));
            double seconds = (System.nanoTime() - t0) / 1e9;
            trainSeconds += seconds;
            step++;
            smoothed = Double.isNaN(smoothed) ? loss : 0.9 * smoothed + 0.1 * loss;
            if (step > 1 || resume) { // the first step includes one-off warm-up; leave it out of the speed
                tokensTimed += (long) batch * time;
                secondsTimed += seconds;
            }
            listener.stepped(step, smoothed, lr, tokensTimed / Math.max(secondsTimed, 1e-9));
            if (!Double.isFinite(loss)) {
                throw new UserError("the loss diverged (" + loss + ") at step " + step + "; try a lower --lr");
            }
            if (step % config.evalEvery() == 0 || step == config.steps()) {
                curve.add(validate(gpt, data, step, trainSeconds, smoothed));
                listener.sampled(step, sample(gpt));
            }
            if (probeSteps.contains(step)) {
                probe(gpt, step, probed);
            }
            if (checkpointFile != null && step % config.checkpointEvery() == 0 && step < config.steps()) {
                checkpoint(record, gpt, adam, new RunRecord.Progress(step, trainSeconds, curve, probed));
            }
        }
        if (stopped && checkpointFile != null && step > 0) {
            checkpoint(record, gpt, adam, new RunRecord.Progress(step, trainSeconds, curve, probed));
        }
        if (curve.isEmpty() || curve.get(curve.size() - 1).step() != step) { // stopped between validations: the last point, and what it writes
            curve.add(validate(gpt, data, step, trainSeconds, smoothed));
            listener.sampled(step, sample(gpt));
        }
        RunRecord.Progress end = new RunRecord.Progress(step, trainSeconds, List.copyOf(curve), List.copyOf(probed));
        double tokensPerSecond = tokensTimed / Math.max(secondsTimed, 1e-9);
        ModelFile base = new ModelFile(ModelFile.Kind.BASE, modelConfig, tokenizer, gpt.parameters().values().dup(),
                record.provenance(end, tokensPerSecond, !stopped), Map.of());
        return new Result(gpt, base, step, !stopped, trainSeconds, tokensPerSecond, end.curve(), end.probes());
    }

    /** Random weights, a parent base's weights, or exactly where the checkpoint left off. */
    private RunRecord.Progress start(Gpt gpt, AdamW adam, TokenData data, RunRecord record, boolean resume) {
        if (resume) {
            return record.restore(checkpointFile, gpt, adam, listener::warned);
        }
        if (parent == null) {
            gpt.parameters().initialize(config.seed());
            return new RunRecord.Progress(0, 0, List.of(), List.of());
        }
        gpt.parameters().values().assign(parent.weights());
        // the curve starts where the parent stands on the new text
        Validation before = Validation.measure(gpt, data, tokenizer, config.evalWindows(), config.batchSize());
        return new RunRecord.Progress(0, 0, List.of(new Point(0, 0, Double.NaN, before.loss(), before.bitsPerByte())), List.of());
    }

    private Point validate(Gpt gpt, TokenData data, int step, double trainSeconds, double smoothedLoss) {
        Validation v = Validation.measure(gpt, data, tokenizer, config.evalWindows(), config.batchSize());
        listener.evaluated(step, v.loss(), v.bitsPerByte());
        return new Point(step, trainSeconds, Double.isNaN(smoothedLoss) ? v.loss() : smoothedLoss, v.loss(), v.bitsPerByte());
    }

    private void probe(Gpt gpt, int step, List<ReadingProbes.Point> probed) {
        if (probes != null) {
            long tokens = tokensBefore + (long) step * config.batchSize() * modelConfig.contextLength();
            List<ReadingProbes.Point> points = probes.measure(gpt, tokenizer, step, tokens);
            probed.addAll(points);
            listener.probed(step, points);
        }
    }

    private void checkpoint(RunRecord record, Gpt gpt, AdamW adam, RunRecord.Progress progress) {
        record.saveCheckpoint(checkpointFile, gpt, adam, progress);
        listener.checkpointed(progress.step(), checkpointFile);
    }

    private String sample(Gpt gpt) {
        return new Generator(gpt, tokenizer).generate(SAMPLE_PROMPT, SAMPLE_TOKENS, new Sampling(0.8, 40, config.seed()), s -> {});
    }
}
