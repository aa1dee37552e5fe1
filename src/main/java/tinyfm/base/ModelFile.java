package tinyfm.base;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import tinyfm.model.GptConfig;
import tinyfm.tokenizer.Tokenizer;
import tinyfm.tokenizer.Tokenizers;
import tinyfm.util.AtomicFiles;
import tinyfm.util.Json;
import tinyfm.util.Sha256;
import tinyfm.util.UserError;

/**
 * One file that holds everything needed to use a model again: a zip of the weights (ND4J's binary
 * format), the tokenizer, the model config and the provenance, plus a manifest with the sha256 of
 * every entry, checked on load. A pretrained <em>base</em> is the reusable artefact of the lesson;
 * checkpoints and fine-tuned models use the same container with another {@code kind}.
 */
public record ModelFile(Kind kind, GptConfig config, Tokenizer tokenizer, INDArray weights,
                        JsonObject provenance, Map<String, byte[]> extras) {
    public static final String FORMAT = "tinyfm-model";
    public static final int FORMAT_VERSION = 1;

    public enum Kind {
        BASE("a pretrained base"), CHECKPOINT("a pretraining checkpoint"), FINETUNED("a fine-tuned model");
        final String description;

        Kind(String description) {
            this.description = description;
        }

        public String id() {
            return name().toLowerCase();
        }
    }

    public void save(Path file) {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("config.json", utf8(Json.GSON.toJson(config)));
        entries.put("tokenizer.json", utf8(Json.GSON.toJson(tokenizer.toJson())));
        entries.put("weights.nd4j", arrayBytes(weights));
        entries.put("provenance.json", utf8(Json.GSON.toJson(provenance)));
        entries.putAll(extras);
        JsonObject manifest = new JsonObject();
        manifest.addProperty("format", FORMAT);
        manifest.addProperty("format_version", FORMAT_VERSION);
        manifest.addProperty("kind", kind.id());
        JsonObject sums = new JsonObject();
        entries.forEach((name, bytes) -> sums.addProperty(name, Sha256.of(bytes)));
        manifest.add("sha256", sums);
        AtomicFiles.write(file, out -> {
            try (ZipOutputStream zip = new ZipOutputStream(out)) {
                put(zip, "manifest.json", utf8(Json.GSON.toJson(manifest)));
                for (var e : entries.entrySet()) {
                    put(zip, e.getKey(), e.getValue());
                }
            }
        });
    }

    private static void put(ZipOutputStream zip, String name, byte[] bytes) throws IOException {
        ZipEntry entry = new ZipEntry(name);
        entry.setTime(0); // the same model gives the same file bytes
        zip.putNextEntry(entry);
        zip.write(bytes);
        zip.closeEntry();
    }

    /** Loads any kind of model file; checks the format, version and every checksum. */
    public static ModelFile load(Path file) {
        if (!Files.exists(file)) {
            throw new UserError(file + ": file not found");
        }
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (InputStream in = Files.newInputStream(file); ZipInputStream zip = new ZipInputStream(in)) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                entries.put(e.getName(), zip.readAllBytes());
            }
        } catch (IOException e) {
            throw new UserError(file + ": truncated or corrupt model file (" + e.getMessage() + ")");
        }
        byte[] manifestBytes = entries.remove("manifest.json");
        if (manifestBytes == null) {
            throw new UserError(file + ": not a tinyfm model file (no manifest.json inside)");
        }
        JsonObject manifest;
        try {
            manifest = JsonParser.parseString(new String(manifestBytes, StandardCharsets.UTF_8)).getAsJsonObject();
        } catch (RuntimeException e) {
            throw new UserError(file + ": corrupt model file (manifest.json is not JSON)");
        }
        if (!manifest.has("format") || !FORMAT.equals(manifest.get("format").getAsString())) {
            throw new UserError(file + ": not a tinyfm model file");
        }
        int version = manifest.get("format_version").getAsInt();
        if (version != FORMAT_VERSION) {
            throw new UserError(file + ": model file format version " + version + " is not supported by this tinyfm (it reads version "
                    + FORMAT_VERSION + "); retrain it or use a matching tinyfm version");
        }
        JsonObject sums = manifest.getAsJsonObject("sha256");
        for (String name : sums.keySet()) {
            byte[] bytes = entries.get(name);
            if (bytes == null) {
                throw new UserError(file + ": truncated or corrupt model file (entry " + name + " is missing)");
            }
            if (!Sha256.of(bytes).equals(sums.get(name).getAsString())) {
                throw new UserError(file + ": corrupt model file (checksum of " + name + " does not match)");
            }
        }
        Kind kind;
        try {
            kind = Kind.valueOf(manifest.get("kind").getAsString().toUpperCase());
        } catch (IllegalArgumentException e) {
            throw new UserError(file + ": unknown model kind '" + manifest.get("kind").getAsString() + "'");
        }
        GptConfig config = Json.GSON.fromJson(new String(entries.remove("config.json"), StandardCharsets.UTF_8), GptConfig.class);
        Tokenizer tokenizer = Tokenizers.fromJson(
                JsonParser.parseString(new String(entries.remove("tokenizer.json"), StandardCharsets.UTF_8)).getAsJsonObject(),
                file + " (tokenizer.json)");
        INDArray weights = readArray(entries.remove("weights.nd4j"));
        JsonObject provenance = JsonParser.parseString(new String(entries.remove("provenance.json"), StandardCharsets.UTF_8)).getAsJsonObject();
        if (tokenizer.vocabSize() != config.vocabSize()) {
            throw new UserError(file + ": tokenizer has " + tokenizer.vocabSize() + " tokens but the model expects "
                    + config.vocabSize() + "; the file is inconsistent");
        }
        if (weights.length() < config.parameterCount()) {
            throw new UserError(file + ": holds " + weights.length() + " weights, fewer than the " + config.parameterCount()
                    + " its config needs");
        }
        return new ModelFile(kind, config, tokenizer, weights, provenance, entries);
    }

    /** Loads a file and insists on its kind, with a message that says what the file is instead. */
    public static ModelFile load(Path file, Kind expected, String hint) {
        ModelFile m = load(file);
        if (m.kind != expected) {
            throw new UserError(file + ": is " + m.kind.description + ", not " + expected.description + (hint.isEmpty() ? "" : "; " + hint));
        }
        return m;
    }

    public static byte[] arrayBytes(INDArray array) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            Nd4j.write(array, out);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory cannot fail", e);
        }
    }

    public static INDArray readArray(byte[] bytes) {
        return Nd4j.read(new DataInputStream(new ByteArrayInputStream(bytes)));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
