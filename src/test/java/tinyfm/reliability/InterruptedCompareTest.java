package tinyfm.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tinyfm.TestData;
import tinyfm.cli.CliTest;
import tinyfm.comparison.ComparisonJournal;

/** A comparison killed mid-grid keeps its finished cells, and --resume ends with the same table as an uninterrupted run. */
class InterruptedCompareTest {
    @TempDir
    Path dir;

    List<String> compare(Path base, Path task, Path out) {
        return new ArrayList<>(List.of("compare", "--base", base.toString(), "--tasks", task.toString(), "--labels", "4,all",
                "--seeds", "3", "--epochs", "1", "--methods", "full,scratch,bow", "--out", out.toString()));
    }

    /** Test accuracy of every run, by task, labels, seed and method. */
    static Map<String, Double> table(Path out) throws Exception {
        Map<String, Double> table = new TreeMap<>();
        List<String> lines = Files.readAllLines(out.resolve(ComparisonJournal.FILE));
        for (String line : lines.subList(1, lines.size())) {
            for (var run : JsonParser.parseString(line).getAsJsonObject().getAsJsonArray("runs")) {
                JsonObject r = run.getAsJsonObject();
                table.put(r.get("task").getAsString() + "/" + r.get("labels").getAsString() + "/" + r.get("seed").getAsInt() + "/"
                        + r.get("arm").getAsString(), r.get("testAccuracy").getAsDouble());
            }
        }
        return table;
    }

    @Test
    void killedComparisonResumesToTheSameTable() throws Exception {
        Path corpus = TestData.corpus(dir, 1500), base = dir.resolve("base.tfm");
        assertEquals(0, CliTest.run("pretrain", "--corpus", corpus.toString(), "--preset", "tiny", "--steps", "20", "--vocab", "300",
                "--out", base.toString()).code());
        Path task = TestData.task(dir, "colours", List.of("red", "blue"), 10);

        Path straight = dir.resolve("straight");
        CliTest.Run full = CliTest.run(compare(base, task, straight).toArray(String[]::new));
        assertEquals(0, full.code(), full.err());

        Path killed = dir.resolve("killed"), journal = killed.resolve(ComparisonJournal.FILE);
        Process p = CrashAndResumeTest.child(compare(base, task, killed), dir.resolve("killed.log"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!Files.exists(journal) || Files.readAllLines(journal).size() < 3) { // the header and two cells
            assertTrue(p.isAlive(), "the comparison ended before it could be killed: " + Files.readString(dir.resolve("killed.log")));
            assertTrue(System.nanoTime() < deadline, "no cell finished in 120 s");
            Thread.sleep(20);
        }
        p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        int kept = table(killed).size();
        assertTrue(kept >= 6 && kept < 18, kept + " runs kept of 18");

        List<String> resume = compare(base, task, killed);
        resume.add("--resume");
        CliTest.Run r = CliTest.run(resume.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("Resuming: " + kept + " runs already in"), r.err());
        assertEquals(18 - kept, r.err().lines().filter(l -> l.contains(" labels  seed ")).count(), "only the missing runs are trained");
        assertEquals(table(straight), table(killed), "the same test accuracies as the uninterrupted run");
        assertTrue(Files.exists(killed.resolve("report.md")));

        List<String> otherOptions = compare(base, task, killed);
        otherOptions.set(otherOptions.indexOf("3"), "2");
        otherOptions.add("--resume");
        CliTest.Run refused = CliTest.run(otherOptions.toArray(String[]::new));
        assertEquals(1, refused.code());
        assertTrue(refused.err().contains("runs.jsonl: was made by a comparison with other options"), refused.err());
    }
}
