package tinyfm.finetuning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import tinyfm.TestData;
import tinyfm.data.Example;
import tinyfm.data.Task;
import tinyfm.model.Gpt;
import tinyfm.model.GptConfig;
import tinyfm.tokenizer.Tokenizer;
import tinyfm.tokenizer.Tokenizers;

class FineTunerTest {
    static Tokenizer tokenizer;
    static Task threeClass;

    @BeforeAll
    static void setUp(@TempDir Path dir) throws Exception {
        tokenizer = Tokenizers.train("bpe", List.of(TestData.corpusText(500, 1) + " It was red. It was green. It was blue."), 300);
        threeClass = Task.load(TestData.task(dir, "colours", List.of("red", "green", "blue"), 24).toString());
    }

    static Gpt body() {
        Gpt gpt = new Gpt(new GptConfig(tokenizer.vocabSize(), 24, 2, 2, 32, 0.0));
        gpt.parameters().initialize(3);
        return gpt;
    }

    @Test
    void bothReadoutsBackpropagateTheirExactGradientIntoTheBody() {
        for (Classifier.Readout readout : Classifier.Readout.values()) {
            Gpt gpt = new Gpt(new GptConfig(tokenizer.vocabSize(), 12, 1, 2, 8, 0.0), org.nd4j.linalg.api.buffer.DataType.DOUBLE);
            gpt.parameters().initialize(5);
            gpt.parameters().values().muli(6); // larger weights, so every path carries a visible gradient
            Classifier c = new Classifier(gpt, 3, readout);
            c.head().initialize(2);
            c.head().values().muli(20);
            // two texts of different lengths: the shorter one is padded, and padding must get no gradient
            Classifier.Batch b = Batches.of(List.of(new int[] {5, 9, 2, 7, 1}, new int[] {3, 8, 1}), new int[] {0, 2}, tokenizer, 12);
            gpt.zeroGradients();
            c.head().grads().assign(0);
            c.forward(b, true, true, true);
            INDArray analytic = gpt.parameters().grads().dup();
            INDArray values = gpt.parameters().values();
            java.util.SplittableRandom r = new java.util.SplittableRandom(11);
            double eps = 1e-5, worst = 0;
            for (int k = 0; k < 40; k++) {
                long i = r.nextLong(values.length());
                double v = values.getDouble(i);
                values.putScalar(i, v + eps);
                double up = c.forward(b, false, false, false).loss();
                values.putScalar(i, v - eps);
                double down = c.forward(b, false, false, false).loss();
                values.putScalar(i, v);
                double numeric = (up - down) / (2 * eps), exact = analytic.getDouble(i);
                worst = Math.max(worst, Math.abs(numeric - exact) / Math.max(1e-6, Math.abs(numeric) + Math.abs(exact)));
            }
            assertTrue(worst < 1e-4, readout + ": worst relative gradient error " + worst);
        }
    }

    @Test
    void headModeLeavesTheBodyUntouchedAndLearnsAThreeClassTask() {
        Gpt gpt = body();
        INDArray before = gpt.parameters().values().dup();
        Classifier c = new Classifier(gpt, 3);
        c.head().initialize(1);
        FineTuner.Result r = new FineTuner(tokenizer, threeClass, FineTuneConfig.of(FineTuneConfig.Mode.HEAD, 6, 1e-2, -1, 1)).train(c, s -> {});
        assertEquals(before, gpt.parameters().values(), "a linear probe must not change the body");
        List<FineTuner.Point> curve = r.curve();
        assertTrue(curve.get(curve.size() - 1).trainLoss() < curve.get(0).trainLoss(), "the head learns: " + curve);
    }

    @Test
    void fullModeChangesTheBodyAndKeepsTheBestEpoch() {
        Gpt gpt = body();
        INDArray before = gpt.parameters().values().dup();
        Classifier c = new Classifier(gpt, 3);
        c.head().initialize(1);
        FineTuner.Result r = new FineTuner(tokenizer, threeClass, FineTuneConfig.of(FineTuneConfig.Mode.FULL, 10, 1e-2, -1, 1)).train(c, s -> {});
        assertNotEquals(before, gpt.parameters().values());
        assertTrue(r.validation().accuracy() > 0.6, "three balanced classes: chance is 1/3, got " + r.validation().accuracy());
        double best = r.curve().stream().mapToDouble(FineTuner.Point::validationAccuracy).max().orElseThrow();
        assertEquals(best, r.validation().accuracy(), 1e-12);
        Metrics again = c.evaluate(tokenizer, threeClass.labels(), threeClass.validation());
        assertEquals(best, again.accuracy(), 1e-12, "the restored weights are the best epoch's");
    }

    @Test
    void savedModelReloadsAndClassifiesTheSame(@TempDir Path dir) {
        Classifier c = new Classifier(body(), 3);
        c.head().initialize(4);
        Path file = dir.resolve("m.tfm");
        new FineTunedModel(c, tokenizer, threeClass.labels(), new com.google.gson.JsonObject()).save(file);
        FineTunedModel loaded = FineTunedModel.load(file);
        Metrics a = c.evaluate(tokenizer, threeClass.labels(), threeClass.test());
        Metrics b = loaded.classifier().evaluate(loaded.tokenizer(), loaded.labels(), threeClass.test());
        assertTrue(java.util.Arrays.deepEquals(a.confusion(), b.confusion()));
    }

