package tinyfm.base;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import tinyfm.model.GptConfig;
import tinyfm.tokenizer.Tokenizer;
import tinyfm.util.Json;
import tinyfm.util.UserError;

/**
 * A pretraining checkpoint: a model file of kind {@code checkpoint} whose extra entries hold what an
 * exact resume needs besides the weights: the training loop's state (step, time, settings, curve)
 * and the optimiser's two moment arrays. Written atomically like every model file.
 *
 * <p>The last two are kept: {@code X.ckpt}, the newest, and {@code X.ckpt.previous}. A newest one that
 * a failing disk or a stray edit damaged is then not the end of the run: {@link #loadNewestGood} says
 * so in one line and resumes from the one before. A finished run deletes both ({@link #deleteAll}).
 */
public record Checkpoint(ModelFile model, JsonObject state, INDArray firstMoments, INDArray secondMoments) {
    private static final String STATE = "training_state.json", FIRST = "adam_m.nd4j", SECOND = "adam_v.nd4j";

    /** The checkpoint before the newest one. */
    public static Path previous(Path file) {
        return file.resolveSibling(file.getFileName() + ".previous");
    }

    /** Whether there is anything to resume from: the newest checkpoint or the one before it. */
    public static boolean exists(Path file) {
        return Files.exists(file) || Files.exists(previous(file));
    }

    /** Deletes both checkpoints; what cannot be deleted is returned, to be mentioned, not to fail a finished run. */
    public static java.util.List<String> deleteAll(Path file) {
        java.util.List<String> failed = new java.util.ArrayList<>();
        for (Path p : new Path[] {file, previous(file)}) {
            try {
                if (Files.exists(p)) {
                    tinyfm.util.CrashPoints.reached("delete the checkpoint", p);
                }
                Files.deleteIfExists(p);
            } catch (java.io.IOException e) {
                failed.add(p + ": " + e.getMessage());
            }
        }
        return failed;
    }

    /**
     * Saves a new newest checkpoint; the newest so far becomes the previous one. It is linked under the
     * previous name first (copied where the file system has no links), and the new one then replaces the
     * newest name in one rename: whenever the process stops, the newest name holds a whole checkpoint.
     */
    public static void save(Path file, GptConfig config, Tokenizer tokenizer, INDArray weights, JsonObject provenance,
                            JsonObject state, INDArray firstMoments, INDArray secondMoments) {
        if (Files.exists(file)) {
            keepAsPrevious(file);
        }
        Map<String, byte[]> extras = new LinkedHashMap<>();
        extras.put(STATE, Json.GSON.toJson(state).getBytes(StandardCharsets.UTF_8));
        extras.put(FIRST, ModelFile.arrayBytes(firstMoments));
        extras.put(SECOND, ModelFile.arrayBytes(secondMoments));
        new ModelFile(ModelFile.Kind.CHECKPOINT, config, tokenizer, weights, provenance, extras).save(file);
    }

    /** A checkpoint and the file it came from. */
    public record Found(Checkpoint checkpoint, Path file) {}

    /**
     * The newest checkpoint that loads; a damaged newest one (it fails its checksums, or is no model file at all)
     * is reported through {@code warn} in one line, and the previous one is used. A checkpoint that loads but
     * was made by another run is refused, not skipped: the options are wrong, not the file.
     */
    public static Found loadNewestGood(Path file, GptConfig expected, java.util.function.Consumer<String> warn) {
        if (!exists(file)) {
            throw new UserError(file + ": no checkpoint to resume from; run without --resume to start afresh");
        }
        String newestFailure = null;
        if (Files.exists(file)) {
            try {
                return new Found(load(file, expected), file);
            } catch (Damaged e) {
                newestFailure = e.getMessage();
            }
        }
        Path before = previous(file);
        if (!Files.exists(before)) {
            throw new UserError(newestFailure + "; no earlier checkpoint is left, so start afresh without --resume");
        }
        if (newestFailure != null) {
            warn.accept(newestFailure + "; resuming from the checkpoint before it, " + before.getFileName());
        }
        try {
            return new Found(load(before, expected), before);
        } catch (Damaged e) {
            throw new UserError((newestFailure == null ? "" : newestFailure + "; ") + e.getMessage()
                    + "; no good checkpoint is left, so start afresh without --resume");
        }
    }

    /** A checkpoint file that does not load as one: damaged, not merely made by another run. */
    static final class Damaged extends UserError {
        Damaged(String message) {
            super(message);
        }
    }

    private static void keepAsPrevious(Path file) {
        Path before = previous(file);
        try {
            if (Files.exists(before)) {
                tinyfm.util.CrashPoints.reached("delete the checkpoint", before);
                Files.delete(before);
            }
            tinyfm.util.CrashPoints.reached("link the newest checkpoint as", before);
            Files.createLink(before, file);
        } catch (UnsupportedOperationException | java.io.IOException noLinks) {
            tinyfm.util.AtomicFiles.write(before, out -> Files.copy(file, out));
        }
    }

    /** Loads a checkpoint made for this model shape, or says why it cannot resume. */
    public static Checkpoint load(Path file, GptConfig expected) {
        if (file == null || !Files.exists(file)) {
            throw new UserError((file == null ? "checkpoint" : file) + ": no checkpoint to resume from; run without --resume");
        }
        ModelFile m;
        try {
            m = ModelFile.load(file, ModelFile.Kind.CHECKPOINT, "");
        } catch (UserError e) {
            throw new Damaged(e.getMessage().startsWith(file.toString()) ? e.getMessage() : file + ": " + e.getMessage());
        }
        if (!m.config().equals(expected)) {
            throw new UserError(file + ": checkpoint was made with model " + m.config() + ", not " + expected + "; resume with the same options");
        }
        for (String entry : new String[] {STATE, FIRST, SECOND}) {
            if (!m.extras().containsKey(entry)) {
                throw new UserError(file + ": checkpoint lacks " + entry + "; start afresh without --resume");
            }
        }
        JsonObject state = JsonParser.parseString(new String(m.extras().get(STATE), StandardCharsets.UTF_8)).getAsJsonObject();
        return new Checkpoint(m, state, ModelFile.readArray(m.extras().get(FIRST)), ModelFile.readArray(m.extras().get(SECOND)));
    }
}
