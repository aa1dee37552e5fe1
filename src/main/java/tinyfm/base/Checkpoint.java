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
 */
public record Checkpoint(ModelFile model, JsonObject state, INDArray firstMoments, INDArray secondMoments) {
    private static final String STATE = "training_state.json", FIRST = "adam_m.nd4j", SECOND = "adam_v.nd4j";

    public static void save(Path file, GptConfig config, Tokenizer tokenizer, INDArray weights, JsonObject provenance,
                            JsonObject state, INDArray firstMoments, INDArray secondMoments) {
        Map<String, byte[]> extras = new LinkedHashMap<>();
        extras.put(STATE, Json.GSON.toJson(state).getBytes(StandardCharsets.UTF_8));
        extras.put(FIRST, ModelFile.arrayBytes(firstMoments));
        extras.put(SECOND, ModelFile.arrayBytes(secondMoments));
        new ModelFile(ModelFile.Kind.CHECKPOINT, config, tokenizer, weights, provenance, extras).save(file);
    }

    /** Loads a checkpoint made for this model shape, or says why it cannot resume. */
    public static Checkpoint load(Path file, GptConfig expected) {
        if (file == null || !Files.exists(file)) {
            throw new UserError((file == null ? "checkpoint" : file) + ": no checkpoint to resume from; run without --resume");
        }
        ModelFile m = ModelFile.load(file, ModelFile.Kind.CHECKPOINT, "");
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
