package tinyfm.comparison;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import tinyfm.finetuning.Classifier;
import tinyfm.finetuning.FineTuneConfig;
import tinyfm.util.AtomicFiles;
import tinyfm.util.Json;
import tinyfm.util.UserError;

/**
 * An experiment, as a person writes it down: which base, which tasks, how many labels, how many
 * seeds, which arms (with their options), and which arms are paired seed by seed in the report. It
 * is {@code spec.json} in the experiment's folder; {@code tinyfm compare --spec FILE} runs it, and
 * every front end (the demo, compare's options, the notebooks) builds one and runs it through
 * {@link Experiment#run}. A field left out takes the default of {@link #defaults()}.
 *
 * @param name             the experiment's folder name, saying what it compares ({@code grid-6x160-broad-xl})
 * @param description      one sentence on what was run, printed at the top of its report
 * @param base             the pretrained base, a path relative to the working folder or the project
 * @param seeds            how many seeds: for a given seed every arm of a cell sees the same labelled examples
 * @param firstSeed        the first of them (1 unless said: the scaling ladder numbers its seeds from its own)
 * @param pairs            which arms are compared seed by seed; the first is the one the time views read
 * @param epochs           the fewest epochs a neural run trains
 * @param minExamplesSeen  with few labels, a neural run trains until it has seen this many examples
 * @param validations      validations per run at the largest label budget (the learning curves' resolution)
 * @param validationExamples how many of each task's validation examples a run is validated on (a stratified subset,
 *                         the same for every arm and seed), or null for all of them: the demo's way to spend its
 *                         minutes on training rather than on scoring
 * @param timeLimitSeconds training seconds per run, or null for none
 * @param charts           which charts the report draws ({@link #CHARTS}); an experiment whose tables are its result may draw none
 */
