package tinyfm.interop;

import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import tinyfm.base.ModelFile;
import tinyfm.base.Provenance;
import tinyfm.model.Gpt;
import tinyfm.model.GptConfig;
import tinyfm.model.Parameters;
import tinyfm.tokenizer.Tokenizer;
import tinyfm.tokenizer.Tokenizers;
import tinyfm.util.AtomicFiles;
import tinyfm.util.Json;
import tinyfm.util.Sha256;
import tinyfm.util.UserError;

/**
 * A base as the wider ecosystem reads a GPT-2: a folder with {@code model.safetensors} (GPT-2's
 * tensor names and shapes), {@code config.json} (a GPT-2 config: GELU in its sigmoid form, which
 * Hugging Face calls {@code quick_gelu}, and tied embeddings), {@code tokenizer.json} (Hugging Face's
 * tokenizers format) and a model card, {@code README.md}. {@link #importFolder} reads such a folder
 * back, refusing in one line what tinyfm's model cannot run.
 */
public final class Gpt2Folder {
    private Gpt2Folder() {}

    public static final String WEIGHTS = "model.safetensors", CONFIG = "config.json", TOKENIZER = "tokenizer.json",
            TOKENIZER_CONFIG = "tokenizer_config.json", CARD = "README.md";
    /** The ecosystem's readers want a key that is null to be there (tokenizer.json's "normalizer": null), so nulls are written. */
    private static final com.google.gson.Gson WITH_NULLS = new com.google.gson.GsonBuilder().setPrettyPrinting().disableHtmlEscaping().serializeNulls().create();
    /** What tinyfm's LayerNorm adds to the variance; a config that says otherwise is another model. */
    static final double LAYER_NORM_EPSILON = 1e-5;
    /** A training record a continuation may leave beside the weights (the PyTorch side writes one); kept in the provenance. */
    public static final String TRAINING_RECORD = "training_record.json";

    /** Writes the folder; returns the files written. */
    public static List<String> export(ModelFile base, Path baseFile, Path dir) {
        if (!base.tokenizer().kind().equals("bpe")) {
            throw new UserError(baseFile + ": its tokenizer is '" + base.tokenizer().kind() + "'; export needs a byte-level BPE base");
        }
        Gpt gpt = tinyfm.base.Bases.languageModel(base, baseFile);
        Map<String, Safetensors.Tensor> tensors = new LinkedHashMap<>();
        float[] all = tinyfm.engine.OffHeap.toFloats(gpt.parameters().values());
        for (Parameters.Param p : gpt.parameters().list()) {
            float[] values = new float[(int) p.size];
            System.arraycopy(all, (int) p.offset, values, 0, values.length);
            tensors.put(Gpt2Names.gpt2(p.name), new Safetensors.Tensor(p.shape, values));
        }
        try {
            tinyfm.util.CrashPoints.createDirectories(dir);
        } catch (IOException e) {
            throw new UserError(dir + ": cannot create the folder (" + e.getMessage() + ")");
        }
        String sha = Sha256.ofFile(baseFile);
        Safetensors.write(dir.resolve(WEIGHTS), tensors, Map.of("format", "pt", "tinyfm_base_sha256", sha));
        AtomicFiles.writeString(dir.resolve(CONFIG), WITH_NULLS.toJson(config(base, sha)) + "\n");
        int[][] merges = Json.GSON.fromJson(base.tokenizer().toJson().get("merges"), int[][].class);
        AtomicFiles.writeString(dir.resolve(TOKENIZER), WITH_NULLS.toJson(HfTokenizer.toJson(merges)) + "\n");
        AtomicFiles.writeString(dir.resolve(TOKENIZER_CONFIG), WITH_NULLS.toJson(HfTokenizer.config(base.config().contextLength())) + "\n");
        AtomicFiles.writeString(dir.resolve(CARD), ModelCard.of(base, baseFile, sha));
        AtomicFiles.writeString(dir.resolve(LOGITS), Json.LINE.toJson(logits(gpt, base.tokenizer())) + "\n");
        return List.of(WEIGHTS, CONFIG, TOKENIZER, TOKENIZER_CONFIG, CARD, LOGITS);
    }

    /** tinyfm's own logits on a short text, so another runtime can check that it computes the same model. */
    public static final String LOGITS = "tinyfm_logits.json";
    static final String LOGITS_TEXT = "The movie was wonderful, and the plot kept me guessing until the end.";

