package tinyfm.comparison;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

    @Test
    void compareOnATinyGridWritesEveryFileAndValidCharts() throws Exception {
        String corpus = dir.resolve("corpus.txt").toString();
        Files.writeString(Path.of(corpus), TestData.corpusText(2000, 3) + " It was red. It was blue.");
        Path base = dir.resolve("tiny.tfm");
        assertEquals(0, CliTest.run("pretrain", "--corpus", corpus, "--preset", "tiny", "--steps", "20", "--vocab", "300", "--out", base.toString()).code());
        Path task = TestData.task(dir, "colours", List.of("red", "blue"), 12);
        Path out = dir.resolve("results");
        CliTest.Run r = CliTest.run("compare", "--base", base.toString(), "--tasks", task.toString(), "--labels", "8,all", "--seeds", "2",
                "--epochs", "1", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("| colours | 8 |"), r.out());
        for (String f : List.of("results.json", "results.csv", "report.md", "time.png", "time.svg",
                "learning-curves-colours.png", "learning-curves-colours.svg", "data-efficiency-colours.png", "data-efficiency-colours.svg")) {
            assertTrue(Files.size(out.resolve(f)) > 100, f + " written");
        }
        byte[] png = Files.readAllBytes(out.resolve("time.png"));
        assertEquals((byte) 0x89, png[0]);
        assertEquals("PNG", new String(png, 1, 3, java.nio.charset.StandardCharsets.US_ASCII));
        assertTrue(Files.readString(out.resolve("data-efficiency-colours.svg")).contains("<svg"));
        List<String> csv = Files.readAllLines(out.resolve("results.csv"));
        assertEquals(1 + 2 * 2 * 4, csv.size(), "header + labels × seeds × methods");
        String report = Files.readString(out.resolve("report.md"));
        assertTrue(report.contains("## Does pretraining pay back?"));
        assertTrue(report.contains("identical architecture with the same tokenizer"));
    }

    @Test
    void timeToTargetIsTheFirstPointReachingScratchsBest() {
        List<FineTuner.Point> scratch = List.of(new FineTuner.Point(1, 10, 0.6, 0.70), new FineTuner.Point(2, 20, 0.5, 0.80));
        List<FineTuner.Point> pre = List.of(new FineTuner.Point(1, 4, 0.5, 0.81), new FineTuner.Point(2, 8, 0.4, 0.85));
        List<FineTuner.Point> slow = List.of(new FineTuner.Point(1, 5, 0.5, 0.75));
        List<Run> cell = Comparison.withTimeToTarget(List.of(
                run(Method.PRETRAINED_FULL, 0.85, pre), run(Method.PRETRAINED_HEAD, 0.75, slow), run(Method.SCRATCH, 0.80, scratch),
                run(Method.BAG_OF_WORDS, 0.9, List.of())));
        assertEquals(4.0, cell.get(0).secondsToTarget());
        assertTrue(Double.isNaN(cell.get(1).secondsToTarget()), "never reached");
        assertEquals(20.0, cell.get(2).secondsToTarget());
        assertTrue(Double.isNaN(cell.get(3).secondsToTarget()));
    }

    private static Run run(Method m, double val, List<FineTuner.Point> curve) {
        return new Run("t", "all", 10, 1, m, 2, val, val, val, 1, Double.NaN, curve);
    }

    @Test
    void bagOfWordsLearnsWordsThatGiveTheLabelAway() throws Exception {
        Task t = Task.load(TestData.task(dir, "words", List.of("red", "blue"), 30).toString());
        BagOfWords bow = new BagOfWords(t.labels());
        bow.train(t.train(), 1);
        assertEquals(1.0, bow.evaluate(t.test()).accuracy(), 1e-12);
    }
}
