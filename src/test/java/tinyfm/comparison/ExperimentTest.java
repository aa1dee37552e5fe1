package tinyfm.comparison;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tinyfm.TestData;
import tinyfm.cli.CliTest;
import tinyfm.data.Example;
import tinyfm.report.ExperimentFolder;
import tinyfm.report.Report;
import tinyfm.util.UserError;

/** An experiment is a spec and a folder: a new arm is one class and its registration, and the report pairs what the spec pairs. */
class ExperimentTest {
    @TempDir
    Path dir;

    /** A made-up arm, outside the bundled ones: always answers the training draw's most common label. */
    static final class MajorityArm implements Arm {
        @Override
        public Names names() {
            return new Names("majority", "majority label", "majority", "the majority guess");
        }

        @Override
        public Run run(Trial trial) {
            List<Example> examples = trial.examples();
            String most = examples.stream().collect(java.util.stream.Collectors.groupingBy(Example::label, java.util.stream.Collectors.counting()))
                    .entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
            double val = trial.task().validation().stream().filter(e -> e.label().equals(most)).count() / (double) trial.task().validation().size();
            double test = trial.task().test().stream().filter(e -> e.label().equals(most)).count() / (double) trial.task().test().size();
            return new Run(trial.task().name(), trial.labels(), examples.size(), trial.seed(), id(), 0, val, test, Double.NaN, 0,
                    List.of(new tinyfm.finetuning.FineTuner.Point(1, 0, Double.NaN, val)));
        }
    }

    @Test
    void twoJobsAtOnceGiveTheSameRunsInTheSameOrderAsOneAfterAnother() throws Exception {
        Path base = TestData.tinyBase(dir, 10);
        Path task = TestData.task(dir, "colours", List.of("red", "blue"), 12);
        ExperimentSpec spec = ExperimentSpec.defaults("jobs", base.toString(), List.of(task.toString()))
                .withLabels(List.of(LabelBudget.of(8), LabelBudget.ALL)).withSeeds(2)
                .withArms(List.of(ExperimentSpec.ArmSpec.of(FullFineTuneArm.ID), ExperimentSpec.ArmSpec.of(FromScratchArm.ID),
                        ExperimentSpec.ArmSpec.of(LinearProbeArm.ID), ExperimentSpec.ArmSpec.of(BagOfWordsArm.ID)))
                .withTraining(1, 16, 2, null, tinyfm.finetuning.Classifier.DEFAULT_READOUT);
        Trial.Base loaded = ExperimentFolder.loadBase(spec);
        List<Integer> counts = new java.util.concurrent.CopyOnWriteArrayList<>();
        Experiment.Listener listener = new Experiment.Listener() {
            @Override
            public void started(int totalRuns) {}

            @Override
            public void finished(Run run, int done) {
                counts.add(done);
            }
        };
        List<Run> oneByOne = Experiment.run(spec, loaded, listener, Experiment.Journal.NONE, 1);
        counts.clear();
        List<Run> twoAtOnce = Experiment.run(spec, loaded, listener, Experiment.Journal.NONE, 2);
        assertEquals(16, twoAtOnce.size());
        assertEquals(java.util.stream.IntStream.rangeClosed(1, 16).boxed().toList(), counts, "each run counted once, in the order they finished");
        for (int i = 0; i < oneByOne.size(); i++) {
            Run a = oneByOne.get(i), b = twoAtOnce.get(i);
            assertEquals(List.of(a.task(), a.labels(), a.seed(), a.arm(), a.epochs()), List.of(b.task(), b.labels(), b.seed(), b.arm(), b.epochs()));
            assertEquals(a.testAccuracy(), b.testAccuracy(), 0.0, a.describe());
            assertEquals(a.validationAccuracy(), b.validationAccuracy(), 0.0, a.describe());
            assertEquals(a.curve().stream().map(p -> p.trainLoss()).toList(), b.curve().stream().map(p -> p.trainLoss()).toList(),
                    "the same losses to the last bit: " + a.describe());
        }
    }

