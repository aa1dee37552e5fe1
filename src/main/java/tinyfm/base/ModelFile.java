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
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.nd4j.linalg.api.buffer.DataType;
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
        try {
            return parse(file, readEntries(file));
        } catch (UserError e) {
            throw e;
        } catch (RuntimeException e) {
            // anything a damaged file can still trip (a JSON value of the wrong type, an array ND4J rejects)
            throw new UserError(file + ": corrupt model file (" + oneLine(e) + ")");
        }
    }

    private static final List<String> REQUIRED = List.of("config.json", "tokenizer.json", "weights.nd4j", "provenance.json");

    /**
     * The zip's entries, each read with a size limit: the uncompressed whole may not exceed a few times
     * the file (weights do not compress), so a damaged or hostile size field cannot exhaust memory.
     */
    private static Map<String, byte[]> readEntries(Path file) {
        if (Files.isDirectory(file)) {
            throw new UserError(file + ": is a folder, not a model file");
        }
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (InputStream in = Files.newInputStream(file); ZipInputStream zip = new ZipInputStream(in)) {
            long budget = 4 * Files.size(file) + (1 << 20);
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                byte[] bytes = zip.readNBytes((int) Math.min(budget + 1, Integer.MAX_VALUE - 8));
                budget -= bytes.length;
                if (budget < 0) {
                    throw new UserError(file + ": corrupt model file (entry " + e.getName() + " expands far beyond the file's size)");
                }
                if (entries.put(e.getName(), bytes) != null) {
                    throw new UserError(file + ": corrupt model file (entry " + e.getName() + " appears twice)");
                }
            }
        } catch (IOException e) {
            throw new UserError(file + ": truncated or corrupt model file (" + oneLine(e) + ")");
        }
        return entries;
    }

    private static ModelFile parse(Path file, Map<String, byte[]> entries) {
        byte[] manifestBytes = entries.remove("manifest.json");
        if (manifestBytes == null) {
            throw new UserError(file + ": not a tinyfm model file (no manifest.json inside)");
        }
        JsonObject manifest = jsonObject(file, "manifest.json", manifestBytes);
        if (!manifest.has("format") || !FORMAT.equals(manifest.get("format").getAsString())) {
            throw new UserError(file + ": not a tinyfm model file");
        }
        int version = manifest.get("format_version").getAsInt();
        if (version != FORMAT_VERSION) {
            throw new UserError(file + ": model file format version " + version + " is not supported by this tinyfm (it reads version "
                    + FORMAT_VERSION + "); retrain it or use a matching tinyfm version");
        }
        JsonObject sums = manifest.getAsJsonObject("sha256");
        for (String name : REQUIRED) {
            if (!sums.has(name) || !entries.containsKey(name)) {
                throw new UserError(file + ": truncated or corrupt model file (entry " + name + " is missing)");
            }
        }
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
        GptConfig config;
        try {
            config = Json.GSON.fromJson(jsonObject(file, "config.json", entries.remove("config.json")), GptConfig.class);
        } catch (UserError e) {
            throw new UserError(file + ": corrupt model file (config.json: " + e.getMessage() + ")");
        }
        Tokenizer tokenizer = Tokenizers.fromJson(jsonObject(file, "tokenizer.json", entries.remove("tokenizer.json")),
                file + " (tokenizer.json)");
        JsonObject provenance = jsonObject(file, "provenance.json", entries.remove("provenance.json"));
        if (tokenizer.vocabSize() != config.vocabSize()) {
            throw new UserError(file + ": tokenizer has " + tokenizer.vocabSize() + " tokens but the model expects "
                    + config.vocabSize() + "; the file is inconsistent");
        }
        INDArray weights = readWeights(file, entries.remove("weights.nd4j"), config.parameterCount());
        return new ModelFile(kind, config, tokenizer, weights, provenance, entries);
    }

    private static JsonObject jsonObject(Path file, String entry, byte[] bytes) {
        try {
            return JsonParser.parseString(new String(bytes, StandardCharsets.UTF_8)).getAsJsonObject();
        } catch (RuntimeException e) {
            throw new UserError(file + ": corrupt model file (" + entry + " is not a JSON object)");
        }
    }

    /**
     * The weights, read only after their header agrees with the config: ND4J's reader allocates whatever
     * length the header declares, so a damaged header must be caught before it gets there.
     */
    private static INDArray readWeights(Path file, byte[] bytes, long parameterCount) {
        long floatBytes = serializedSize(DataType.FLOAT, parameterCount);
        if (parameterCount > Integer.MAX_VALUE / 8 || (bytes.length != floatBytes && bytes.length != serializedSize(DataType.DOUBLE, parameterCount))) {
            throw new UserError(file + ": corrupt model file (weights.nd4j holds " + bytes.length + " bytes; the config's "
                    + parameterCount + " float weights need " + floatBytes + ")");
        }
        INDArray weights = readArray(bytes);
        if (weights.length() != parameterCount || !weights.dataType().isFPType()) {
            throw new UserError(file + ": corrupt model file (weights.nd4j holds " + weights.length() + " " + weights.dataType()
                    + " values; the config needs " + parameterCount + ")");
        }
        return weights;
    }

    /** Bytes of {@link #arrayBytes} for a vector of this type and length: a fixed header, then the values. */
    private static long serializedSize(DataType type, long length) {
        return arrayBytes(Nd4j.create(type, 1)).length + (length - 1) * type.width();
    }

    private static String oneLine(Exception e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        m = m.lines().findFirst().orElse("").strip();
        return m.length() > 200 ? m.substring(0, 200) + "…" : m;
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
