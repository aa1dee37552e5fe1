package tinyfm.pretraining;

import com.google.gson.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.nd4j.linalg.factory.Nd4j;
import tinyfm.base.Checkpoint;
import tinyfm.base.ModelFile;
import tinyfm.base.Provenance;
import tinyfm.data.Corpus;
import tinyfm.generation.Generator;
import tinyfm.generation.Sampling;
import tinyfm.model.Gpt;
import tinyfm.model.GptConfig;
import tinyfm.tokenizer.Tokenizer;
import tinyfm.util.Json;
import tinyfm.util.Sha256;
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
    }

    /** One point of the learning curve. */
    public record Point(int step, double seconds, double trainLoss, double validationLoss, double validationBitsPerByte) {}

    /** What a finished (or stopped) run produced. */
    public record Result(Gpt model, ModelFile base, int steps, boolean completed, double trainSeconds,
                         double tokensPerSecond, List<Point> curve) {}

    private final Corpus corpus;
    private final Tokenizer tokenizer;
    private final GptConfig modelConfig;
    private final TrainingConfig config;
    private final Path checkpointFile;
    private final Listener listener;
    private ModelFile parent;
    private String parentSha256;
    private TokenData encoded;

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
        return this;
    }

    /** Uses this corpus already encoded with the same tokenizer (a ladder of runs encodes it once). */
    public Pretrainer withData(TokenData data) {
        this.encoded = data;
        return this;
    }

    public static String corpusSha256(Corpus corpus) {
        StringBuilder all = new StringBuilder();
        for (Corpus.Document d : corpus.documents()) {
            all.append(d.name()).append('\0').append(d.text()).append('\0');
        }
        return Sha256.of(all.toString().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Trains until the last step, the deadline, or a stop request (Ctrl-C), whichever comes first.
     * With {@code resume}, continues exactly from the checkpoint: weights, optimiser, step and curve.
     */
    public Result run(boolean resume, Instant deadline, AtomicBoolean stopRequested) {
        TokenData data = encoded != null ? encoded : TokenData.encode(corpus, tokenizer, modelConfig.contextLength());
        String corpusSha = corpusSha256(corpus);
        Gpt gpt = new Gpt(modelConfig);
        long trainable = gpt.parameters().count();
        AdamW adam = new AdamW(gpt.parameters().values(), gpt.parameters().grads(), gpt.parameters().decayMask(),
                0, trainable, config.beta1(), config.beta2(), config.weightDecay());
        int step = 0;
        double trainSeconds = 0;
        List<Point> curve = new java.util.ArrayList<>();
        if (resume) {
            Restored r = restore(gpt, adam, corpusSha);
            step = r.step;
            trainSeconds = r.trainSeconds;
            curve.addAll(r.curve);
        } else if (parent != null) {
            gpt.parameters().values().assign(parent.weights());
            double[] before = evaluate(gpt, data); // the curve starts where the parent stands on the new text
            curve.add(new Point(0, 0, Double.NaN, before[0], before[1]));
        } else {
            gpt.parameters().initialize(config.seed());
        }
        int time = modelConfig.contextLength(), batch = config.batchSize();
        listener.started(step, config.steps(), batch * time, resume);
        double smoothed = Double.NaN, lastLoss = Double.NaN;
        long tokensTimed = 0;
        double secondsTimed = 0;
        boolean stopped = false;
        while (step < config.steps()) {
            if (stopRequested.get() || (deadline != null && Instant.now().isAfter(deadline))) {
                stopped = true;
                break;
            }
            long start = System.nanoTime();
            TokenData.Batch b = data.trainBatch(config.seed(), step, batch, time);
            Nd4j.getRandom().setSeed(config.seed() * 31 + step); // dropout masks, reproducible per step
            gpt.zeroGradients();
            double[] losses = gpt.languageModelLoss(b.inputs(), b.targets(), batch, time, true, true);
            double lr = config.learningRateAt(step);
            AdamW.clipAndStep(config.gradClip(), new AdamW.Part(adam, lr));
            double seconds = (System.nanoTime() - start) / 1e9;
            trainSeconds += seconds;
            step++;
            lastLoss = Arrays.stream(losses).average().orElseThrow();
            smoothed = Double.isNaN(smoothed) ? lastLoss : 0.9 * smoothed + 0.1 * lastLoss;
            if (step > 1 || resume) { // the first step includes one-off warm-up; leave it out of the speed
                tokensTimed += (long) batch * time;
                secondsTimed += seconds;
            }
            listener.stepped(step, smoothed, lr, secondsTimed > 0 ? tokensTimed / secondsTimed : 0);
            if (!Double.isFinite(lastLoss)) {
                throw new UserError("the loss diverged (" + lastLoss + ") at step " + step + "; try a lower --lr");
            }
            if (step % config.evalEvery() == 0 || step == config.steps()) {
                double[] val = evaluate(gpt, data);
                curve.add(new Point(step, trainSeconds, smoothed, val[0], val[1]));
                listener.evaluated(step, val[0], val[1]);
                listener.sampled(step, sample(gpt));
            }
            if (checkpointFile != null && step % config.checkpointEvery() == 0 && step < config.steps()) {
                saveCheckpoint(gpt, adam, step, trainSeconds, curve, corpusSha, data);
                listener.checkpointed(step, checkpointFile);
            }
        }
        if (stopped && checkpointFile != null && step > 0) {
            saveCheckpoint(gpt, adam, step, trainSeconds, curve, corpusSha, data);
            listener.checkpointed(step, checkpointFile);
        }
        if (curve.isEmpty() || curve.get(curve.size() - 1).step() != step) {
            double[] val = evaluate(gpt, data);
            curve.add(new Point(step, trainSeconds, Double.isNaN(smoothed) ? val[0] : smoothed, val[0], val[1]));
            listener.evaluated(step, val[0], val[1]);
        }
        double tokensPerSecond = secondsTimed > 0 ? tokensTimed / secondsTimed : 0;
        JsonObject provenance = provenance(step, trainSeconds, tokensPerSecond, curve, corpusSha, data, !stopped);
        ModelFile base = new ModelFile(ModelFile.Kind.BASE, modelConfig, tokenizer, gpt.parameters().values().dup(),
                provenance, Map.of());
        return new Result(gpt, base, step, !stopped, trainSeconds, tokensPerSecond, List.copyOf(curve));
    }

    /** Validation loss (nats per token) and bits per UTF-8 byte, on the same fixed windows every time. */
    public double[] evaluate(Gpt gpt, TokenData data) {
        double nats = 0;
        long tokens = 0, bytes = 0;
        for (TokenData.Batch b : data.validationBatches(config.evalWindows(), config.batchSize(), modelConfig.contextLength())) {
            double[] losses = gpt.languageModelLoss(b.inputs(), b.targets(), b.batch(), b.time(), false, false);
            for (int i = 0; i < losses.length; i++) {
                nats += losses[i];
                bytes += tokenizer.byteLength(b.targets()[i]);
            }
            tokens += losses.length;
        }
        return new double[] {nats / tokens, nats / Math.log(2) / Math.max(1, bytes)};
    }

    private String sample(Gpt gpt) {
        return new Generator(gpt, tokenizer).generate(SAMPLE_PROMPT, SAMPLE_TOKENS, new Sampling(0.8, 40, config.seed()), s -> {});
    }

    private JsonObject provenance(int step, double trainSeconds, double tokensPerSecond, List<Point> curve,
                                  String corpusSha, TokenData data, boolean completed) {
        Point last = curve.get(curve.size() - 1);
        JsonObject p = new JsonObject();
        Provenance.corpus(p, corpus, corpusSha);
        p.addProperty("train_tokens", data.train().length);
        p.addProperty("validation_tokens", data.validation().length);
        p.addProperty("bytes_per_token", (double) data.trainBytes() / data.train().length);
        p.addProperty("tokenizer", tokenizer.kind() + "-" + tokenizer.vocabSize());
        p.addProperty("steps", step);
        p.addProperty("planned_steps", config.steps());
        p.addProperty("completed", completed);
        p.addProperty("tokens_seen", (long) step * config.batchSize() * modelConfig.contextLength());
        p.addProperty("parameters", modelConfig.parameterCount());
        p.addProperty("final_train_loss", last.trainLoss());
        p.addProperty("final_validation_loss", last.validationLoss());
        p.addProperty("final_validation_bits_per_byte", last.validationBitsPerByte());
        p.addProperty("train_seconds", trainSeconds);
        p.addProperty("tokens_per_second", tokensPerSecond);
        p.addProperty("seed", config.seed());
        p.addProperty("created", Instant.now().toString());
        p.add("training", Json.GSON.toJsonTree(config));
        p.add("machine", Provenance.machine());
        p.add("curve", Json.GSON.toJsonTree(curve));
        if (parent != null) {
            p.add("parent", Provenance.parent(parent, parentSha256));
        }
        return p;
    }

    private void saveCheckpoint(Gpt gpt, AdamW adam, int step, double trainSeconds, List<Point> curve,
                                String corpusSha, TokenData data) {
        JsonObject state = new JsonObject();
        state.addProperty("step", step);
        state.addProperty("adam_steps", adam.stepCount());
        state.addProperty("train_seconds", trainSeconds);
        state.addProperty("corpus_sha256", corpusSha);
        state.add("training", Json.GSON.toJsonTree(config));
        state.add("curve", Json.GSON.toJsonTree(curve));
        JsonObject provenance = provenance(step, trainSeconds, 0, curve.isEmpty()
                ? List.of(new Point(step, trainSeconds, Double.NaN, Double.NaN, Double.NaN)) : curve, corpusSha, data, false);
        Checkpoint.save(checkpointFile, modelConfig, tokenizer, gpt.parameters().values(), provenance, state, adam.state()[0], adam.state()[1]);
    }

    private record Restored(int step, double trainSeconds, List<Point> curve) {}

    private Restored restore(Gpt gpt, AdamW adam, String corpusSha) {
        Checkpoint ckpt = Checkpoint.load(checkpointFile, modelConfig);
        JsonObject state = ckpt.state();
        TrainingConfig saved = Json.GSON.fromJson(state.get("training"), TrainingConfig.class);
        if (!saved.equals(config)) {
            throw new UserError(checkpointFile + ": checkpoint was made with training settings " + saved
                    + "; resume with the same options (or start afresh without --resume)");
        }
        if (!state.get("corpus_sha256").getAsString().equals(corpusSha)) {
            throw new UserError(checkpointFile + ": checkpoint was made on a different corpus; resume with the same --corpus");
        }
        gpt.parameters().values().assign(ckpt.model().weights());
        adam.restore(ckpt.firstMoments(), ckpt.secondMoments(), state.get("adam_steps").getAsLong());
        Point[] curve = Json.GSON.fromJson(state.get("curve"), Point[].class);
        return new Restored(state.get("step").getAsInt(), state.get("train_seconds").getAsDouble(), List.of(curve));
    }
}