    @Test
    void aValidationSubsetIsOneStratifiedDrawThatEveryArmAndSeedSeesAndTheSpecFileKeepsIt() throws Exception {
        Path task = TestData.task(dir, "colours", List.of("red", "blue"), 12);
        ExperimentSpec whole = ExperimentSpec.defaults("whole", "b.tfm", List.of(task.toString()));
        ExperimentSpec lean = whole.withValidationExamples(6);
        List<Example> all = whole.task(task.toString()).validation(), subset = lean.task(task.toString()).validation();
        assertEquals(6, subset.size());
        assertTrue(all.containsAll(subset), "a subset of the task's own validation split");
        assertEquals(Map.of("red", 3, "blue", 3), tinyfm.data.Task.counts(subset), "stratified: each label keeps its share");
        assertEquals(subset, lean.task(task.toString()).validation(), "one draw, whoever asks");
        assertEquals(all, whole.withValidationExamples(10_000).task(task.toString()).validation(), "more than there are: all of them");

        Path file = dir.resolve("lean.json");
        lean.write(file);
        assertEquals(6, ExperimentSpec.read(file).validationExamples());
        whole.write(dir.resolve("whole.json"));
        assertTrue(!Files.readString(dir.resolve("whole.json")).contains("validationExamples"),
                "a spec without the field writes none, so committed specs read and write as before");
    }

    @Test
    void theProbeOnTheDrawnExamplesIsTheProbeOnTheTaskWhenEveryLabelIsDrawnAndRunsOnFewer() throws Exception {
        Path base = TestData.tinyBase(dir, 10);
        Path task = TestData.task(dir, "colours", List.of("red", "blue"), 12);
        ExperimentSpec spec = ExperimentSpec.defaults("probe", base.toString(), List.of(task.toString())).withSeeds(2);
        Trial.Base loaded = ExperimentFolder.loadBase(spec);
        java.util.function.Function<ExperimentSpec, List<Run>> run = s -> Experiment.run(s, loaded, new Experiment.Listener() {
            @Override
            public void started(int totalRuns) {}

            @Override
            public void finished(Run r, int done) {}
        }, Experiment.Journal.NONE, 1);
        ExperimentSpec.ArmSpec onTask = ExperimentSpec.ArmSpec.of(LinearProbeArm.ID);
        ExperimentSpec.ArmSpec onDrawn = new ExperimentSpec.ArmSpec(LinearProbeArm.ID, Map.of("features", "drawn"));
        for (LabelBudget labels : List.of(LabelBudget.ALL, LabelBudget.of(6))) {
            List<Run> a = run.apply(spec.withLabels(List.of(labels)).withArms(List.of(onTask)));
            List<Run> b = run.apply(spec.withLabels(List.of(labels)).withArms(List.of(onDrawn)));
            assertEquals(2, b.size());
            for (int i = 0; i < a.size(); i++) {
                assertTrue(b.get(i).testAccuracy() >= 0 && b.get(i).testAccuracy() <= 1, b.get(i).describe());
                if (labels.all()) {
                    assertEquals(a.get(i).testAccuracy(), b.get(i).testAccuracy(), 0.0, "every example drawn: the same features, the same fit");
                    assertEquals(a.get(i).validationAccuracy(), b.get(i).validationAccuracy(), 0.0);
                }
            }
        }
    }

