package tinyfm.pretraining;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import tinyfm.TestData;
import tinyfm.base.Bases;
import tinyfm.base.ModelFile;
import tinyfm.data.Corpus;
import tinyfm.generation.Generator;
import tinyfm.generation.Sampling;
import tinyfm.model.Gpt;
import tinyfm.model.GptConfig;
import tinyfm.tokenizer.Tokenizer;
import tinyfm.tokenizer.Tokenizers;

/** Pretraining on the tiny preset and a tiny corpus the test writes itself. */
class PretrainerTest {
    static Corpus corpus;
    static Tokenizer tokenizer;
    static GptConfig model;

    @BeforeAll
    static void setUp(@TempDir Path dir) throws Exception {
        corpus = Corpus.load(TestData.corpus(dir, 3000).toString());
        tokenizer = Tokenizers.train("bpe", corpus.split().train(), 300);
        model = new GptConfig(tokenizer.vocabSize(), 16, 2, 2, 32, 0.0);
    }

    static TrainingConfig training(int steps) {
        return new TrainingConfig(8, steps, 3e-3, 3e-4, 10, 0.1, 0.9, 0.99, 1.0, 20, 16, 10, 5);
    }

    static Pretrainer.Result train(int steps, Path checkpoint, boolean resume, int stopAfter) {
        AtomicBoolean stop = new AtomicBoolean();
        Pretrainer.Listener stopper = new Pretrainer.Listener() {
            @Override
            public void stepped(int step, double loss, double lr, double tps) {
                if (step == stopAfter) {
                    stop.set(true);
                }
            }
        };
        return new Pretrainer(corpus, tokenizer, model, training(steps), checkpoint, stopper).run(resume, null, stop);
    }

    @Test
    void trainingFromTheMappedTokenCacheIsTrainingFromTokensEncodedInMemoryToTheLastBit(@TempDir Path cache) {
        Pretrainer.Result inMemory = new Pretrainer(corpus, tokenizer, model, training(30), null, new Pretrainer.Listener() {}).run();
        TokenData.Cached mapped = TokenData.cached(corpus, tokenizer, model.contextLength(), cache);
        assertTrue(mapped.data().train() instanceof TokenData.Mapped);
        Pretrainer.Result fromCache = new Pretrainer(corpus, tokenizer, model, training(30), null, new Pretrainer.Listener() {})
                .withData(mapped.data()).run();
        assertEquals(inMemory.base().weights(), fromCache.base().weights(), "the same first steps, the same weights");
        java.util.function.Function<Pretrainer.Result, List<List<Double>>> losses = r -> r.curve().stream()
                .map(p -> List.of((double) p.step(), p.trainLoss(), p.validationLoss())).toList();
        assertEquals(losses.apply(inMemory), losses.apply(fromCache), "the same losses at the same steps (the seconds differ)");
    }

    @Test
    void lossFallsOnALearnableCorpus() {
        Pretrainer.Result r = train(120, null, false, -1);
        List<Pretrainer.Point> curve = r.curve();
        double first = curve.get(0).validationLoss(), last = curve.get(curve.size() - 1).validationLoss();
        assertTrue(last < first - 0.5, "validation loss went from " + first + " to " + last);
        assertTrue(last < Math.log(tokenizer.vocabSize()) - 2, "should be far below uniform guessing: " + last);
        assertTrue(r.completed());
    }

    @Test
    void savedBaseReloadsToIdenticalLogits(@TempDir Path dir) {
        Pretrainer.Result r = train(20, null, false, -1);
        Path file = dir.resolve("tiny.tfm");
        r.base().save(file);
        Gpt reloaded = Bases.loadLanguageModel(file);
        int[] x = tokenizer.encode("The dog ran to the river. The cat");
        int[] window = java.util.Arrays.copyOf(x, model.contextLength());
        INDArray before = r.model().logits(window, 1, window.length).dup();
        INDArray after = reloaded.logits(window, 1, window.length).dup();
        assertEquals(before, after);
        ModelFile loaded = ModelFile.load(file);
        assertEquals(ModelFile.Kind.BASE, loaded.kind());
        assertEquals(20, loaded.provenance().get("steps").getAsInt());
        assertEquals(corpus.name(), loaded.provenance().get("corpus").getAsString());
    }

