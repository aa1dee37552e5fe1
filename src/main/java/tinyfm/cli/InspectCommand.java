package tinyfm.cli;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tinyfm.base.ModelFile;
import tinyfm.model.Gpt;
import tinyfm.model.GptConfig;
import tinyfm.util.Json;

@Command(name = "inspect", sortOptions = false, description = "Show what a model file holds: its shape, tokenizer, provenance and a parameter table per block.")
final class InspectCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "A base, checkpoint or fine-tuned model file.")
    Path file;

    @Option(names = "--json", description = "Print one JSON object instead: model, tokenizer, provenance (in full) and parameters.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /**
     * The compute a base's pretraining spent, the count the scale ladder uses: FLOPs per token ×
     * tokens read, an adapted base's ancestors' tokens included.
     */
    static java.util.Optional<Double> trainingFlops(ModelFile m) {
        tinyfm.base.Provenance.Pretraining p = tinyfm.base.Provenance.Pretraining.of(m.provenance());
        return p.recordsTokens() ? java.util.Optional.of(m.config().trainingFlopsPerToken() * p.tokensRead()) : java.util.Optional.empty();
    }

    @Override
    public Integer call() {
        ModelFile m = ModelFile.load(file);
        var out = spec.commandLine().getOut();
        Gpt gpt = new Gpt(m.config());
        Map<String, Long> groups = parameterGroups(gpt, m.weights().length());
        if (json) {
            JsonObject o = new JsonObject();
            o.addProperty("file", file.toString());
            o.addProperty("kind", m.kind().id());
            o.addProperty("format", ModelFile.FORMAT);
            o.addProperty("format_version", ModelFile.FORMAT_VERSION);
            o.addProperty("checksums", "OK");
            o.add("model", Json.GSON.toJsonTree(shape(m.config())));
            JsonObject tokenizer = new JsonObject();
            tokenizer.addProperty("kind", m.tokenizer().kind());
            tokenizer.addProperty("vocabulary", m.tokenizer().vocabSize());
            o.add("tokenizer", tokenizer);
            o.add("provenance", m.provenance());
            trainingFlops(m).ifPresent(f -> o.addProperty("training_flops", f));
            o.add("parameters", Json.GSON.toJsonTree(groups));
            out.println(Json.GSON.toJson(o));
            return 0;
        }
        out.printf("%s: %s (format %s v%d), checksums OK%n%n", file, m.kind().id(), ModelFile.FORMAT, ModelFile.FORMAT_VERSION);
        out.println("Model: a GPT");
        shape(m.config()).forEach((name, value) -> out.printf("  %-32s %s%n", name.replace('_', ' '),
                value instanceof Long || value instanceof Integer ? String.format("%,d", value) : value));
        out.printf("Tokenizer: %s, %,d tokens%n%n", m.tokenizer().kind(), m.tokenizer().vocabSize());
        out.println("Provenance");
        for (Map.Entry<String, JsonElement> e : m.provenance().entrySet()) {
            if (e.getKey().equals("curve") || e.getKey().equals("reading_probes")) {
                out.printf("  %-32s %d points (in provenance.json)%n", e.getKey(), e.getValue().getAsJsonArray().size());
            } else if (e.getKey().equals("corpus_files")) {
                out.printf("  %-32s (sha256, as 'sha256sum FILE' prints it)%n", e.getKey());
                e.getValue().getAsJsonObject().entrySet().forEach(f -> out.printf("    %s  %s%n", f.getValue().getAsString(), f.getKey()));
            } else if (e.getValue().isJsonObject()) {
                JsonObject o = e.getValue().getAsJsonObject().deepCopy();
                String points = "";
                for (String key : new String[] {"curve", "reading_probes"}) { // a parent's curves: counted, not printed
                    if (o.has(key)) {
                        points += String.format(" (+ %s: %d points)", key, o.remove(key).getAsJsonArray().size());
                    }
                }
                out.printf("  %-32s %s%s%n", e.getKey(), shown(e.getKey(), o), points);
            } else {
                out.printf("  %-32s %s%n", e.getKey(), shown(e.getKey(), e.getValue()));
            }
        }
        trainingFlops(m).ifPresent(f -> out.printf("  %-32s %.3g (%s FLOPs per token, 6 per parameter plus attention, × tokens read, a parent base's included)%n",
                "training_flops", f, String.format("%,.0f", m.config().trainingFlopsPerToken())));
        out.println();
        out.println("Parameters");
        for (var p : gpt.parameters().list()) {
            if (!p.name.startsWith("block.") || p.name.startsWith("block.0.")) {
                out.printf("  %-36s %-14s %,10d%n", p.name, java.util.Arrays.toString(p.shape), p.size);
            }
        }
        out.println("  (blocks 1.." + (m.config().layers() - 1) + " have the same shapes as block 0)");
        out.println();
        out.printf("  %-20s %12s%n", "group", "parameters");
        groups.forEach((g, n) -> out.printf("  %-20s %,12d%n", g.replace('_', ' '), n));
        return 0;
    }

    /** The architecture's numbers, by name, in the order a reader meets them. */
    static Map<String, Object> shape(GptConfig c) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("vocabulary", c.vocabSize());
        fields.put("context", c.contextLength());
        fields.put("layers", c.layers());
        fields.put("heads", c.heads());
        fields.put("embedding_width", c.embedDim());
        fields.put("dropout", c.dropout());
        fields.put("parameters", c.parameterCount());
        return fields;
    }

    /** Parameters per group (token embedding, each block, ...), the total, and a classifier head if the file has one. */
    private static Map<String, Long> parameterGroups(Gpt gpt, long weights) {
        Map<String, Long> groups = new LinkedHashMap<>();
        for (var p : gpt.parameters().list()) {
            String group = p.name.startsWith("block.") ? p.name.substring(0, p.name.indexOf('.', 6)) : p.name.substring(0, p.name.indexOf('.'));
            groups.merge(group, p.size, Long::sum);
        }
        groups.put("total", gpt.parameters().count());
        if (weights > gpt.parameters().count()) {
            groups.put("classifier_head", weights - gpt.parameters().count());
        }
        return groups;
    }

    /** A record of plain values (the training settings, the machine) as name=value pairs; anything else as JSON. */
    static String shown(String key, com.google.gson.JsonElement value) {
        if (value.isJsonPrimitive()) {
            return shown(key, value.getAsJsonPrimitive());
        }
        if (value.isJsonObject() && value.getAsJsonObject().entrySet().stream().allMatch(f -> f.getValue().isJsonPrimitive())) {
            return String.join(", ", value.getAsJsonObject().entrySet().stream()
                    .map(f -> f.getKey() + "=" + shown(f.getKey(), f.getValue().getAsJsonPrimitive())).toList());
        }
        return value.toString();
    }

    /** A recorded value as a reader wants it: counts with thousands separators, decimals to six significant digits. */
    static String shown(String key, com.google.gson.JsonPrimitive value) {
        if (!value.isNumber()) {
            return value.getAsString();
        }
        java.math.BigDecimal number = value.getAsBigDecimal();
        if (number.signum() == 0 || number.stripTrailingZeros().scale() <= 0) { // a whole number
            return key.toLowerCase(java.util.Locale.ROOT).contains("seed") ? number.toBigInteger().toString() : String.format(java.util.Locale.ROOT, "%,d", number.toBigInteger());
        }
        return number.round(new java.math.MathContext(6)).stripTrailingZeros().toPlainString();
    }
}