    @Test
    void aMadeUpArmOnAMadeUpTaskRunsEndToEndAndTheReportPairsWhatTheSpecPairs() throws Exception {
        Arms.register("majority", s -> new MajorityArm());
        Path base = TestData.tinyBase(dir, 10);
        Path task = TestData.task(dir, "shades", List.of("light", "dark"), 12);
        Files.writeString(task.resolve("task.json"), "{\"question\": \"Is a shade light or dark?\", \"labels\": [\"dark\", \"light\"], "
                + "\"template\": \"Shade: {text}\\nIt is\", \"labelWords\": {\"dark\": \"dim\", \"light\": \"bright\"}}");
        tinyfm.data.Task shades = tinyfm.data.Task.load(task.toString());
        assertEquals("Is a shade light or dark?", shades.question());
        assertEquals(List.of("dim", "bright"), shades.labelWords(), "the card's words, in label order");
        assertEquals("Shade: {text}\nIt is", shades.template());
        ExperimentSpec spec = ExperimentSpec.defaults("majority-vs-bow", base.toString(), List.of(task.toString()))
                .withLabels(List.of(LabelBudget.of(8), LabelBudget.ALL)).withSeeds(2)
                .withArms(List.of(ExperimentSpec.ArmSpec.of("majority"), ExperimentSpec.ArmSpec.of(BagOfWordsArm.ID),
                        ExperimentSpec.ArmSpec.of(PromptedArm.ZERO_SHOT)))
                .withPairs(List.of(new ExperimentSpec.Pair(BagOfWordsArm.ID, "majority")));
        Path out = dir.resolve("out");
        Report.Results results = ExperimentFolder.run(spec, out, new Experiment.Listener() {
            @Override
            public void started(int totalRuns) {
                assertEquals(2 * 2 * 2 + 1, totalRuns, "budgets × seeds × trained arms, and one zero-shot prompt");
            }

            @Override
            public void finished(Run run, int done) {}
        }, false);
        assertEquals(9, results.runs().size());
        assertEquals(4, results.runs().stream().filter(r -> r.arm().equals("majority")).count());
        String report = Files.readString(out.resolve("report.md"));
        assertTrue(report.contains("| task | labels | majority label | bag-of-words | bow − majority (95% CI) |"), report);
        assertTrue(report.contains("## The bag-of-words baseline against the majority guess"), report);
        assertTrue(report.contains("test accuracy: the bag-of-words baseline "), report);
        assertTrue(!report.contains("full − scratch"), "the report pairs only what the spec pairs");
        assertTrue(report.contains("## Prompting the base, no training"), "the made-up task is prompted with its own card");
        assertEquals(spec, ExperimentSpec.read(out.resolve(ExperimentSpec.FILE)), "the folder holds the spec that ran");
        assertEquals(report, regenerated(out), "report.md derives again from results.json alone");
    }

    private String regenerated(Path out) throws Exception {
        Path copy = dir.resolve("copy");
        Files.createDirectories(copy);
        Files.copy(out.resolve(Report.RESULTS), copy.resolve(Report.RESULTS));
        ExperimentFolder.rederive(copy);
        return Files.readString(copy.resolve("report.md"));
    }