    static JsonObject logits(Gpt gpt, Tokenizer tokenizer) {
        int[] tokens = tokenizer.encode(LOGITS_TEXT);
        tokens = java.util.Arrays.copyOf(tokens, Math.min(tokens.length, gpt.config().contextLength()));
        float[] flat = tinyfm.engine.OffHeap.toFloats(gpt.logits(tokens, 1, tokens.length));
        int vocab = gpt.config().vocabSize();
        com.google.gson.JsonArray rows = new com.google.gson.JsonArray();
        for (int t = 0; t < tokens.length; t++) {
            com.google.gson.JsonArray row = new com.google.gson.JsonArray();
            for (int v = 0; v < vocab; v++) {
                row.add(flat[t * vocab + v]);
            }
            rows.add(row);
        }
        JsonObject json = new JsonObject();
        json.add("tokens", Json.GSON.toJsonTree(tokens));
        json.add("logits", rows);
        return json;
    }

    static JsonObject config(ModelFile base, String sha256) {
        GptConfig c = base.config();
        JsonObject json = new JsonObject();
        com.google.gson.JsonArray architectures = new com.google.gson.JsonArray();
        architectures.add("GPT2LMHeadModel");
        json.add("architectures", architectures);
        json.addProperty("model_type", "gpt2");
        json.addProperty("vocab_size", c.vocabSize());
        json.addProperty("n_positions", c.contextLength());
        json.addProperty("n_ctx", c.contextLength());
        json.addProperty("n_embd", c.embedDim());
        json.addProperty("n_layer", c.layers());
        json.addProperty("n_head", c.heads());
        json.add("n_inner", JsonNull.INSTANCE); // 4 × n_embd, as tinyfm's MLP
        json.addProperty("activation_function", "quick_gelu");
        json.addProperty("layer_norm_epsilon", LAYER_NORM_EPSILON);
        json.addProperty("resid_pdrop", c.dropout());
        json.addProperty("embd_pdrop", c.dropout());
        json.addProperty("attn_pdrop", c.dropout());
        json.addProperty("tie_word_embeddings", true);
        json.addProperty("scale_attn_weights", true);
        json.addProperty("bos_token_id", base.tokenizer().endOfText());
        json.addProperty("eos_token_id", base.tokenizer().endOfText());
        json.addProperty("torch_dtype", "float32");
        json.addProperty("tinyfm_base_sha256", sha256);
        return json;
    }

    /** Reads a folder in that layout back as a tinyfm base, with where it came from in its provenance. */
    public static ModelFile importFolder(Path dir) {
        for (String f : List.of(WEIGHTS, CONFIG, TOKENIZER)) {
            if (!Files.isRegularFile(dir.resolve(f))) {
                throw new UserError(dir + ": has no " + f + "; 'tinyfm export' writes " + WEIGHTS + ", " + CONFIG + " and " + TOKENIZER);
            }
        }
        JsonObject config = readJson(dir.resolve(CONFIG));
        GptConfig gptConfig = gptConfig(config, dir.resolve(CONFIG).toString());
        int[][] merges = HfTokenizer.merges(readJson(dir.resolve(TOKENIZER)), dir.resolve(TOKENIZER).toString());
        JsonObject tinyfmTokenizer = new JsonObject();
        tinyfmTokenizer.addProperty("kind", "bpe");
        tinyfmTokenizer.add("merges", Json.GSON.toJsonTree(merges));
        Tokenizer tokenizer = Tokenizers.fromJson(tinyfmTokenizer, dir.resolve(TOKENIZER).toString());
        if (tokenizer.vocabSize() != gptConfig.vocabSize()) {
            throw new UserError(dir.resolve(CONFIG) + ": vocab_size " + gptConfig.vocabSize() + " but " + TOKENIZER + " defines " + tokenizer.vocabSize() + " tokens");
        }
        Gpt gpt = new Gpt(gptConfig);
        Map<String, Safetensors.Tensor> tensors = Safetensors.read(dir.resolve(WEIGHTS));
        Set<String> unused = new TreeSet<>(tensors.keySet());
        float[] all = new float[(int) gpt.parameters().count()];
        for (Parameters.Param p : gpt.parameters().list()) {
            String name = Gpt2Names.gpt2(p.name);
            Safetensors.Tensor t = tensors.get(name);
            if (t == null) {
                throw new UserError(dir.resolve(WEIGHTS) + ": has no tensor " + name);
            }
            if (!java.util.Arrays.equals(t.shape(), p.shape)) {
                throw new UserError(dir.resolve(WEIGHTS) + ": tensor " + name + " has shape " + java.util.Arrays.toString(t.shape())
                        + "; the config needs " + java.util.Arrays.toString(p.shape));
            }
            System.arraycopy(t.values(), 0, all, (int) p.offset, t.values().length);
            unused.remove(name);
        }
        Safetensors.Tensor head = tensors.get("lm_head.weight");
        if (head != null) {
            if (!java.util.Arrays.equals(head.values(), tensors.get("transformer.wte.weight").values())) {
                throw new UserError(dir.resolve(WEIGHTS) + ": lm_head.weight differs from transformer.wte.weight; tinyfm ties the output to the token embedding");
            }
            unused.remove("lm_head.weight");
        }
        unused.removeIf(n -> n.endsWith(".attn.bias") || n.endsWith(".attn.masked_bias")); // GPT-2's causal-mask buffers, not weights
        if (!unused.isEmpty()) {
            throw new UserError(dir.resolve(WEIGHTS) + ": holds tensors tinyfm's model has no place for: " + String.join(", ", unused.stream().limit(3).toList())
                    + (unused.size() > 3 ? " and " + (unused.size() - 3) + " more" : ""));
        }
        return new ModelFile(ModelFile.Kind.BASE, gptConfig, tokenizer, org.nd4j.linalg.factory.Nd4j.createFromArray(all),
                provenance(dir, config), Map.of());
    }

