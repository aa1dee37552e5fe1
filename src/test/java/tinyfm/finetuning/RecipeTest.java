package tinyfm.finetuning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.nio.file.Path;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import tinyfm.model.Gpt;

/** ULMFiT's fine-tuning levers and the learning-rate range test, on the colours task of {@link FineTunerTest}. */
class RecipeTest {
    @BeforeAll
    static void setUp(@TempDir Path dir) throws Exception {
        FineTunerTest.setUp(dir);
    }

    @Test
    void everyRecipeNameParsesAndPrintsBack() {
        for (String name : List.of("plain", "ulmfit", "discriminative", "slanted", "unfreeze", "discriminative,slanted", "slanted,unfreeze")) {
            Recipe r = Recipe.parse(name);
            assertEquals(r, Recipe.parse(r.id()), name);
        }
        assertEquals(Recipe.ULMFIT, Recipe.parse("discriminative, slanted, unfreeze"));
        assertEquals("ulmfit", Recipe.parse("unfreeze,slanted,discriminative").id());
        tinyfm.util.InvalidSetting e = assertThrows(tinyfm.util.InvalidSetting.class, () -> Recipe.parse("discrimnative"));
        assertTrue(e.getMessage().contains("recipe takes plain, ulmfit") && !e.getMessage().contains("--"), e.getMessage());
    }

    @Test
    void theSlantedTriangularScheduleRisesForATenthOfTheRunThenFallsToAThirtySecond() {
        int total = 100;
        double[] s = new double[total];
        for (int i = 0; i < total; i++) {
            s[i] = Recipe.slantedTriangular(i, total);
        }
        assertEquals(1 / 32.0, s[0], 1e-12, "starts at the peak / 32");
        assertEquals(1.0, s[10], 1e-12, "the peak after 10% of the steps");
        assertEquals(1 / 32.0, s[total - 1], 1e-12, "ends at the peak / 32");
        for (int i = 1; i <= 10; i++) {
            assertTrue(s[i] > s[i - 1], "rises at step " + i);
        }
        for (int i = 11; i < total; i++) {
            assertTrue(s[i] < s[i - 1], "falls at step " + i);
        }
        assertEquals(1.0, Recipe.slantedTriangular(0, 1), "one step: no room for a triangle, the peak");
        assertEquals(List.of(1.0, 1.0), List.of(Recipe.slantedTriangular(0, 2), Recipe.slantedTriangular(1, 2)));
        assertEquals(List.of(1 / 32.0, 1.0, 1 / 32.0), List.of(Recipe.slantedTriangular(0, 3), Recipe.slantedTriangular(1, 3),
                Recipe.slantedTriangular(2, 3)), "three steps: up, peak, down");
        FineTuneConfig slanted = FineTuneConfig.of(FineTuneConfig.Mode.FULL, 1, 1e-2, -1, 1).with(Recipe.parse("slanted"));
        assertEquals(s[40], slanted.learningRateScale(40, total), 1e-12, "the config follows its recipe's schedule");
        assertThrows(tinyfm.util.InvalidSetting.class, () -> slanted.with(16, 0.01, 0.1, FineTuneConfig.WHOLE_CONTEXT),
                "a warm-up fraction means nothing to the slanted schedule");
    }

    @Test
    void discriminativeRatesGiveTheTopBlockTheHeadsRateAndEachLowerPartATwoPointSixth() {
        Gpt body = FineTunerTest.body(); // 2 blocks
        FineTuneConfig config = FineTuneConfig.of(FineTuneConfig.Mode.FULL, 1, 1e-2, -1, 1);
        List<FineTuner.BodyRate> uniform = FineTuner.bodyRates(body, config);
        assertEquals(List.of(new FineTuner.BodyRate("body", 0, body.parameters().count(), config.bodyLearningRate())), uniform);

        List<FineTuner.BodyRate> rates = FineTuner.bodyRates(body, config.with(Recipe.parse("discriminative")));
        assertEquals(List.of("embedding", "block.0", "block.1"), rates.stream().map(FineTuner.BodyRate::name).toList());
        assertEquals(1e-2, rates.get(2).learningRate(), 1e-15, "the top block at the head's rate");
        assertEquals(1e-2 / 2.6, rates.get(1).learningRate(), 1e-15);
        assertEquals(1e-2 / (2.6 * 2.6), rates.get(0).learningRate(), 1e-15, "the embeddings lowest");
        assertEquals(0, rates.get(0).from());
        for (int i = 1; i < rates.size(); i++) {
            assertEquals(rates.get(i - 1).to(), rates.get(i).from(), "the parts tile the body");
        }
        assertEquals(body.parameters().count(), rates.get(rates.size() - 1).to(), "the final norm trains with the top block");

        List<FineTuner.BodyRate> unfreezing = FineTuner.bodyRates(body, config.with(Recipe.parse("unfreeze")));
        assertEquals(List.of("embedding", "block.0", "block.1"), unfreezing.stream().map(FineTuner.BodyRate::name).toList(),
                "unfreezing gives each block its own optimiser, so a block unfrozen late starts Adam afresh");
        assertTrue(unfreezing.stream().allMatch(r -> r.learningRate() == config.bodyLearningRate()), "at the one body rate");
    }