    @Test
    void resumeContinuesExactlyLikeAnUninterruptedRun(@TempDir Path dir) {
        Pretrainer.Result straight = train(40, null, false, -1);
        Path ckpt = dir.resolve("run.ckpt");
        Pretrainer.Result stopped = train(40, ckpt, false, 17);
        assertEquals(17, stopped.steps());
        Pretrainer.Result resumed = train(40, ckpt, true, -1);
        assertEquals(40, resumed.steps());
        INDArray a = straight.model().parameters().values(), b = resumed.model().parameters().values();
        assertEquals(0.0, a.sub(b).norm1Number().doubleValue(), 1e-6 * a.norm1Number().doubleValue());
        double la = straight.curve().get(straight.curve().size() - 1).validationLoss();
        double lb = resumed.curve().get(resumed.curve().size() - 1).validationLoss();
        assertEquals(la, lb, 1e-5);
    }

    @Test
    void probesAtLogSpacedStepsSurviveAResumeAndLeaveTrainingUnchanged(@TempDir Path dir) throws Exception {
        assertEquals(List.of(0, 50, 71, 100, 141, 200, 250), ReadingProbes.schedule(250));
        assertEquals(List.of(0, 40), ReadingProbes.schedule(40));
        tinyfm.data.Task task = tinyfm.data.Task.load(TestData.task(dir, "t", List.of("good", "bad"), 12).toString());
        ReadingProbes probes = new ReadingProbes(List.of(task), 8, 2);
        Pretrainer.Result plain = train(60, null, false, -1);
        Path ckpt = dir.resolve("run.ckpt");
        new Pretrainer(corpus, tokenizer, model, training(60), ckpt, stopAt(55)).withProbes(probes).run(false, null, stop);
        stop.set(false);
        Pretrainer.Result probed = new Pretrainer(corpus, tokenizer, model, training(60), ckpt, new Pretrainer.Listener() {})
                .withProbes(probes).run(true, null, stop);

        assertEquals(plain.model().parameters().values(), probed.model().parameters().values(), "probing must not change training");
        assertEquals(List.of(0, 50, 60), probed.probes().stream().map(ReadingProbes.Point::step).toList(), "0 and 50 from the checkpoint");
        for (ReadingProbes.Point p : probed.probes()) {
            assertEquals(2, p.accuracies().length);
            assertEquals(0.5, p.chance(), 1e-9);
            assertEquals((long) p.step() * 8 * model.contextLength(), p.tokensSeen());
        }
        assertEquals(3, probed.base().provenance().getAsJsonArray("reading_probes").size());
        var reading = tinyfm.report.ReadingChart.of(probed.base().provenance(), "x.tfm");
        var names = tinyfm.report.ReadingChart.probeChart(reading).getSeriesMap().keySet();
        assertTrue(names.stream().anyMatch(n -> n.startsWith("t probe (8 labels, 2 seeds; random weights:")), names.toString());
        assertTrue(names.contains("t chance (50%)"), names.toString());
        assertEquals(java.util.Set.of("validation bits per byte"), tinyfm.report.ReadingChart.lossChart(reading).getSeriesMap().keySet(),
                "the loss has its own panel, not a second y-axis");
        var image = tinyfm.report.ReadingChart.image(reading);
        assertEquals(520 + 300, image.getHeight(), "both panels, stacked");
    }

