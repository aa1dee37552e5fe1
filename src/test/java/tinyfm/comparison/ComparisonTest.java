package tinyfm.comparison;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tinyfm.TestData;
import tinyfm.cli.CliTest;
import tinyfm.comparison.ExperimentSpec.Pair;
import tinyfm.finetuning.Probe;
import tinyfm.data.Task;
import tinyfm.finetuning.FineTuner;

class ComparisonTest {
    @TempDir
    Path dir;

    private Path tinyBase() throws Exception {
        return TestData.tinyBase(dir, 20);
    }

    @Test
    void compareOnATinyGridWritesEveryFileAndValidCharts() throws Exception {
        Path base = tinyBase();
        assertTrue(!Files.exists(Path.of(base + ".ckpt")), "a finished run leaves no checkpoint behind");
        Path task = TestData.task(dir, "colours", List.of("red", "blue"), 12);
        Path out = dir.resolve("results");
        CliTest.Run r = CliTest.run("compare", "--base", base.toString(), "--tasks", task.toString(), "--labels", "8,all", "--seeds", "2",
                "--epochs", "1", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().matches("(?s).*\\n  colours +8 .*"), "a plain-text row per task and budget:\n" + r.out());
        tinyfm.cli.TerminalOutput.check(r.out());
        for (String f : List.of("spec.json", "results.json", "results.csv", "report.md", "cost-colours.png", "transfer-gain.png",
                "learning-curves-colours.png", "data-efficiency-colours.png")) {
            assertTrue(Files.size(out.resolve(f)) > 100, f + " written");
        }
        byte[] png = Files.readAllBytes(out.resolve("cost-colours.png"));
        assertEquals((byte) 0x89, png[0]);
        assertEquals("PNG", new String(png, 1, 3, java.nio.charset.StandardCharsets.US_ASCII));
        try (var files = Files.list(out)) {
            assertTrue(files.noneMatch(f -> f.toString().endsWith(".svg")), "charts are PNG only");
        }
        List<String> csv = Files.readAllLines(out.resolve("results.csv"));
        assertEquals(1 + 2 * 2 * (Arms.BUNDLED.size() - 2) + 1, csv.size(),
                "header + labels × seeds × trained arms + one zero-shot run (no shots fit the tiny model's 32-token window)");
        assertTrue(csv.stream().anyMatch(line -> line.contains(",zero,")), "the zero-shot arm ran");
        assertTrue(csv.stream().anyMatch(line -> line.contains(",probe,")), "the probe arm ran");
        String report = Files.readString(out.resolve("report.md"));
        assertTrue(report.contains("## What the base buys in time"), report);
        assertTrue(report.contains("**Time to a fixed target.**"), report);
        assertTrue(report.contains("## The fine-tuned base against the bag-of-words baseline\n"), "bag-of-words ran, so the report pairs the base with it");
        assertTrue(report.contains("| full − scratch (95% CI) | full − bow (95% CI) |"), report);

        // the spec it wrote runs again to the same numbers: an experiment is its spec
        Path rerun = dir.resolve("rerun");
        CliTest.Run again0 = CliTest.run("compare", "--spec", out.resolve("spec.json").toString(), "--out", rerun.toString());
        assertEquals(0, again0.code(), again0.err());
        assertEquals(testAccuracies(out), testAccuracies(rerun), "the same spec and seeds give the same numbers");

        // one source of numbers: the report derived again from results.json is the same report
        Path again = dir.resolve("again");
        CliTest.Run derived = CliTest.run("report", "--from", out.toString(), "--out", again.toString());
        assertEquals(0, derived.code(), derived.err());
        assertEquals(report, Files.readString(again.resolve("report.md")));
        assertEquals(Files.readString(out.resolve("results.csv")), Files.readString(again.resolve("results.csv")));
        assertTrue(report.contains("identical architecture with the same tokenizer"));
        Path fromFile = dir.resolve("from-file"); // the results.json itself works as well as its folder
        assertEquals(0, CliTest.run("report", "--from", out.resolve("results.json").toString(), "--out", fromFile.toString()).code());
        assertEquals(report, Files.readString(fromFile.resolve("report.md")));
    }