    @Test
    void aSpecFileTakesDefaultsForWhatItLeavesOutAndRefusesWhatItGetsWrongInOneLine() throws Exception {
        Path file = dir.resolve("spec.json");
        Files.writeString(file, "{\"name\": \"small\", \"base\": \"b.tfm\", \"tasks\": [\"topic\"], \"labels\": [\"32\", \"all\"], \"seeds\": 3}");
        ExperimentSpec spec = ExperimentSpec.read(file);
        assertEquals(List.of(LabelBudget.of(32), LabelBudget.ALL), spec.labels());
        assertEquals(Arms.BUNDLED, spec.arms().stream().map(ExperimentSpec.ArmSpec::arm).toList(), "every bundled arm by default");
        assertEquals(ExperimentSpec.DEFAULT_PAIRS, spec.pairs());
        assertEquals(ExperimentSpec.MIN_EXAMPLES_SEEN, spec.minExamplesSeen());
        assertEquals(List.of(1, 2, 3), spec.seedList(), "seeds 1 to N unless the spec says where they start");
        assertEquals(List.of(1337, 1338), spec.withSeeds(2, 1337).seedList());

        Map<String, String> bad = Map.of(
                "{\"name\": \"x\", \"base\": \"b\", \"tasks\": [\"t\"], \"arms\": [{\"arm\": \"magic\"}]}", "unknown arm 'magic'",
                "{\"name\": \"x\", \"base\": \"b\", \"tasks\": [\"t\"], \"seed\": 3}", "unknown field 'seed'",
                "{\"name\": \"x\", \"base\": \"b\", \"tasks\": [\"t\"], \"seeds\": 0}", "at least one seed",
                "{\"name\": \"x\", \"base\": \"b\", \"tasks\": [\"t\"], \"arms\": [{\"arm\": \"full\"}], \"pairs\": [{\"arm\": \"full\", \"against\": \"bow\"}]}",
                "needs two different arms of the experiment",
                "{\"name\": \"x\", \"base\": \"b\", \"tasks\": [\"t\"], \"arms\": [{\"arm\": \"full\", \"options\": {\"speed\": \"2\"}}]}", "no option 'speed'",
                "{\"base\": \"b\", \"tasks\": [\"t\"]}", "'name' is missing",
                "{\"name\": \"x\", \"base\": \"b\", \"tasks\": [\"t\"], \"seeds\": \"many\"}", "wrong type",
                "{\"name\": \"x\", \"base\": \"b\", \"tasks\": [\"t\"], \"validationExamples\": 1}", "at least 2 examples",
                "{\"name\": \"x\", \"base\": \"b\", \"tasks\": [\"t\"], \"arms\": [{\"arm\": \"probe\", \"options\": {\"features\": \"some\"}}]}",
                "features is task or drawn",
                "[1, 2]", "not an experiment spec");
        for (Map.Entry<String, String> e : bad.entrySet()) {
            Files.writeString(file, e.getKey());
            UserError error = assertThrows(UserError.class, () -> ExperimentSpec.read(file), e.getKey());
            assertTrue(error.getMessage().startsWith(file + ": ") && error.getMessage().contains(e.getValue()), error.getMessage());
            assertTrue(!error.getMessage().contains("\n"), "one line: " + error.getMessage());
        }
    }

    @Test
    void aTaskCardThatDisagreesWithItsDataIsRefusedNamingTheFile() throws Exception {
        Path task = TestData.task(dir, "shades", List.of("light", "dark"), 4);
        Map<String, String> bad = Map.of(
                "{\"labels\": [\"light\", \"grey\"]}", "are not the labels of train.jsonl",
                "{\"template\": \"Shade:\"}", "has no {text}",
                "{\"labelWords\": {\"dark\": \" \"}}", "the word for label 'dark' is empty",
                "not json", "not a task card");
        for (Map.Entry<String, String> e : bad.entrySet()) {
            Files.writeString(task.resolve("task.json"), e.getKey());
            UserError error = assertThrows(UserError.class, () -> tinyfm.data.Task.load(task.toString()), e.getKey());
            assertTrue(error.getMessage().startsWith(task.resolve("task.json") + ": ") && error.getMessage().contains(e.getValue()), error.getMessage());
        }
        assertEquals(List.of("sentiment", "spam", "topic"), tinyfm.data.Task.bundled(), "the bundled tasks are the folders with a card");
    }

    @Test
    void aLabelBudgetIsAValueNotAString() {
        assertEquals(LabelBudget.ALL, LabelBudget.parse("all"));
        assertEquals("all", LabelBudget.ALL.toString());
        assertEquals("100", LabelBudget.parse(" 100").toString());
        assertTrue(LabelBudget.ALL.compareTo(LabelBudget.of(100_000)) > 0, "every example is more than any number");
        assertThrows(UserError.class, () -> LabelBudget.parse("0"));
        assertEquals("\"all\"", tinyfm.util.Json.LINE.toJson(LabelBudget.ALL));
        assertEquals(LabelBudget.of(16), tinyfm.util.Json.LINE.fromJson("\"16\"", LabelBudget.class));
    }
}