public record ExperimentSpec(String name, String description, String base, List<String> tasks, List<LabelBudget> labels, int seeds, Integer firstSeed,
                             List<ArmSpec> arms, List<Pair> pairs, int epochs, int minExamplesSeen, int validations, Integer validationExamples,
                             Double timeLimitSeconds, Classifier.Readout readout, List<String> charts) {
    /** Every run with few labels sees at least this many examples (several epochs over a small draw). */
    public static final int MIN_EXAMPLES_SEEN = 640;

    /**
     * Every chart a report can draw: validation accuracy against seconds (the equal-time view), test
     * accuracy against labels, the first pair's gain, and the cost side as a break-even.
     */
    public static final List<String> CHARTS = List.of("learning-curves", "data-efficiency", "transfer-gain", "cost");

    /** An arm of the experiment and its options ({@code {"arm": "full", "options": {"recipe": "ulmfit"}}}). */
    public record ArmSpec(String arm, Map<String, String> options) {
        public ArmSpec {
            options = options == null ? Map.of() : Map.copyOf(options);
        }

        public static ArmSpec of(String arm) {
            return new ArmSpec(arm, Map.of());
        }
    }

    /** Two arms compared seed by seed on the same labelled examples: {@code arm − against}. */
    public record Pair(String arm, String against) {
        @Override
        public String toString() {
            return arm + " − " + against;
        }
    }

    /** The pairs a spec gets when it names none: the base against the control, and against the baseline. */
    public static final List<Pair> DEFAULT_PAIRS = List.of(new Pair(FullFineTuneArm.ID, FromScratchArm.ID),
            new Pair(FullFineTuneArm.ID, BagOfWordsArm.ID));

    public ExperimentSpec {
        check(name != null && name.matches("[A-Za-z0-9][A-Za-z0-9._-]*"), "an experiment's name is a folder name (letters, digits, . _ -), got '" + name + "'");
        description = description == null ? "" : description;
        check(base != null && !base.isBlank(), "an experiment needs a base");
        check(tasks != null && !tasks.isEmpty(), "an experiment needs at least one task");
        check(new HashSet<>(tasks).size() == tasks.size(), "a task is named twice in " + tasks);
        check(labels != null && !labels.isEmpty(), "an experiment needs at least one label budget");
        check(new HashSet<>(labels).size() == labels.size(), "a label budget is named twice in " + labels);
        check(labels.stream().allMatch(l -> l.all() || l.count() >= 1), "a label budget is at least 1 example, got " + labels);
        check(seeds >= 1, "an experiment needs at least one seed, got " + seeds);
        firstSeed = firstSeed == null ? 1 : firstSeed;
        check(arms != null && !arms.isEmpty(), "an experiment needs at least one arm");
        List<String> ids = arms.stream().map(ArmSpec::arm).toList();
        check(new HashSet<>(ids).size() == ids.size(), "an arm is named twice in " + ids);
        arms.forEach(Arms::make); // an unknown arm or option is refused here, before any training
        pairs = pairs == null ? DEFAULT_PAIRS.stream().filter(p -> ids.contains(p.arm()) && ids.contains(p.against())).toList() : pairs;
        for (Pair p : pairs) {
            check(ids.contains(p.arm()) && ids.contains(p.against()) && !p.arm().equals(p.against()),
                    "the pair " + p + " needs two different arms of the experiment " + ids);
        }
        check(epochs >= 1, "a neural run trains at least one epoch, got " + epochs);
        check(minExamplesSeen >= 0, "examples seen cannot be negative, got " + minExamplesSeen);
        check(validations >= 1, "a run is validated at least once, got " + validations);
        check(validationExamples == null || validationExamples >= 2, "a run is validated on at least 2 examples, got " + validationExamples);
        check(timeLimitSeconds == null || timeLimitSeconds > 0, "a time limit is more than 0 seconds, got " + timeLimitSeconds);
        readout = readout == null ? Classifier.DEFAULT_READOUT : readout;
        charts = charts == null ? CHARTS : List.copyOf(charts);
        for (String chart : charts) {
            check(CHARTS.contains(chart), "unknown chart '" + chart + "'; the charts are " + String.join(", ", CHARTS));
        }
        tasks = List.copyOf(tasks);
        labels = List.copyOf(labels);
        arms = List.copyOf(arms);
        pairs = List.copyOf(pairs);
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new UserError(message);
        }
    }

    /**
     * The grid's settings: every bundled arm, budgets from 16 labels to all, 5 seeds. Change what an
     * experiment changes with the {@code with…} methods.
     */
    public static ExperimentSpec defaults(String name, String base, List<String> tasks) {
        return new ExperimentSpec(name, "", base, tasks,
                List.of(LabelBudget.of(16), LabelBudget.of(32), LabelBudget.of(100), LabelBudget.of(300), LabelBudget.ALL), 5, 1,
                Arms.BUNDLED.stream().map(ArmSpec::of).toList(), null, FineTuneConfig.DEFAULT_EPOCHS, MIN_EXAMPLES_SEEN,
                FineTuneConfig.DEFAULT_VALIDATIONS, null, null, Classifier.DEFAULT_READOUT, CHARTS);
    }

    public ExperimentSpec withDescription(String description) {
        return new ExperimentSpec(name, description, base, tasks, labels, seeds, firstSeed, arms, pairs, epochs, minExamplesSeen, validations, validationExamples, timeLimitSeconds, readout, charts);
    }

    public ExperimentSpec withBase(String base) {
        return new ExperimentSpec(name, description, base, tasks, labels, seeds, firstSeed, arms, pairs, epochs, minExamplesSeen, validations, validationExamples, timeLimitSeconds, readout, charts);
    }

    public ExperimentSpec withLabels(List<LabelBudget> labels) {
        return new ExperimentSpec(name, description, base, tasks, labels, seeds, firstSeed, arms, pairs, epochs, minExamplesSeen, validations, validationExamples, timeLimitSeconds, readout, charts);
    }

    public ExperimentSpec withSeeds(int seeds) {
        return withSeeds(seeds, firstSeed);
    }

    /** {@code seeds} seeds from {@code firstSeed} on. */
    public ExperimentSpec withSeeds(int seeds, int firstSeed) {
        return new ExperimentSpec(name, description, base, tasks, labels, seeds, firstSeed, arms, pairs, epochs, minExamplesSeen, validations, validationExamples, timeLimitSeconds, readout, charts);
    }

    /** These arms, and the default pairs among them. */
    public ExperimentSpec withArms(List<ArmSpec> arms) {
        return new ExperimentSpec(name, description, base, tasks, labels, seeds, firstSeed, arms, null, epochs, minExamplesSeen, validations, validationExamples, timeLimitSeconds, readout, charts);
    }

    public ExperimentSpec withPairs(List<Pair> pairs) {
        return new ExperimentSpec(name, description, base, tasks, labels, seeds, firstSeed, arms, pairs, epochs, minExamplesSeen, validations, validationExamples, timeLimitSeconds, readout, charts);
    }

    public ExperimentSpec withCharts(List<String> charts) {
        return new ExperimentSpec(name, description, base, tasks, labels, seeds, firstSeed, arms, pairs, epochs, minExamplesSeen, validations, validationExamples, timeLimitSeconds, readout, charts);
    }

    public ExperimentSpec withTraining(int epochs, int minExamplesSeen, int validations, Double timeLimitSeconds, Classifier.Readout readout) {
        return new ExperimentSpec(name, description, base, tasks, labels, seeds, firstSeed, arms, pairs, epochs, minExamplesSeen, validations, validationExamples, timeLimitSeconds, readout, charts);
    }

    /** These many validation examples per task (null: all of them). */
    public ExperimentSpec withValidationExamples(Integer validationExamples) {
        return new ExperimentSpec(name, description, base, tasks, labels, seeds, firstSeed, arms, pairs, epochs, minExamplesSeen, validations, validationExamples, timeLimitSeconds, readout, charts);
    }

    /** Seeds the draw of the validation subset: one draw for the whole experiment, whatever its seeds. */
    static final long VALIDATION_DRAW_SEED = 0;

    /** A task of this experiment as its runs see it: with the validation subset the spec asks for, if any. */
    public tinyfm.data.Task task(String name) {
        tinyfm.data.Task task = tinyfm.data.Task.load(name);
        return validationExamples == null ? task
                : task.withValidation(tinyfm.data.Task.stratifiedSubset(task.validation(), validationExamples, VALIDATION_DRAW_SEED));
    }

    /** The arms that run, made from their entries. */
    public List<Arm> makeArms() {
        return arms.stream().map(Arms::make).toList();
    }

    /** The time limit FineTuneConfig takes: none is as long as a double holds. */
    double timeLimitOrNone() {
        return timeLimitSeconds == null ? Double.MAX_VALUE : timeLimitSeconds;
    }

    /** The seeds, in order: {@code firstSeed} to {@code firstSeed + seeds - 1}. */
    public List<Integer> seedList() {
        return java.util.stream.IntStream.range(firstSeed, firstSeed + seeds).boxed().toList();
    }

    public boolean runs(String arm) {
        return arms.stream().anyMatch(a -> a.arm().equals(arm));
    }

    // ---- the file ----

    public static final String FILE = "spec.json";

    public void write(Path file) {
        AtomicFiles.writeString(file, Json.GSON.toJson(this) + "\n");
    }

    /** Reads a spec; a field left out takes its default, an unknown one is refused, and every error names the file. */
    public static ExperimentSpec read(Path file) {
        JsonObject given;
        try {
            JsonElement parsed = JsonParser.parseString(Files.readString(file));
            if (!parsed.isJsonObject()) {
                throw new UserError("not a JSON object");
            }
            given = parsed.getAsJsonObject();
        } catch (java.nio.file.NoSuchFileException e) {
            throw new UserError(file + ": not found");
        } catch (IOException e) {
            throw new UserError(file + ": cannot read: " + e.getMessage());
        } catch (RuntimeException e) {
            throw new UserError(file + ": not an experiment spec (" + (e instanceof UserError ? e.getMessage() : "invalid JSON") + ")");
        }
        try {
            for (String required : List.of("name", "base", "tasks")) {
                check(given.has(required), "the field '" + required + "' is missing");
            }
            JsonObject merged = Json.GSON.toJsonTree(defaults(given.get("name").getAsString(), "-", List.of("-"))).getAsJsonObject();
            merged.remove("pairs");
            List<String> known = new ArrayList<>(merged.keySet());
            for (String nullable : List.of("pairs", "timeLimitSeconds", "firstSeed", "validationExamples")) { // defaults Gson leaves out
                if (!known.contains(nullable)) {
                    known.add(nullable);
                }
            }
            for (Map.Entry<String, JsonElement> e : given.entrySet()) {
                check(known.contains(e.getKey()), "unknown field '" + e.getKey() + "'; a spec has " + String.join(", ", known));
                merged.add(e.getKey(), e.getValue());
            }
            ExperimentSpec spec = Json.GSON.fromJson(merged, ExperimentSpec.class);
            if (spec == null) {
                throw new UserError("empty");
            }
            return spec;
        } catch (RuntimeException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof UserError u) { // Gson wraps what the constructor throws
                    throw new UserError(file + ": " + u.getMessage());
                }
            }
            throw new UserError(file + ": a field has the wrong type (" + e.getMessage() + ")");
        }
    }
}