    @Test
    void aRecipeChangesTheFullFineTuneOnlyAndTheRangeTestSuggestsARate() throws Exception {
        Path base = tinyBase();
        Path task = TestData.task(dir, "colours", List.of("red", "blue"), 12);
        java.util.Map<String, List<Double>> accuracy = new java.util.HashMap<>();
        for (String recipe : List.of("plain", "ulmfit")) {
            Path out = dir.resolve(recipe);
            CliTest.Run r = CliTest.run("compare", "--base", base.toString(), "--tasks", task.toString(), "--labels", "8", "--seeds", "2",
                    "--epochs", "2", "--methods", "full,scratch", "--recipe", recipe, "--lr", "5e-3", "--out", out.toString());
            assertEquals(0, r.code(), r.err());
            var runs = com.google.gson.JsonParser.parseString(Files.readString(out.resolve("results.json"))).getAsJsonObject().getAsJsonArray("runs");
            for (var run : runs) {
                var o = run.getAsJsonObject();
                accuracy.computeIfAbsent(recipe + " " + o.get("arm").getAsString(), k -> new java.util.ArrayList<>())
                        .add(o.get("testAccuracy").getAsDouble());
            }
            String report = Files.readString(out.resolve("report.md"));
            assertEquals(recipe.equals("ulmfit"), report.contains("**The full fine-tune alone** used discriminative learning rates"), report);
            assertFalse(report.contains("against the bag-of-words baseline"), "no bag-of-words arm, no pairing with it");
        }
        assertEquals(accuracy.get("plain scratch"), accuracy.get("ulmfit scratch"), "the from-scratch reference does not move with the recipe");
        assertEquals(2, accuracy.get("ulmfit full").size());

        CliTest.Run bad = CliTest.run("compare", "--base", base.toString(), "--tasks", task.toString(), "--recipe", "fast", "--out", dir.resolve("x").toString());
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("--recipe takes plain, ulmfit"), bad.err());

