package tinyfm.data;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonSyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import tinyfm.util.Home;
import tinyfm.util.UsageError;
import tinyfm.util.UserError;

/**
 * A small labelled downstream task: a folder with train.jsonl, val.jsonl and test.jsonl,
 * one {"text": ..., "label": ...} per line. Labels may be strings or numbers.
 */
public record Task(String name, Path dir, List<String> labels,
                   List<Example> train, List<Example> validation, List<Example> test) {
    public static final List<String> BUNDLED = List.of("topic", "sentiment", "spam");
    public static final List<String> SPLITS = List.of("train", "val", "test");

    public static Task load(String nameOrPath) {
        Path dir = BUNDLED.contains(nameOrPath) ? Home.datasets().resolve(nameOrPath) : Path.of(nameOrPath);
        if (!Files.isDirectory(dir)) {
            throw new UserError(dir + ": task folder not found; give a folder with train/val/test.jsonl, or one of " + BUNDLED);
        }
        List<Example> train = readSplit(dir, "train");
        List<Example> val = readSplit(dir, "val");
        List<Example> test = readSplit(dir, "test");
        List<String> labels = List.copyOf(new TreeSet<>(train.stream().map(Example::label).toList()));
        if (labels.size() < 2) {
            throw new UserError(dir.resolve("train.jsonl") + ": only one label (" + labels.get(0)
                    + "); a classification task needs at least two");
        }
        checkLabelsKnown(dir.resolve("val.jsonl"), val, labels);
        checkLabelsKnown(dir.resolve("test.jsonl"), test, labels);
        String name = BUNDLED.contains(nameOrPath) ? nameOrPath : dir.getFileName().toString();
        return new Task(name, dir, labels, List.copyOf(train), List.copyOf(val), List.copyOf(test));
    }

    public List<Example> split(String split) {
        return switch (split) {
            case "train" -> train;
            case "val", "validation" -> validation;
            case "test" -> test;
            default -> throw new UsageError("unknown split '" + split + "'; use one of " + SPLITS);
        };
    }

    /** Chance on a split: the accuracy of always answering its most common label. */
    public double chance(String split) {
        Map<String, Integer> counts = new TreeMap<>();
        split(split).forEach(e -> counts.merge(e.label(), 1, Integer::sum));
        return counts.isEmpty() ? Double.NaN : (double) Collections.max(counts.values()) / split(split).size();
    }

    public int labelIndex(String label) {
        return labels.indexOf(label);
    }

    /** A stratified, deterministic subset of n examples: each label keeps its share, drawn in seeded order. */
    public static List<Example> stratifiedSubset(List<Example> examples, int n, long seed) {
        if (n < 0 || n >= examples.size()) {
            return examples;
        }
        Map<String, List<Example>> byLabel = new TreeMap<>();
        examples.forEach(e -> byLabel.computeIfAbsent(e.label(), k -> new ArrayList<>()).add(e));
        SplittableRandom random = new SplittableRandom(seed);
        List<List<Example>> queues = new ArrayList<>();
        for (List<Example> group : byLabel.values()) {
            List<Example> shuffled = new ArrayList<>(group);
            for (int i = shuffled.size() - 1; i > 0; i--) {
                Collections.swap(shuffled, i, random.nextInt(i + 1));
            }
            queues.add(shuffled);
        }
        List<Example> out = new ArrayList<>();
        int[] taken = new int[queues.size()];
        while (out.size() < n) { // round robin keeps the labels balanced as far as the data allows
            for (int k = 0; k < queues.size() && out.size() < n; k++) {
                if (taken[k] < queues.get(k).size()) {
                    out.add(queues.get(k).get(taken[k]++));
                }
            }
        }
        return out;
    }

    /** Examples per label, in label order. */
    public static Map<String, Integer> counts(List<Example> examples) {
        Map<String, Integer> counts = new TreeMap<>();
        for (Example e : examples) {
            counts.merge(e.label(), 1, Integer::sum);
        }
        return counts;
    }

    private static void checkLabelsKnown(Path file, List<Example> examples, List<String> labels) {
        for (int i = 0; i < examples.size(); i++) {
            if (!labels.contains(examples.get(i).label())) {
                throw new UserError(file + ": label '" + examples.get(i).label() + "' (example " + (i + 1)
                        + ") never occurs in train.jsonl; known labels: " + labels);
            }
        }
    }

    static List<Example> readSplit(Path dir, String split) {
        Path file = dir.resolve(split + ".jsonl");
        if (!Files.exists(file)) {
            throw new UserError(file + ": missing; a task folder needs train.jsonl, val.jsonl and test.jsonl");
        }
        String text = TextFiles.read(file);
        List<Example> examples = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (!line.isEmpty()) {
                examples.add(parseLine(file, i + 1, line));
            }
        }
        if (examples.isEmpty()) {
            throw new UserError(file + ": no examples (the file is empty)");
        }
        return examples;
    }

    private static Example parseLine(Path file, int lineNumber, String line) {
        JsonObject obj;
        try {
            com.google.gson.stream.JsonReader reader = new com.google.gson.stream.JsonReader(new java.io.StringReader(line));
            reader.setStrictness(com.google.gson.Strictness.STRICT); // unquoted words are not JSON
            JsonElement element = JsonParser.parseReader(reader);
            if (reader.peek() != com.google.gson.stream.JsonToken.END_DOCUMENT) {
                throw new JsonSyntaxException("trailing characters");
            }
            if (!element.isJsonObject()) {
                throw new UserError(file + ":" + lineNumber + ": expected a JSON object like {\"text\": ..., \"label\": ...}");
            }
            obj = element.getAsJsonObject();
        } catch (JsonSyntaxException | com.google.gson.JsonIOException | java.io.IOException e) {
            throw new UserError(file + ":" + lineNumber + ": not valid JSON");
        }
        JsonElement text = obj.get("text"), label = obj.get("label");
        if (text == null || !text.isJsonPrimitive()) {
            throw new UserError(file + ":" + lineNumber + ": missing \"text\"");
        }
        if (label == null || !label.isJsonPrimitive()) {
            throw new UserError(file + ":" + lineNumber + ": missing \"label\"");
        }
        return new Example(text.getAsString(), label.getAsString());
    }
}
