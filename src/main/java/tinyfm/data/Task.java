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
import tinyfm.util.UserError;

/**
 * A small labelled downstream task: a folder with train.jsonl, val.jsonl and test.jsonl, one
 * {"text": ..., "label": ...} per line (labels may be strings or numbers), and a task.json that says
 * what the task asks: its question, its labels, the prompt template that asks the base, and the
 * word the base is scored on for each label. The bundled tasks are such folders under datasets/,
 * and a user's folder works the same way (without task.json, it gets a plain template).
 */
public record Task(String name, Path dir, List<String> labels, String question, String template, List<String> labelWords,
                   List<Example> train, List<Example> validation, List<Example> test) {
    public static final List<String> SPLITS = List.of("train", "val", "test");
    /** The card a task folder holds beside its splits. */
    public static final String CARD = "task.json";
    /** The prompt of a task whose card gives none; {text} is where the text goes, and a label's word follows. */
    public static final String PLAIN_TEMPLATE = "{text}\nLabel:";

    /** The tasks shipped under datasets/: every folder there with a task.json, by name. */
    public static List<String> bundled() {
        try (var folders = Files.list(Home.datasets())) {
            return folders.filter(f -> Files.isRegularFile(f.resolve(CARD))).map(f -> f.getFileName().toString()).sorted().toList();
        } catch (java.io.IOException e) {
            throw new UserError(Home.datasets() + ": cannot list the bundled tasks: " + e.getMessage());
        }
    }

    private static boolean isBundled(String name) {
        return name.matches("[a-z0-9-]+") && Files.isRegularFile(Home.datasets().resolve(name).resolve(CARD));
    }

    public static Task load(String nameOrPath) {
        boolean bundled = isBundled(nameOrPath);
        Path dir = bundled ? Home.datasets().resolve(nameOrPath) : Path.of(nameOrPath);
        if (!Files.isDirectory(dir)) {
            throw new UserError(dir + ": task folder not found; give a folder with train/val/test.jsonl, or one of " + bundled());
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
        String name = bundled ? nameOrPath : dir.toAbsolutePath().normalize().getFileName().toString();
        Card card = Card.read(dir.resolve(CARD), labels);
        return new Task(name, dir, labels, card.question(), card.template(), card.words(), List.copyOf(train), List.copyOf(val), List.copyOf(test));
    }

    /** What task.json says; a folder without one asks nothing in particular, with the plain template and the labels as their words. */
    private record Card(String question, String template, List<String> words) {
        static Card read(Path file, List<String> labels) {
            if (!Files.exists(file)) {
                return new Card("", PLAIN_TEMPLATE, labels);
            }
            JsonObject json;
            try {
                json = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
            } catch (java.io.IOException | RuntimeException e) {
                throw new UserError(file + ": not a task card (a JSON object with question, labels, template and labelWords)");
            }
            String question = json.has("question") ? json.get("question").getAsString() : "";
            String template = json.has("template") ? json.get("template").getAsString() : PLAIN_TEMPLATE;
            if (!template.contains("{text}")) {
                throw new UserError(file + ": the template has no {text}, so the prompt would not show the text");
            }
            if (json.has("labels")) {
                List<String> declared = new ArrayList<>();
                json.getAsJsonArray("labels").forEach(l -> declared.add(l.getAsString()));
                if (!new TreeSet<>(declared).equals(new TreeSet<>(labels))) {
                    throw new UserError(file + ": labels " + declared + " are not the labels of train.jsonl " + labels);
                }
            }
            List<String> words = new ArrayList<>();
            JsonObject given = json.has("labelWords") ? json.getAsJsonObject("labelWords") : new JsonObject();
            for (String label : labels) {
                String word = given.has(label) ? given.get(label).getAsString().strip() : label;
                if (word.isEmpty()) {
                    throw new UserError(file + ": the word for label '" + label + "' is empty");
                }
                words.add(word);
            }
            return new Card(question, template, List.copyOf(words));
        }
    }

    /** The same task validated on {@code validation} instead (a subset of its own validation split). */
    public Task withValidation(List<Example> validation) {
        return new Task(name, dir, labels, question, template, labelWords, train, List.copyOf(validation), test);
    }

    public List<Example> split(String split) {
        return switch (split) {
            case "train" -> train;
            case "val", "validation" -> validation;
            case "test" -> test;
            default -> throw new tinyfm.util.InvalidSetting("split", "'" + split + "' is unknown; use one of " + SPLITS);
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
        return readExamples(file);
    }

    /** The examples of one JSONL file, a {"text", "label"} object per line; a bad line gets a one-line error naming the file and line. */
    public static List<Example> readExamples(Path file) {
        if (!Files.exists(file)) {
            throw new UserError(file + ": file not found");
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