    @Test
    void aContinuedRunProbesOnItsParentsGridAndItsChartStartsWithTheParentsCurve(@TempDir Path dir) throws Exception {
        assertEquals(List.of(0, 21, 50, 60), ReadingProbes.schedule(60, 50), "the whole reading on 50, 71, 100, 141, ...");
        tinyfm.data.Task task = tinyfm.data.Task.load(TestData.task(dir, "t", List.of("good", "bad"), 12).toString());
        ReadingProbes probes = new ReadingProbes(List.of(task), 8, 2);
        Pretrainer.Result parent = new Pretrainer(corpus, tokenizer, model, training(50), null, new Pretrainer.Listener() {})
                .withProbes(probes).run();
        Pretrainer.Result child = new Pretrainer(corpus, tokenizer, model, training(60), null, new Pretrainer.Listener() {})
                .continueFrom(parent.base(), "parent-sha").withProbes(probes).run();

        long perStep = 8L * model.contextLength(), before = 50 * perStep;
        assertEquals(List.of(0, 21, 50, 60), child.probes().stream().map(ReadingProbes.Point::step).toList());
        for (ReadingProbes.Point p : child.probes()) {
            assertEquals(before + p.step() * perStep, p.tokensSeen(), "tokens count the parent's reading");
        }
        ReadingProbes.Point parentsLast = parent.probes().get(parent.probes().size() - 1);
        org.junit.jupiter.api.Assertions.assertArrayEquals(parentsLast.accuracies(), child.probes().get(0).accuracies(), 0.0,
                "the continuation starts from the parent's weights, probed the same way");

        var provenance = child.base().provenance();
        tinyfm.report.ReadingChart.Reading reading = tinyfm.report.ReadingChart.of(provenance, "child.tfm");
        assertEquals(List.of(0L, before, before + 21 * perStep, before + 50 * perStep, before + 60 * perStep),
                reading.probes().stream().map(ReadingProbes.Point::tokensSeen).toList(), "the parent's step 0, then the continuation's own");
        assertEquals(java.util.OptionalLong.of(before), reading.continuedAt());
        // the parent's validations (every 20 steps) at their own tokens, then the child's after the parent's 50 steps
        List<Double> lossTokens = reading.losses().stream().map(l -> l.millionTokens() * 1e6).toList();
        List<Double> expected = java.util.stream.Stream.concat(java.util.stream.Stream.of(20, 40, 50).map(s -> (double) s * perStep),
                java.util.stream.Stream.of(20, 40, 60).map(s -> (double) before + s * perStep)).toList();
        assertEquals(expected.size(), lossTokens.size(), lossTokens.toString());
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i), lossTokens.get(i), 1e-3, lossTokens.toString());
        }
        var names = tinyfm.report.ReadingChart.probeChart(reading).getSeriesMap().keySet();
        assertTrue(names.stream().anyMatch(n -> n.startsWith("continued by adapt from here")), names.toString());
        assertTrue(names.contains("t chance (50%)"), names.toString());
        var losses = tinyfm.report.ReadingChart.lossChart(reading).getSeriesMap().keySet();
        assertTrue(losses.contains("validation bits per byte"), "one loss line: the same text throughout " + losses);
    }

    @Test
    void aContinuedRunWithProbesResumesExactlyAndRefusesOtherProbes(@TempDir Path dir) throws Exception {
        tinyfm.data.Task task = tinyfm.data.Task.load(TestData.task(dir, "t", List.of("good", "bad"), 12).toString());
        ReadingProbes probes = new ReadingProbes(List.of(task), 8, 2);
        ModelFile parent = new Pretrainer(corpus, tokenizer, model, training(50), null, new Pretrainer.Listener() {}).withProbes(probes).run().base();
        Pretrainer.Result straight = new Pretrainer(corpus, tokenizer, model, training(60), null, new Pretrainer.Listener() {})
                .continueFrom(parent, "parent-sha").withProbes(probes).run();
        Path ckpt = dir.resolve("child.ckpt");
        new Pretrainer(corpus, tokenizer, model, training(60), ckpt, stopAt(30)).continueFrom(parent, "parent-sha").withProbes(probes)
                .run(false, null, stop);
        stop.set(false);

        ReadingProbes other = new ReadingProbes(List.of(task), 4, 2);
        var refused = org.junit.jupiter.api.Assertions.assertThrows(tinyfm.util.UserError.class, () -> new Pretrainer(corpus, tokenizer, model,
                training(60), ckpt, new Pretrainer.Listener() {}).continueFrom(parent, "parent-sha").withProbes(other).run(true, null, stop));
        assertTrue(refused.getMessage().contains("same --probe options"), refused.getMessage());
        refused = org.junit.jupiter.api.Assertions.assertThrows(tinyfm.util.UserError.class, () -> new Pretrainer(corpus, tokenizer, model,
                training(60), ckpt, new Pretrainer.Listener() {}).continueFrom(parent, "another-sha").withProbes(probes).run(true, null, stop));
        assertTrue(refused.getMessage().contains("same --base"), refused.getMessage());

        Pretrainer.Result resumed = new Pretrainer(corpus, tokenizer, model, training(60), ckpt, new Pretrainer.Listener() {})
                .continueFrom(parent, "parent-sha").withProbes(probes).run(true, null, stop);
        assertEquals(straight.model().parameters().values(), resumed.model().parameters().values(), "resumed = uninterrupted");
        assertEquals(straight.probes().stream().map(ReadingProbes.Point::tokensSeen).toList(),
                resumed.probes().stream().map(ReadingProbes.Point::tokensSeen).toList());
        for (int i = 0; i < straight.probes().size(); i++) {
            org.junit.jupiter.api.Assertions.assertArrayEquals(straight.probes().get(i).accuracies(), resumed.probes().get(i).accuracies(), 0.0);
        }
    }

    @Test
    void theReadingTableKeepsEachTaskInItsColumn() {
        ReadingProbes.Point a = new ReadingProbes.Point(0, 0, "a", 8, new double[] {0.5}, 0.5, 0.5);
        ReadingProbes.Point b = new ReadingProbes.Point(0, 0, "b", 8, new double[] {0.25}, 0.25, 0.5);
        ReadingProbes.Point laterB = new ReadingProbes.Point(10, 1000, "b", 8, new double[] {0.75}, 0.75, 0.5);
        ReadingProbes.Point laterA = new ReadingProbes.Point(10, 1000, "a", 8, new double[] {0.6}, 0.6, 0.5);
        ReadingProbes.Point onlyB = new ReadingProbes.Point(20, 2000, "b", 8, new double[] {0.8}, 0.8, 0.5);
        String table = tinyfm.report.ReadingChart.table(new tinyfm.report.ReadingChart.Reading(List.of(a, b, laterB, laterA, onlyB), List.of(),
                java.util.OptionalLong.empty()));
        assertEquals("""
                | tokens read | a | b |
                |---:|---:|---:|
                | 0 | 50.0% | 25.0% |
                | 1,000 | 60.0% | 75.0% |
                | 2,000 | – | 80.0% |
                """, table);
    }

    private final AtomicBoolean stop = new AtomicBoolean();

    private Pretrainer.Listener stopAt(int at) {
        return new Pretrainer.Listener() {
            @Override
            public void stepped(int step, double loss, double lr, double tps) {
                if (step == at) {
                    stop.set(true);
                }
            }
        };
    }

    @Test
    void sameSeedGivesIdenticalWeights() {
        INDArray a = train(15, null, false, -1).model().parameters().values();
        INDArray b = train(15, null, false, -1).model().parameters().values();
        assertEquals(a, b);
    }

    @Test
    void generationIsDeterministicForASeed() {
        Gpt gpt = train(30, null, false, -1).model();
        Generator g = new Generator(gpt, tokenizer);
        String a = g.generate("The cat", 30, new Sampling(1.0, 20, 9), s -> {});
        String b = g.generate("The cat", 30, new Sampling(1.0, 20, 9), s -> {});
        String c = g.generate("The cat", 30, new Sampling(1.0, 20, 10), s -> {});
        assertEquals(a, b);
        assertTrue(!a.equals(c), "another seed should give other text");
        StringBuilder streamed = new StringBuilder();
        String d = g.generate("The cat", 30, new Sampling(1.0, 20, 9), streamed::append);
        assertEquals(a, d);
        assertEquals(a, streamed.toString());
        // longer than the context window: the decoder slides and keeps going
        assertTrue(g.generate("", 50, new Sampling(0, 0, 1), s -> {}).length() > 0);
    }
}