    @Test
    void theWholeUlmfitRecipeLearnsTheTaskAndUnfreezesFromTheTop() {
        Gpt gpt = FineTunerTest.body();
        INDArray before = gpt.parameters().values().dup();
        Classifier c = new Classifier(gpt, 3);
        c.head().initialize(1);
        FineTuneConfig oneEpoch = FineTuneConfig.of(FineTuneConfig.Mode.FULL, 1, 1e-2, -1, 1).with(Recipe.ULMFIT);
        new FineTuner(FineTunerTest.tokenizer, FineTunerTest.threeClass, oneEpoch).train(c, s -> {});
        long top = gpt.parameters().offsetOf("block.1.");
        INDArray after = gpt.parameters().values();
        assertEquals(before.get(NDArrayIndex.interval(0, top)), after.get(NDArrayIndex.interval(0, top)),
                "in the first epoch only the top block trains");
        assertNotEquals(before.get(NDArrayIndex.interval(top, after.length())), after.get(NDArrayIndex.interval(top, after.length())));

        Gpt fresh = FineTunerTest.body();
        Classifier d = new Classifier(fresh, 3);
        d.head().initialize(1);
        FineTuneConfig tenEpochs = FineTuneConfig.of(FineTuneConfig.Mode.FULL, 10, 1e-2, -1, 1).with(Recipe.ULMFIT);
        FineTuner.Result r = new FineTuner(FineTunerTest.tokenizer, FineTunerTest.threeClass, tenEpochs).train(d, s -> {});
        assertTrue(r.validation().accuracy() > 0.6, "three balanced classes: chance is 1/3, got " + r.validation().accuracy());
        assertNotEquals(before.get(NDArrayIndex.interval(0, top)), fresh.parameters().values().get(NDArrayIndex.interval(0, top)),
                "by the last epoch every block has trained");
    }

    @Test
    void theRangeTestRaisesTheRateUntilTheLossBlowsUpAndSuggestsATenthOfItsLowest() {
        Classifier c = new Classifier(FineTunerTest.body(), 3);
        c.head().initialize(1);
        FineTuneConfig config = FineTuneConfig.of(FineTuneConfig.Mode.FULL, 1, 1e-2, -1, 1);
        LearningRateFinder.Result r = LearningRateFinder.run(c, FineTunerTest.tokenizer, FineTunerTest.threeClass, config, 1e-5, 50, 120);
        List<LearningRateFinder.Point> p = r.points();
        assertEquals(1e-5, p.get(0).learningRate(), 1e-18);
        for (int i = 1; i < p.size(); i++) {
            assertTrue(p.get(i).learningRate() > p.get(i - 1).learningRate(), "the rate grows every step");
        }
        assertTrue(r.diverged() && p.size() < 120, "a rate of 50 blows the loss up before the end: " + p.size() + " steps");
        double lowest = p.stream().mapToDouble(LearningRateFinder.Point::smoothedLoss).min().orElseThrow();
        assertTrue(lowest < p.get(0).smoothedLoss() - 0.05, "the loss fell somewhere along the way: " + lowest + " vs " + p.get(0).smoothedLoss());
        assertEquals(r.lowestAt() / 10, r.suggested(), 1e-18);
        assertTrue(r.lowestAt() > 1e-5 && r.lowestAt() < 50);
        assertEquals("", r.caveat(), "a range that blew up after the loss fell needs no caution");
        Classifier fresh = new Classifier(FineTunerTest.body(), 3);
        fresh.head().initialize(1);
        LearningRateFinder.Result narrow = LearningRateFinder.run(fresh, FineTunerTest.tokenizer, FineTunerTest.threeClass, config, 1e-5, 1e-4, 10);
        assertTrue(!narrow.diverged() && narrow.caveat().contains("widen the range"), narrow.caveat());
        var series = tinyfm.report.Charts.learningRateRange(r, "colours", 3).getSeriesMap().keySet();
        assertTrue(series.stream().anyMatch(name -> name.startsWith("chance: guessing among 3 labels (ln 3 = 1.10)")), "chance is drawn: " + series);
        assertTrue(series.stream().anyMatch(name -> name.startsWith("suggested: ")), series.toString());
    }
}