    /** The config as tinyfm's, or a one-line refusal of what its model cannot run. */
    static GptConfig gptConfig(JsonObject c, String source) {
        try {
            if (c.has("model_type") && !c.get("model_type").getAsString().equals("gpt2")) {
                throw new UserError(source + ": model_type is '" + c.get("model_type").getAsString() + "'; tinyfm imports GPT-2's architecture only");
            }
            String activation = c.has("activation_function") ? c.get("activation_function").getAsString() : "gelu_new";
            if (!activation.equals("quick_gelu")) {
                throw new UserError(source + ": activation_function is '" + activation + "'; tinyfm's blocks use quick_gelu (x·sigmoid(1.702·x)) only");
            }
            if (c.has("tie_word_embeddings") && !c.get("tie_word_embeddings").getAsBoolean()) {
                throw new UserError(source + ": tie_word_embeddings is false; tinyfm's output layer is the token embedding (tied)");
            }
            int embed = c.get("n_embd").getAsInt();
            if (c.has("n_inner") && !c.get("n_inner").isJsonNull() && c.get("n_inner").getAsInt() != 4 * embed) {
                throw new UserError(source + ": n_inner is " + c.get("n_inner").getAsInt() + "; tinyfm's MLP is 4 × n_embd = " + 4 * embed + " wide");
            }
            if (c.has("layer_norm_epsilon") && Math.abs(c.get("layer_norm_epsilon").getAsDouble() - LAYER_NORM_EPSILON) > 1e-12) {
                throw new UserError(source + ": layer_norm_epsilon is " + c.get("layer_norm_epsilon").getAsDouble() + "; tinyfm's LayerNorm uses 1e-05");
            }
            double dropout = c.has("resid_pdrop") ? c.get("resid_pdrop").getAsDouble() : 0;
            return new GptConfig(c.get("vocab_size").getAsInt(), c.get("n_positions").getAsInt(), c.get("n_layer").getAsInt(),
                    c.get("n_head").getAsInt(), embed, dropout);
        } catch (UserError e) {
            throw e;
        } catch (RuntimeException e) {
            throw new UserError(source + ": not a GPT-2 config tinyfm can read (" + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ")");
        }
    }

    /** Where the base came from: each file's sha256, the folder's config, and the training record if one is there. */
    private static JsonObject provenance(Path dir, JsonObject config) {
        JsonObject p = new JsonObject();
        p.addProperty("imported_from", dir.toAbsolutePath().normalize().toString());
        JsonObject files = new JsonObject();
        try (var list = Files.list(dir)) {
            list.filter(Files::isRegularFile).sorted().forEach(f -> files.addProperty(f.getFileName().toString(), Sha256.ofFile(f)));
        } catch (IOException e) {
            throw new UserError(dir + ": cannot list the folder (" + e.getMessage() + ")");
        }
        p.add("imported_files", files);
        if (config.has("tinyfm_base_sha256")) {
            p.addProperty("exported_from_base_sha256", config.get("tinyfm_base_sha256").getAsString());
        }
        if (Files.isRegularFile(dir.resolve(TRAINING_RECORD))) {
            p.add("training_record", readJson(dir.resolve(TRAINING_RECORD)));
        }
        p.add("machine", Provenance.machine());
        return p;
    }

    private static JsonObject readJson(Path file) {
        try {
            JsonElement json = JsonParser.parseString(Files.readString(file));
            if (!json.isJsonObject()) {
                throw new UserError(file + ": not a JSON object");
            }
            return json.getAsJsonObject();
        } catch (IOException e) {
            throw new UserError(file + ": cannot read (" + e.getMessage() + ")");
        } catch (UserError e) {
            throw e;
        } catch (RuntimeException e) {
            throw new UserError(file + ": not valid JSON (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
    }
}
