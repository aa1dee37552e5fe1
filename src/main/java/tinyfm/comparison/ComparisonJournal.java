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
 * {@code runs.jsonl} in a comparison's output folder: a first line that fingerprints the spec and the
 * base, then one line per finished cell, appended and flushed to disk as each cell ends. A kill or a
 * Ctrl-C loses at most the cell in progress; {@code compare --resume} reads the file back and trains
 * only what is missing. A last line cut short by a kill is ignored.
 */
public final class ComparisonJournal implements Experiment.Journal {
    public static final String FILE = "runs.jsonl";
    private final Path file;
    private final Map<Cell, List<Run>> done;

    private ComparisonJournal(Path file, Map<Cell, List<Run>> done) {
        this.file = file;
        this.done = done;
    }

    /**
     * Opens the journal in {@code folder}. With {@code resume}, keeps the cells of an earlier run of the
     * same spec on the same base (and refuses one made otherwise); without it, starts a new journal.
     */
    public static ComparisonJournal open(Path folder, ExperimentSpec spec, String baseSha256, boolean resume) {
        Path file = folder.resolve(FILE);
        JsonObject header = new JsonObject();
        header.add("spec", Json.LINE.toJsonTree(spec.withDescription("")));
        header.addProperty("base_sha256", baseSha256);
        if (resume && Files.exists(file)) {
            ComparisonJournal journal = new ComparisonJournal(file, read(file, header));
            dropTornLine(file);
            return journal;
        }
        tinyfm.util.AtomicFiles.writeString(file, Json.LINE.toJson(header) + "\n");
        return new ComparisonJournal(file, new LinkedHashMap<>());
    }

    private static Map<Cell, List<Run>> read(Path file, JsonObject expected) {
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
        Map<Cell, List<Run>> done = new LinkedHashMap<>();
        for (int i = 1; i < lines.size(); i++) {
            JsonElement line = parse(lines.get(i));
            if (line == null) {
                if (i == lines.size() - 1) {
                    break; // cut short by a kill mid-write
                }
                throw new UserError(file + ":" + (i + 1) + ": not valid JSON; rerun without --resume to start over");
            }
            Run[] runs = Json.LINE.fromJson(line.getAsJsonObject().get("runs"), Run[].class);
            Cell cell = Json.LINE.fromJson(line.getAsJsonObject().get("cell"), Cell.class);
            done.put(cell, List.of(runs));
        }
        return done;
    }

    /** A kill mid-append leaves a last line without its newline: cut it off, or the next cell's line would be glued to it. */
    private static void dropTornLine(Path file) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = channel.size(), keep = size;
            java.nio.ByteBuffer one = java.nio.ByteBuffer.allocate(1);
            while (keep > 0) {
                one.clear();
                channel.read(one, keep - 1);
                if (one.get(0) == '\n') {
                    break;
                }
                keep--;
            }
            if (keep < size) {
                tinyfm.util.CrashPoints.reached("cut a torn line off", file);
                channel.truncate(keep);
                channel.force(false);
            }
        } catch (IOException e) {
            throw new UserError(file + ": cannot repair the journal's last line: " + e.getMessage());
        }
    }

    private static JsonElement parse(String line) {
        try {
            return JsonParser.parseString(line);
        } catch (RuntimeException e) {
            return null;
        }
    }

    @Override
    public Map<Cell, List<Run>> done() {
        return done;
    }

    /** The runs a journal in {@code folder} already holds (0 if there is none), as a resumed experiment will keep them. */
    public static int runsIn(Path folder) {
        Path file = folder.resolve(FILE);
        if (!Files.exists(file)) {
            return 0;
        }
        try {
            return (int) Files.readAllLines(file, StandardCharsets.UTF_8).stream().skip(1).map(ComparisonJournal::parse)
                    .filter(l -> l != null && l.isJsonObject() && l.getAsJsonObject().has("runs"))
                    .mapToLong(l -> l.getAsJsonObject().getAsJsonArray("runs").size()).sum();
        } catch (IOException e) {
            throw new UserError(file + ": cannot read: " + e.getMessage());
        }
    }

    /** Every run the journal in {@code folder} recorded as its cell finished (none if there is no journal); a line cut short is skipped. */
    public static List<Run> recorded(Path folder) {
        Path file = folder.resolve(FILE);
        if (!Files.exists(file)) {
            return List.of();
        }
        try {
            List<Run> runs = new java.util.ArrayList<>();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                JsonElement json = parse(line);
                if (json != null && json.isJsonObject() && json.getAsJsonObject().has("runs")) {
                    runs.addAll(List.of(Json.LINE.fromJson(json.getAsJsonObject().get("runs"), Run[].class)));
                }
            }
            return runs;
        } catch (IOException e) {
            throw new UserError(file + ": cannot read: " + e.getMessage());
        }
    }

    public int runsDone() {
        return done.values().stream().mapToInt(List::size).sum();
    }

    @Override
    public void save(Cell cell, List<Run> runs) {
        JsonObject line = new JsonObject();
        line.add("cell", Json.LINE.toJsonTree(cell));
        line.add("runs", Json.LINE.toJsonTree(runs));
        byte[] bytes = (Json.LINE.toJson(line) + "\n").getBytes(StandardCharsets.UTF_8);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.APPEND)) {
            tinyfm.util.CrashPoints.reached("append a cell to", file);
            channel.write(java.nio.ByteBuffer.wrap(bytes, 0, bytes.length / 2));
            tinyfm.util.CrashPoints.reached("append the rest of the cell to", file); // a kill here tears the line
            channel.write(java.nio.ByteBuffer.wrap(bytes, bytes.length / 2, bytes.length - bytes.length / 2));
            channel.force(false);
        } catch (IOException e) {
            throw new UserError(file + ": cannot write: " + e.getMessage());
        }
        done.put(cell, List.copyOf(Arrays.asList(runs.toArray(Run[]::new))));
    }
}
