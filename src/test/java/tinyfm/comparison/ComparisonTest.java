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
import tinyfm.comparison.Comparison.Method;
import tinyfm.comparison.Comparison.Run;
import tinyfm.data.Task;
import tinyfm.finetuning.FineTuner;

class ComparisonTest {
    @TempDir
    Path dir;

    /** A tiny base pretrained for 20 steps on text that mentions the colours task's labels. */
    private Path tinyBase() throws Exception {
        Path corpus = dir.resolve("corpus.txt"), base = dir.resolve("tiny.tfm");
        Files.writeString(corpus, TestData.corpusText(2000, 3) + " It was red. It was blue.");
        assertEquals(0, CliTest.run("pretrain", "--corpus", corpus.toString(), "--preset", "tiny", "--steps", "20", "--vocab", "300",
                "--out", base.toString()).code());
        return base;
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
        assertTrue(r.out().contains("| colours | 8 |"), r.out());
        for (String f : List.of("results.json", "results.csv", "report.md", "time.png", "time.svg", "transfer-gain.png",
                "learning-curves-colours.png", "learning-curves-colours.svg", "data-efficiency-colours.png", "data-efficiency-colours.svg")) {
            assertTrue(Files.size(out.resolve(f)) > 100, f + " written");
        }
        byte[] png = Files.readAllBytes(out.resolve("time.png"));
        assertEquals((byte) 0x89, png[0]);
        assertEquals("PNG", new String(png, 1, 3, java.nio.charset.StandardCharsets.US_ASCII));
        assertTrue(Files.readString(out.resolve("data-efficiency-colours.svg")).contains("<svg"));
        List<String> csv = Files.readAllLines(out.resolve("results.csv"));
        assertEquals(1 + 2 * 2 * (Method.values().length - 2) + 1, csv.size(),
                "header + labels × seeds × trained methods + one zero-shot run (no shots fit the tiny model's 32-token window)");
        assertTrue(csv.stream().anyMatch(line -> line.contains(",prompt_zero,")), "the zero-shot arm ran");
        assertTrue(csv.stream().anyMatch(line -> line.contains(",probe,")), "the probe arm ran");
        String report = Files.readString(out.resolve("report.md"));
        assertTrue(report.contains("## What the base buys in time"), report);
        assertTrue(report.contains("**Time to a fixed target.**"), report);
        assertTrue(report.contains("## Does it beat bag-of-words?\n"), "bag-of-words ran, so the report pairs the base with it");

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
                accuracy.computeIfAbsent(recipe + " " + o.get("method").getAsString(), k -> new java.util.ArrayList<>())
                        .add(o.get("testAccuracy").getAsDouble());
            }
            String report = Files.readString(out.resolve("report.md"));
            assertEquals(recipe.equals("ulmfit"), report.contains("**The full fine-tune alone** used discriminative learning rates"), report);
            assertFalse(report.contains("Does it beat bag-of-words?"), "no bag-of-words arm, no pairing with it");
        }
        assertEquals(accuracy.get("plain SCRATCH"), accuracy.get("ulmfit SCRATCH"), "the from-scratch reference does not move with the recipe");
        assertEquals(2, accuracy.get("ulmfit PRETRAINED_FULL").size());

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
        assertTrue(Files.readString(found.resolve("lr-find-colours.svg")).contains("<svg"));
    }

    private static Run run(Method m, double val, List<FineTuner.Point> curve) {
        return new Run("t", "all", 10, 1, m, 2, val, val, val, 1, curve);
    }

    @Test
    void thePairedDifferenceHasAStudentTIntervalOverSeeds() {
        List<Run> runs = new java.util.ArrayList<>();
        double[] pre = {0.80, 0.82, 0.78}, scratch = {0.70, 0.71, 0.69};
        for (int seed = 1; seed <= 3; seed++) {
            runs.add(new Run("t", "32", 32, seed, Method.PRETRAINED_FULL, 1, 0, pre[seed - 1], 0, 1, List.of()));
            runs.add(new Run("t", "32", 32, seed, Method.SCRATCH, 1, 0, scratch[seed - 1], 0, 1, List.of()));
        }
        tinyfm.report.Summary.Difference d = tinyfm.report.Summary.paired(runs, "t", "32", Method.PRETRAINED_FULL, Method.SCRATCH);
        // differences 0.10, 0.11, 0.09: mean 0.10, std 0.01, t(2) = 4.303, half-width 4.303 × 0.01 / √3
        assertEquals(0.10, d.mean(), 1e-12);
        assertEquals(0.10 - 4.303 * 0.01 / Math.sqrt(3), d.low(), 1e-9);
        assertEquals(0.10 + 4.303 * 0.01 / Math.sqrt(3), d.high(), 1e-9);
        assertTrue(d.clearlyPositive());
        runs.add(new Run("t", "32", 32, 4, Method.PRETRAINED_FULL, 1, 0, 0.5, 0, 1, List.of()));
        assertEquals(3, tinyfm.report.Summary.paired(runs, "t", "32", Method.PRETRAINED_FULL, Method.SCRATCH).n(), "a seed without its pair is left out");
    }

    @Test
    void theBaseIsPairedWithBagOfWordsSeedBySeed() {
        // seeds far apart (50% to 90%) but the base a steady 4 to 6 points ahead on each: only a paired interval sees it
        List<Run> runs = runs("t", "32", Method.BAG_OF_WORDS, new double[] {0.50, 0.70, 0.90}, new double[] {0.45, 0.66, 0.84});
        // a base behind bag-of-words on every seed
        runs.addAll(runs("t", "100", Method.BAG_OF_WORDS, new double[] {0.55, 0.60, 0.65}, new double[] {0.60, 0.66, 0.69}));
        // differences −0.02, +0.03, 0.00: a mean of +0.3 points whose interval holds zero
        runs.addAll(runs("u", "32", Method.BAG_OF_WORDS, new double[] {0.60, 0.64, 0.62}, new double[] {0.62, 0.61, 0.62}));
        // differences 0.05, 0.04, 0.06: mean 0.05, std 0.01, half-width 4.303 × 0.01 / √3 = 0.025
        assertEquals(List.of(
                "t, 32 labels, test accuracy: the fine-tuned base beats the bag-of-words baseline by 5.0 points (95% interval +2.5 to +7.5 over 3 paired seeds).",
                "t, 100 labels, test accuracy: the fine-tuned base trails the bag-of-words baseline by 5.0 points (95% interval -7.5 to -2.5 over 3 paired seeds).",
                "u, 32 labels, test accuracy: the fine-tuned base cannot be told from the bag-of-words baseline: +0.3 points, with a 95% interval "
                        + "(-5.9 to +6.6 over 3 paired seeds) that includes zero."),
                tinyfm.report.Summary.baselineFindings(runs));
        // the same sentences against training from scratch, from the same code
        List<Run> scratch = runs("t", "32", Method.SCRATCH, new double[] {0.50, 0.70, 0.90}, new double[] {0.45, 0.66, 0.84});
        assertTrue(tinyfm.report.Summary.transferFindings(scratch).get(0).contains("beats training from scratch by 5.0 points (95% interval +2.5 to +7.5"));
        assertTrue(tinyfm.report.Summary.baselineFindings(scratch).isEmpty(), "no bag-of-words runs, no sentences about it");
    }

    /** The fine-tuned base and another method, one run each per seed, with the given test accuracies. */
    private static List<Run> runs(String task, String labels, Method other, double[] base, double[] others) {
        List<Run> runs = new java.util.ArrayList<>();
        for (int i = 0; i < base.length; i++) {
            runs.add(new Run(task, labels, Integer.parseInt(labels), i + 1, Method.PRETRAINED_FULL, 1, 0, base[i], 0, 1, List.of()));
            runs.add(new Run(task, labels, Integer.parseInt(labels), i + 1, other, 1, 0, others[i], 0, 0, List.of()));
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