        Path found = dir.resolve("lr");
        CliTest.Run lr = CliTest.run("lr-find", "--base", base.toString(), "--task", task.toString(), "--labels", "all", "--steps", "40",
                "--from", "1e-5", "--to", "10", "--out", found.toString());
        assertEquals(0, lr.code(), lr.err());
        assertTrue(lr.out().contains("Suggested: --lr "), lr.out());
        assertTrue(Files.readAllLines(found.resolve("lr-find-colours.csv")).size() > 5);
        byte[] png = Files.readAllBytes(found.resolve("lr-find-colours.png"));
        assertEquals("PNG", new String(png, 1, 3, java.nio.charset.StandardCharsets.US_ASCII));
    }

    private static List<Double> testAccuracies(Path folder) throws Exception {
        List<Double> out = new java.util.ArrayList<>();
        var runs = com.google.gson.JsonParser.parseString(Files.readString(folder.resolve("results.json"))).getAsJsonObject().getAsJsonArray("runs");
        runs.forEach(r -> out.add(r.getAsJsonObject().get("testAccuracy").getAsDouble()));
        return out;
    }

    private static final LabelBudget L32 = LabelBudget.of(32), L100 = LabelBudget.of(100);
    private static final Pair FULL_SCRATCH = new Pair("full", "scratch"), FULL_BOW = new Pair("full", "bow");

    @Test
    void thePairedDifferenceHasAStudentTIntervalOverSeeds() {
        List<Run> runs = new java.util.ArrayList<>();
        double[] pre = {0.80, 0.82, 0.78}, scratch = {0.70, 0.71, 0.69};
        for (int seed = 1; seed <= 3; seed++) {
            runs.add(new Run("t", L32, 32, seed, "full", 1, 0, pre[seed - 1], 0, 1, List.of()));
            runs.add(new Run("t", L32, 32, seed, "scratch", 1, 0, scratch[seed - 1], 0, 1, List.of()));
        }
        tinyfm.report.Summary.Difference d = tinyfm.report.Summary.paired(runs, "t", L32, FULL_SCRATCH);
        // differences 0.10, 0.11, 0.09: mean 0.10, std 0.01, t(2) = 4.303, half-width 4.303 × 0.01 / √3
        assertEquals(0.10, d.mean(), 1e-12);
        assertEquals(0.10 - 4.303 * 0.01 / Math.sqrt(3), d.low(), 1e-9);
        assertEquals(0.10 + 4.303 * 0.01 / Math.sqrt(3), d.high(), 1e-9);
        assertTrue(d.clearlyPositive());
        runs.add(new Run("t", L32, 32, 4, "full", 1, 0, 0.5, 0, 1, List.of()));
        assertEquals(3, tinyfm.report.Summary.paired(runs, "t", L32, FULL_SCRATCH).n(), "a seed without its pair is left out");
    }

    @Test
    void theBaseIsPairedWithBagOfWordsSeedBySeed() {
        // seeds far apart (50% to 90%) but the base a steady 4 to 6 points ahead on each: only a paired interval sees it
        List<Run> runs = runs("t", L32, "bow", new double[] {0.50, 0.70, 0.90}, new double[] {0.45, 0.66, 0.84});
        // a base behind bag-of-words on every seed
        runs.addAll(runs("t", L100, "bow", new double[] {0.55, 0.60, 0.65}, new double[] {0.60, 0.66, 0.69}));
        // differences −0.02, +0.03, 0.00: a mean of +0.3 points whose interval holds zero
        runs.addAll(runs("u", L32, "bow", new double[] {0.60, 0.64, 0.62}, new double[] {0.62, 0.61, 0.62}));
        // differences 0.05, 0.04, 0.06: mean 0.05, std 0.01, half-width 4.303 × 0.01 / √3 = 0.025
        assertEquals(List.of(
                "t, 32 labels, test accuracy: the fine-tuned base beats the bag-of-words baseline by 5.0 points (95% interval +2.5 to +7.5 over 3 paired seeds).",
                "t, 100 labels, test accuracy: the fine-tuned base trails the bag-of-words baseline by 5.0 points (95% interval -7.5 to -2.5 over 3 paired seeds).",
                "u, 32 labels, test accuracy: the fine-tuned base cannot be told from the bag-of-words baseline: +0.3 points, with a 95% interval "
                        + "(-5.9 to +6.6 over 3 paired seeds) that includes zero."),
                tinyfm.report.Summary.findings(runs, FULL_BOW));
        // the same sentences against training from scratch, from the same code
        List<Run> scratch = runs("t", L32, "scratch", new double[] {0.50, 0.70, 0.90}, new double[] {0.45, 0.66, 0.84});
        assertTrue(tinyfm.report.Summary.findings(scratch, FULL_SCRATCH).get(0).contains("beats training from scratch by 5.0 points (95% interval +2.5 to +7.5"));
        assertTrue(tinyfm.report.Summary.findings(scratch, FULL_BOW).isEmpty(), "no bag-of-words runs, no sentences about it");
    }

    /** The fine-tuned base and another arm, one run each per seed, with the given test accuracies. */
    private static List<Run> runs(String task, LabelBudget labels, String other, double[] base, double[] others) {
        List<Run> runs = new java.util.ArrayList<>();
        for (int i = 0; i < base.length; i++) {
            runs.add(new Run(task, labels, labels.count(), i + 1, "full", 1, 0, base[i], 0, 1, List.of()));
            runs.add(new Run(task, labels, labels.count(), i + 1, other, 1, 0, others[i], 0, 0, List.of()));
        }
        return runs;
    }

    @Test
    void theProbeReadsALabelThatTheFeaturesCarry() {
        // features in which the label is a direction in feature space, plus noise: a linear probe must find it
        java.util.SplittableRandom random = new java.util.SplittableRandom(5);
        java.util.Map<tinyfm.data.Example, double[]> features = new java.util.IdentityHashMap<>();
        List<tinyfm.data.Example> train = new java.util.ArrayList<>(), test = new java.util.ArrayList<>();
        for (int i = 0; i < 200; i++) {
            String label = i % 2 == 0 ? "a" : "b";
            tinyfm.data.Example e = new tinyfm.data.Example("text " + i, label);
            double[] f = new double[12];
            for (int j = 0; j < f.length; j++) {
                f[j] = random.nextGaussian();
            }
            f[3] += label.equals("a") ? 1.5 : -1.5;
            features.put(e, f);
            (i < 150 ? train : test).add(e);
        }
        Probe probe = new Probe(List.of("a", "b"));
        probe.train(train, test, features);
        assertTrue(probe.evaluate(test, features).accuracy() > 0.85, "probe accuracy " + probe.evaluate(test, features).accuracy());
    }

    @Test
    void bagOfWordsLearnsWordsThatGiveTheLabelAway() throws Exception {
        Task t = Task.load(TestData.task(dir, "words", List.of("red", "blue"), 30).toString());
        BagOfWords bow = new BagOfWords(t.labels());
        bow.train(t.train(), 1);
        assertEquals(1.0, bow.evaluate(t.test()).accuracy(), 1e-12);
    }
}
