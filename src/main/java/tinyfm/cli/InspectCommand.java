package tinyfm.cli;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import tinyfm.base.ModelFile;
import tinyfm.model.Gpt;

@Command(name = "inspect", description = "Show what a model file holds: its provenance and a parameter table per block.")
final class InspectCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "A base, checkpoint or fine-tuned model file.")
    Path file;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        ModelFile m = ModelFile.load(file);
        var out = spec.commandLine().getOut();
        out.printf("%s: %s (format %s v%d), checksums OK%n", file, m.kind().id(), ModelFile.FORMAT, ModelFile.FORMAT_VERSION);
        out.printf("Model: %s%n", m.config());
        out.printf("Tokenizer: %s, %,d tokens%n%n", m.tokenizer().kind(), m.tokenizer().vocabSize());
        out.println("Provenance");
        for (Map.Entry<String, JsonElement> e : m.provenance().entrySet()) {
            if (e.getKey().equals("curve") || e.getKey().equals("reading_probes")) {
                out.printf("  %-32s %d points (in provenance.json)%n", e.getKey(), e.getValue().getAsJsonArray().size());
            } else if (e.getKey().equals("corpus_files")) {
                out.printf("  %-32s (sha256, as 'sha256sum FILE' prints it)%n", e.getKey());
                e.getValue().getAsJsonObject().entrySet().forEach(f -> out.printf("    %s  %s%n", f.getValue().getAsString(), f.getKey()));
            } else if (e.getValue().isJsonObject()) {
                JsonObject o = e.getValue().getAsJsonObject();
                out.printf("  %-32s %s%n", e.getKey(), o.toString());
            } else {
                out.printf("  %-32s %s%n", e.getKey(), e.getValue().isJsonPrimitive() ? e.getValue().getAsString() : e.getValue());
            }
        }
        out.println();
        out.println("Parameters");
        Gpt gpt = new Gpt(m.config());
        Map<String, long[]> groups = new LinkedHashMap<>();
        for (var p : gpt.parameters().list()) {
            String group = p.name.startsWith("block.") ? p.name.substring(0, p.name.indexOf('.', 6)) : p.name.substring(0, p.name.indexOf('.'));
            groups.computeIfAbsent(group, k -> new long[1])[0] += p.size;
        }
        for (var p : gpt.parameters().list()) {
            if (!p.name.startsWith("block.") || p.name.startsWith("block.0.")) {
                out.printf("  %-36s %-14s %,10d%n", p.name, java.util.Arrays.toString(p.shape), p.size);
            }
        }
        out.println("  (blocks 1.." + (m.config().layers() - 1) + " have the same shapes as block 0)");
        out.println();
        out.printf("  %-20s %12s%n", "group", "parameters");
        groups.forEach((g, n) -> out.printf("  %-20s %,12d%n", g, n[0]));
        out.printf("  %-20s %,12d%n", "total", gpt.parameters().count());
        if (m.weights().length() > gpt.parameters().count()) {
            out.printf("  %-20s %,12d%n", "classifier head", m.weights().length() - gpt.parameters().count());
        }
        return 0;
    }
}
