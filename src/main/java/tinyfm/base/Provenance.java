package tinyfm.base;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Where a model came from and what it cost: written into every model file, shown by {@code inspect}. */
public final class Provenance {
    private Provenance() {}

    /**
     * What a base's pretraining recorded, read from its provenance in this one place: the corpus it
     * read, its own run's steps and tokens, every token and second its whole chain of pretraining
     * cost (an adapted base's ancestors included), and its final validation score. A figure a base
     * made before it was recorded is NaN, or 0 for counts.
     */
    public record Pretraining(String corpus, String corpusSha256, int steps, long tokensSeen, long tokensRead, double seconds,
                              double finalBitsPerByte) {
        public static Pretraining of(JsonObject p) {
            return new Pretraining(p.has("corpus") ? p.get("corpus").getAsString() : "", p.has("corpus_sha256") ? p.get("corpus_sha256").getAsString() : "",
                    p.has("steps") ? p.get("steps").getAsInt() : 0, p.has("tokens_seen") ? p.get("tokens_seen").getAsLong() : 0, Provenance.tokensRead(p),
                    Provenance.pretrainSeconds(p), p.has("final_validation_bits_per_byte") ? p.get("final_validation_bits_per_byte").getAsDouble() : Double.NaN);
        }

        /** Whether the base recorded the tokens it read (bases made before provenance did cannot be placed on a compute axis). */
        public boolean recordsTokens() {
            return tokensSeen > 0;
        }
    }

    public static JsonObject machine() {
        JsonObject m = new JsonObject();
        m.addProperty("cores", Runtime.getRuntime().availableProcessors());
        m.addProperty("cpu", cpuModel());
        m.addProperty("vector_extensions", vectorExtensions()); // training speed differs about 2x between AVX2 and AVX-512
        m.addProperty("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        m.addProperty("java", System.getProperty("java.version"));
        m.addProperty("dl4j", "1.0.0-M2.1");
        String v = Provenance.class.getPackage().getImplementationVersion();
        m.addProperty("tinyfm", v == null ? "dev" : v);
        return m;
    }

    /**
     * What a continued pretraining records of its parent base: its sha256, corpus and score, what
     * the whole chain of pretraining before this run cost (the parent's seconds and its own parent's),
     * and the parent's own loss curve and reading probes.
     */
    public static JsonObject parent(ModelFile parent, String sha256) {
        JsonObject from = new JsonObject();
        from.addProperty("sha256", sha256);
        JsonObject pp = parent.provenance();
        for (String key : new String[] {"corpus", "corpus_sha256", "steps", "tokens_seen", "final_validation_bits_per_byte"}) {
            if (pp.has(key)) {
                from.add(key, pp.get(key));
            }
        }
        double seconds = pretrainSeconds(pp);
        from.addProperty("train_seconds", Double.isNaN(seconds) ? 0 : seconds);
        if (pp.has("tokens_seen")) {
            from.addProperty("total_tokens_seen", tokensRead(pp));
        }
        for (String key : new String[] {"curve", "reading_probes"}) { // so the adapted base's reading chart starts where the parent's did
            if (pp.has(key)) {
                from.add(key, pp.get(key));
            }
        }
        return from;
    }

    /**
     * Every second of pretraining a base cost: its own run's and, for an adapted base, its ancestors'
     * ({@code parent.train_seconds} holds all of theirs). NaN for a base made before this was recorded.
     */
    public static double pretrainSeconds(JsonObject provenance) {
        if (!provenance.has("train_seconds")) {
            return Double.NaN;
        }
        double seconds = provenance.get("train_seconds").getAsDouble();
        JsonObject parent = provenance.has("parent") ? provenance.getAsJsonObject("parent") : null;
        return parent != null && parent.has("train_seconds") ? seconds + parent.get("train_seconds").getAsDouble() : seconds;
    }

    /** Every token a base was trained on: its own run's and, for an adapted base, all its ancestors'. */
    public static long tokensRead(JsonObject provenance) {
        long tokens = provenance.has("tokens_seen") ? provenance.get("tokens_seen").getAsLong() : 0;
        if (provenance.has("parent")) {
            JsonObject parent = provenance.getAsJsonObject("parent");
            tokens += parent.has("total_tokens_seen") ? parent.get("total_tokens_seen").getAsLong()
                    : parent.has("tokens_seen") ? parent.get("tokens_seen").getAsLong() : 0;
        }
        return tokens;
    }

    /** The corpus a base read: its name, content hash, document count, and each file with the sha256 that sha256sum prints. */
    public static void corpus(JsonObject p, tinyfm.data.Corpus corpus, String sha256) {
        p.addProperty("corpus", corpus.name());
        p.addProperty("corpus_sha256", sha256);
        p.addProperty("corpus_documents", corpus.documentCount());
        JsonObject files = new JsonObject();
        corpus.documents().forEach(d -> files.addProperty(d.fileName(), d.sha256()));
        p.add("corpus_files", files);
    }

    public static String cpuModel() {
        String model = cpuinfo("model name");
        return model != null ? model : System.getProperty("os.arch");
    }

    /** A machine as reports name it: "2 cores, AMD EPYC (AVX-512)"; files from before the field was kept lack the extension. */
    public static String describe(JsonObject machine) {
        String ext = machine.has("vector_extensions") ? " (" + machine.get("vector_extensions").getAsString() + ")" : "";
        String jobs = machine.has("jobs") && machine.get("jobs").getAsInt() > 1 ? ", " + machine.get("jobs").getAsInt() + " runs at once" : "";
        return machine.get("cores").getAsInt() + " cores, " + machine.get("cpu").getAsString() + ext + jobs;
    }

    /** The widest x86 vector extension the CPU reports ("AVX-512", "AVX2", "AVX" or "none"), or "unknown" off Linux. */
    public static String vectorExtensions() {
        String line = cpuinfo("flags");
        if (line == null) {
            return "unknown";
        }
        List<String> flags = List.of(line.split("\\s+"));
        return flags.contains("avx512f") ? "AVX-512" : flags.contains("avx2") ? "AVX2" : flags.contains("avx") ? "AVX" : "none";
    }

    /** The value of the first /proc/cpuinfo line that starts with {@code field}, or null (not Linux). */
    private static String cpuinfo(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith(field)) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // not Linux: fall through
        }
        return null;
    }
}
