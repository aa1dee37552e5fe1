package tinyfm.comparison;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tinyfm.util.Json;
import tinyfm.util.UserError;

/**
 * {@code runs.jsonl} in a comparison's output folder: a first line that fingerprints the plan and the
 * base, then one line per finished cell, appended and flushed to disk as each cell ends. A kill or a
 * Ctrl-C loses at most the cell in progress; {@code compare --resume} reads the file back and trains
 * only what is missing. A last line cut short by a kill is ignored.
 */
public final class ComparisonJournal implements Comparison.Journal {
    public static final String FILE = "runs.jsonl";
    private final Path file;
    private final Map<Comparison.Cell, List<Comparison.Run>> done;

    private ComparisonJournal(Path file, Map<Comparison.Cell, List<Comparison.Run>> done) {
        this.file = file;
        this.done = done;
    }

    /**
     * Opens the journal in {@code folder}. With {@code resume}, keeps the cells of an earlier run of the
     * same plan on the same base (and refuses one made otherwise); without it, starts a new journal.
     */
    public static ComparisonJournal open(Path folder, Comparison.Plan plan, String baseSha256, boolean resume) {
        Path file = folder.resolve(FILE);
        JsonObject header = new JsonObject();
        header.add("plan", Json.LINE.toJsonTree(plan));
        header.addProperty("base_sha256", baseSha256);
        if (resume && Files.exists(file)) {
            return new ComparisonJournal(file, read(file, header));
        }
        try {
            Files.writeString(file, Json.LINE.toJson(header) + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UserError(file + ": cannot write: " + e.getMessage());
        }
        return new ComparisonJournal(file, new LinkedHashMap<>());
    }

    private static Map<Comparison.Cell, List<Comparison.Run>> read(Path file, JsonObject expected) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UserError(file + ": cannot read: " + e.getMessage());
        }
        JsonElement header = lines.isEmpty() ? null : parse(lines.get(0));
        if (header == null || !header.equals(parse(Json.LINE.toJson(expected)))) {
            throw new UserError(file + ": was made by a comparison with other options or another base; "
                    + "rerun without --resume to start over, or use another --out");
        }
        Map<Comparison.Cell, List<Comparison.Run>> done = new LinkedHashMap<>();
        for (int i = 1; i < lines.size(); i++) {
            JsonElement line = parse(lines.get(i));
            if (line == null) {
                if (i == lines.size() - 1) {
                    break; // cut short by a kill mid-write
                }
                throw new UserError(file + ":" + (i + 1) + ": not valid JSON; rerun without --resume to start over");
            }
            Comparison.Run[] runs = Json.LINE.fromJson(line.getAsJsonObject().get("runs"), Comparison.Run[].class);
            Comparison.Cell cell = Json.LINE.fromJson(line.getAsJsonObject().get("cell"), Comparison.Cell.class);
            done.put(cell, List.of(runs));
        }
        return done;
    }

    private static JsonElement parse(String line) {
        try {
            return JsonParser.parseString(line);
        } catch (RuntimeException e) {
            return null;
        }
    }

    @Override
    public Map<Comparison.Cell, List<Comparison.Run>> done() {
        return done;
    }

    public int runsDone() {
        return done.values().stream().mapToInt(List::size).sum();
    }

    @Override
    public void save(Comparison.Cell cell, List<Comparison.Run> runs) {
        JsonObject line = new JsonObject();
        line.add("cell", Json.LINE.toJsonTree(cell));
        line.add("runs", Json.LINE.toJsonTree(runs));
        byte[] bytes = (Json.LINE.toJson(line) + "\n").getBytes(StandardCharsets.UTF_8);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.APPEND)) {
            channel.write(java.nio.ByteBuffer.wrap(bytes));
            channel.force(false);
        } catch (IOException e) {
            throw new UserError(file + ": cannot write: " + e.getMessage());
        }
        done.put(cell, List.copyOf(Arrays.asList(runs.toArray(Comparison.Run[]::new))));
    }
}
