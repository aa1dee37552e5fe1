package tinyfm.pretraining;

import tinyfm.model.AdamW;
import com.google.gson.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import tinyfm.base.Checkpoint;
import tinyfm.base.Provenance;
import tinyfm.data.Corpus;
import tinyfm.model.Gpt;
import tinyfm.model.GptConfig;
import tinyfm.tokenizer.Tokenizer;
import tinyfm.util.Json;
import tinyfm.util.Sha256;
import tinyfm.util.UserError;

/**
 * What a pretraining run writes about itself: the provenance every base carries (what it read,
 * how long it trained, on which machine, how the loss fell), and the checkpoint from which an
 * interrupted run resumes exactly. {@link Checkpoint} and {@link Provenance} do the writing.
 */
final class RunRecord {
    /** Where a run stands: steps taken, seconds spent training, the learning curve and the probes so far. */
    record Progress(int step, double trainSeconds, List<Pretrainer.Point> curve, List<ReadingProbes.Point> probes) {}

    private final Corpus corpus;
    private final String corpusSha256;
    private final TokenData data;
    private final Tokenizer tokenizer;
    private final GptConfig model;
    private final TrainingConfig config;
    private final JsonObject parent;
    private final String probes;
    private final String tokenizerSample;

    /** {@code parent} is what {@link Provenance#parent} records of it (null for a fresh base); {@code probes} says what is probed. */
    /** {@code tokenizerSample} says what the tokenizer learned from when it was a sample of the corpus, else null. */
    RunRecord(Corpus corpus, TokenData data, Tokenizer tokenizer, GptConfig model, TrainingConfig config, JsonObject parent, String probes,
              String tokenizerSample) {
        this.corpus = corpus;
        this.corpusSha256 = corpus.sha256();
        this.data = data;
        this.tokenizer = tokenizer;
        this.model = model;
        this.config = config;
        this.parent = parent;
        this.probes = probes;
        this.tokenizerSample = tokenizerSample;
    }

    private String parentSha256() {
        return parent == null ? null : parent.get("sha256").getAsString();
    }

    JsonObject provenance(Progress progress, double tokensPerSecond, boolean completed) {
        List<Pretrainer.Point> curve = progress.curve();
        Pretrainer.Point last = curve.isEmpty()
                ? new Pretrainer.Point(progress.step(), progress.trainSeconds(), Double.NaN, Double.NaN, Double.NaN)
                : curve.get(curve.size() - 1);
        JsonObject p = new JsonObject();
        Provenance.corpus(p, corpus, corpusSha256);
        p.addProperty("train_tokens", data.train().length());
        p.addProperty("validation_tokens", data.validation().length());
        p.addProperty("bytes_per_token", (double) data.trainBytes() / data.train().length());
        p.addProperty("tokenizer", tokenizer.kind() + "-" + tokenizer.vocabSize());
        if (tokenizerSample != null) {
            p.addProperty("tokenizer_trained_on", tokenizerSample);
        }
        p.addProperty("steps", progress.step());
        p.addProperty("planned_steps", config.steps());
        p.addProperty("completed", completed);
        p.addProperty("tokens_seen", (long) progress.step() * config.batchSize() * model.contextLength());
        p.addProperty("parameters", model.parameterCount());
        p.addProperty("final_train_loss", last.trainLoss());
        p.addProperty("final_validation_loss", last.validationLoss());
        p.addProperty("final_validation_bits_per_byte", last.validationBitsPerByte());
        p.addProperty("train_seconds", progress.trainSeconds());
        p.addProperty("tokens_per_second", tokensPerSecond);
        p.addProperty("seed", config.seed());
        p.addProperty("created", Instant.now().toString());
        p.add("training", Json.GSON.toJsonTree(config));
        p.add("machine", Provenance.machine());
        p.add("curve", Json.GSON.toJsonTree(curve));
        if (!progress.probes().isEmpty()) {
            p.add("reading_probes", Json.GSON.toJsonTree(progress.probes()));
        }
        if (parent != null) {
            p.add("parent", parent);
        }
        return p;
    }

    void saveCheckpoint(Path file, Gpt gpt, AdamW adam, Progress progress) {
        JsonObject state = new JsonObject();
        state.addProperty("step", progress.step());
        state.addProperty("adam_steps", adam.stepCount());
        state.addProperty("train_seconds", progress.trainSeconds());
        state.addProperty("corpus_sha256", corpusSha256);
        state.add("training", Json.GSON.toJsonTree(config));
        state.addProperty("probe_setup", probes);
        state.addProperty("parent_sha256", parentSha256());
        state.add("curve", Json.GSON.toJsonTree(progress.curve()));
        state.add("probes", Json.GSON.toJsonTree(progress.probes()));
        Checkpoint.save(file, model, tokenizer, gpt.parameters().values(), provenance(progress, 0, false), state,
                adam.state()[0], adam.state()[1]);
    }

    /**
     * Loads the newest good checkpoint's weights and optimiser into these, after checking it was made by
     * the same run; a damaged newest one is skipped with a line to {@code warn}.
     */
    Progress restore(Path newest, Gpt gpt, AdamW adam, java.util.function.Consumer<String> warn) {
        Checkpoint.Found found = Checkpoint.loadNewestGood(newest, model, warn);
        Checkpoint checkpoint = found.checkpoint();
        Path file = found.file();
        JsonObject state = checkpoint.state();
        TrainingConfig saved = Json.GSON.fromJson(state.get("training"), TrainingConfig.class);
        if (!saved.equals(config)) {
            throw new UserError(file + ": checkpoint was made with training settings " + saved
                    + "; resume with the same options (or start afresh without --resume)");
        }
        if (!state.get("corpus_sha256").getAsString().equals(corpusSha256)) {
            throw new UserError(file + ": checkpoint was made on a different corpus; resume with the same --corpus");
        }
        if (state.has("probe_setup")) { // checkpoints from before it was kept are not checked
            String savedParent = state.has("parent_sha256") ? state.get("parent_sha256").getAsString() : null;
            if (!java.util.Objects.equals(savedParent, parentSha256())) {
                throw new UserError(file + ": checkpoint continued " + (savedParent == null ? "no base" : "the base with sha256 " + savedParent)
                        + "; resume with the same --base");
            }
            if (!state.get("probe_setup").getAsString().equals(probes)) {
                throw new UserError(file + ": checkpoint probed " + state.get("probe_setup").getAsString() + "; resume with the same --probe options");
            }
        }
        gpt.parameters().values().assign(checkpoint.model().weights());
        adam.restore(checkpoint.firstMoments(), checkpoint.secondMoments(), state.get("adam_steps").getAsLong());
        Pretrainer.Point[] curve = Json.GSON.fromJson(state.get("curve"), Pretrainer.Point[].class);
        ReadingProbes.Point[] probes = state.has("probes")
                ? Json.GSON.fromJson(state.get("probes"), ReadingProbes.Point[].class) : new ReadingProbes.Point[0];
        return new Progress(state.get("step").getAsInt(), state.get("train_seconds").getAsDouble(), List.of(curve), List.of(probes));
    }
}
