package tinyfm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tinyfm.TestData;

/** Output a user can pipe, in a real process: results on stdout, everything else on stderr. */
class PipingTest {
    @TempDir
    static Path dir;
    static Path corpus, task, base, model;

    @BeforeAll
    static void baseAndModel() throws Exception {
        corpus = TestData.corpus(dir, 2000);
        task = TestData.task(dir, "colours", List.of("red", "blue"), 12);
        base = dir.resolve("b.tfm");
        model = dir.resolve("m.tfm");
        assertEquals(0, CliTest.run("pretrain", "--corpus", corpus.toString(), "--preset", "tiny", "--steps", "10", "--vocab", "300",
                "--out", base.toString()).code());
        assertEquals(0, CliTest.run("finetune", "--base", base.toString(), "--task", task.toString(), "--epochs", "1", "--out", model.toString()).code());
    }

    @Test
    void pretrainPrintsOnlyItsResultOnStdout() throws Exception {
        HelpTest.Process p = HelpTest.tinyfm("pretrain", "--corpus", corpus.toString(), "--preset", "tiny", "--steps", "10", "--vocab", "300",
                "--out", dir.resolve("again.tfm").toString());
        assertEquals(0, p.code(), p.err());
        List<String> lines = p.out().lines().toList();
        assertEquals(3, lines.size(), "three result lines:\n" + p.out());
        assertTrue(lines.get(0).startsWith("Saved the base to ") && lines.get(1).startsWith("Steps 10 ")
                && lines.get(2).startsWith("Validation loss "), p.out());
        assertTrue(p.err().contains("Pretraining (self-supervised)") && p.err().contains("Next, prompt the base"),
                "the intro and the hint go to stderr:\n" + p.err());
    }
}
