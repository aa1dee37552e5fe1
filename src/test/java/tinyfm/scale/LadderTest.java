package tinyfm.scale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tinyfm.TestData;
import tinyfm.data.Corpus;
import tinyfm.tokenizer.Tokenizer;
import tinyfm.tokenizer.Tokenizers;

/** A two-by-two ladder on tiny data: every rung measured, compute growing along it, the report and charts written. */
class LadderTest {
    @TempDir
    Path dir;

    @Test
    void aSmallLadderMeasuresEveryRungAndFitsAPowerLaw() throws Exception {
        Path corpusFile = TestData.corpus(dir, 3000);
        Corpus corpus = Corpus.load(corpusFile.toString());
        Tokenizer tokenizer = Tokenizers.train("bpe", corpus.split().train(), 300);
        Path task = TestData.task(dir, "colours", List.of("red", "blue"), 8);
        Ladder.Plan plan = new Ladder.Plan(List.of(new Ladder.Size("a", 1, 2, 16), new Ladder.Size("b", 1, 2, 32)), List.of(10, 40),
                List.of(task.toString()), 8, 2, 1);
        List<String> steps = new ArrayList<>();
        List<Ladder.Rung> rungs = new Ladder(corpus, tokenizer, plan).run(steps::add, r -> {});
        assertEquals(4, rungs.size());
        assertEquals(4 * 2, steps.size(), "pretraining and fine-tuning announced for every rung");
        for (Ladder.Rung r : rungs) {
            assertTrue(Double.isFinite(r.validationBitsPerByte()) && r.trainingFlops() > 0, r.toString());
            double zero = r.zeroShot("colours").accuracy();
            assertTrue(zero >= 0 && zero <= 1, r.toString());
            assertEquals(2, r.transfer("colours").fineTuned().size(), "a fine-tuned run per seed");
            assertEquals(2, r.transfer("colours").gain().n(), "a paired difference over both seeds");
        }
        assertTrue(rungs.get(1).trainingFlops() > rungs.get(0).trainingFlops(), "more steps, more compute");
        assertTrue(rungs.get(1).validationBitsPerByte() < rungs.get(0).validationBitsPerByte(), "more pretraining, lower loss: " + rungs);
        assertEquals(rungs.get(0).transfer("colours").scratch(), rungs.get(1).transfer("colours").scratch(), "scratch is trained once per size");

        List<String> charts = ScaleReport.write(dir, rungs, "tinyfm scale (test)", "this machine");
        for (String chart : charts) {
            assertTrue(Files.size(dir.resolve(chart + ".png")) > 1000, chart);
        }
        assertTrue(Files.readString(dir.resolve("report.md")).contains("Fitted power law"));
        assertEquals(5, Files.readAllLines(dir.resolve("ladder.csv")).size());
    }

    @Test
    void powerLawFitRecoversAKnownSlope() {
        List<Double> x = List.of(1e9, 1e10, 1e11, 1e12), y = x.stream().map(c -> 7 * Math.pow(c, -0.05)).toList();
        double[] fit = Ladder.powerLaw(x, y);
        assertEquals(-0.05, fit[0], 1e-9);
        assertEquals(7, fit[1], 1e-6);
    }
}