    @Test
    void warmUpRampsTheLearningRateThenItDecaysLinearly() {
        FineTuneConfig none = FineTuneConfig.of(FineTuneConfig.Mode.FULL, 1, 1e-2, -1, 1);
        for (int step = 0; step < 10; step++) {
            assertEquals(1.0 - step / 10.0, none.learningRateScale(step, 10), 1e-12, "no warm-up: the schedule the measured runs used");
        }
        FineTuneConfig warm = none.with(16, 0.01, 0.2, FineTuneConfig.WHOLE_CONTEXT); // 2 of 10 steps
        double[] expected = {0.5, 1.0, 1.0, 7 / 8.0, 6 / 8.0, 5 / 8.0, 4 / 8.0, 3 / 8.0, 2 / 8.0, 1 / 8.0};
        for (int step = 0; step < 10; step++) {
            assertEquals(expected[step], warm.learningRateScale(step, 10), 1e-12, "step " + step);
        }
    }

    @Test
    void aShorterMaxLengthCutsEveryTextTheClassifierReadsAndIsSavedWithIt(@TempDir Path dir) {
        String text = "The old man walked past the garden and looked at the river. It was green.";
        assertTrue(tokenizer.encode(text).length > 8, "the text is longer than the cut");
        Classifier cut = new Classifier(body(), 3, Classifier.DEFAULT_READOUT, 8), whole = new Classifier(body(), 3);
        int[] ids = cut.encode(tokenizer, text);
        assertEquals(8, ids.length);
        assertEquals(tokenizer.endOfText(), ids[7]);
        assertEquals(java.util.Arrays.toString(java.util.Arrays.copyOf(tokenizer.encode(text), 7)),
                java.util.Arrays.toString(java.util.Arrays.copyOf(ids, 7)), "the beginning of the text is kept");
        assertEquals(24, whole.maxTokens(), "by default the whole context");
        assertEquals(24, new Classifier(body(), 3, Classifier.DEFAULT_READOUT, 1000).maxTokens(), "never more than the context");

        FineTuneConfig config = FineTuneConfig.of(FineTuneConfig.Mode.HEAD, 1, 1e-2, -1, 1).with(8, 0.01, 0, 8);
        FineTuner.Trained trained = FineTuner.fineTune(new tinyfm.base.ModelFile(tinyfm.base.ModelFile.Kind.BASE, body().config(), tokenizer,
                body().parameters().values(), new com.google.gson.JsonObject(), Map.of()), dir.resolve("b.tfm"), threeClass, config,
                Classifier.DEFAULT_READOUT, FineTuner.Start.PRETRAINED_BASE, s -> {});
        assertEquals(8, trained.classifier().maxTokens(), "fine-tuning builds the classifier with the config's length");
        Path file = dir.resolve("m.tfm");
        new FineTunedModel(trained.classifier(), tokenizer, threeClass.labels(), new com.google.gson.JsonObject()).save(file);
        assertEquals(8, FineTunedModel.load(file).classifier().maxTokens(), "classify reads texts as training did");
    }

    @Test
    void lengthGroupedBatchesCoverEveryExampleOnceWithLessPadding() {
        java.util.SplittableRandom lengths = new java.util.SplittableRandom(3);
        List<int[]> x = java.util.stream.IntStream.range(0, 1000).mapToObj(i -> new int[1 + lengths.nextInt(120)]).toList();
        List<int[]> batches = Batches.lengthGrouped(x, 16, new java.util.SplittableRandom(9));
        int[] seen = new int[x.size()];
        long padded = 0, tokens = 0;
        for (int[] batch : batches) {
            assertTrue(batch.length <= 16);
            int longest = 0;
            for (int i : batch) {
                seen[i]++;
                longest = Math.max(longest, x.get(i).length);
                tokens += x.get(i).length;
            }
            padded += (long) longest * batch.length;
        }
        for (int i = 0; i < seen.length; i++) {
            assertEquals(1, seen[i], "example " + i);
        }
        assertEquals((x.size() + 15) / 16, batches.size());
        // random batches of uniform lengths would be about half padding; grouped ones are a few percent
        assertTrue(padded < 1.1 * tokens, "padded " + padded + " for " + tokens + " tokens");
        List<int[]> again = Batches.lengthGrouped(x, 16, new java.util.SplittableRandom(9));
        for (int b = 0; b < batches.size(); b++) {
            assertTrue(java.util.Arrays.equals(batches.get(b), again.get(b)), "same seed, same batches");
        }
    }

    @Test
    void labelSubsetsAreStratifiedAndDeterministic() {
        List<Example> a = Task.stratifiedSubset(threeClass.train(), 12, 5);
        assertEquals(a, Task.stratifiedSubset(threeClass.train(), 12, 5));
        assertNotEquals(a, Task.stratifiedSubset(threeClass.train(), 12, 6));
        assertEquals(Map.of("red", 4, "green", 4, "blue", 4), Task.counts(a));
        assertEquals(threeClass.train().size(), Task.stratifiedSubset(threeClass.train(), -1, 5).size());
    }

    @Test
    void metricsMatchAHandCheckedConfusionMatrix() {
        // truth:     a a a a b b c c c c
        // predicted: a a a b b c c c c a
        int[] truth = {0, 0, 0, 0, 1, 1, 2, 2, 2, 2};
        int[] pred = {0, 0, 0, 1, 1, 2, 2, 2, 2, 0};
        Metrics m = Metrics.of(List.of("a", "b", "c"), truth, pred);
        assertTrue(java.util.Arrays.deepEquals(new long[][] {{3, 1, 0}, {0, 1, 1}, {1, 0, 3}}, m.confusion()));
        assertEquals(0.7, m.accuracy(), 1e-12);
        // F1 a: P 3/4, R 3/4 -> 0.75; b: P 1/2, R 1/2 -> 0.5; c: P 3/4, R 3/4 -> 0.75
        assertEquals((0.75 + 0.5 + 0.75) / 3, m.macroF1(), 1e-12);
    }
}
