package tinyfm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tinyfm.TestData;

/**
 * The CLI as a shell sees it, in a real process: results on stdout and everything else on stderr,
 * JSON on request, and exit codes.
 */
class ShellTest {
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
        assertTrue(p.err().contains("Tokenizer: reused from cache bases/.tokenizers/bpe-300-"), "trained once for this corpus:\n" + p.err());
        assertEquals(tinyfm.base.ModelFile.load(base).tokenizer().toJson(), tinyfm.base.ModelFile.load(dir.resolve("again.tfm")).tokenizer().toJson());
    }

    @Test
    void evaluateInspectAndClassifyPrintJsonOnRequest() throws Exception {
        HelpTest.Process e = HelpTest.tinyfm("evaluate", "--model", model.toString(), "--task", task.toString(), "--json");
        assertEquals(0, e.code(), e.err());
        JsonObject scores = JsonParser.parseString(e.out()).getAsJsonObject();
        assertEquals("test", scores.get("split").getAsString());
        assertEquals(List.of("blue", "red"), List.of(scores.getAsJsonArray("labels").get(0).getAsString(), scores.getAsJsonArray("labels").get(1).getAsString()));
        long counted = 0;
        for (var row : scores.getAsJsonArray("confusion")) {
            for (var v : row.getAsJsonArray()) {
                counted += v.getAsLong();
            }
        }
        assertEquals(scores.get("examples").getAsLong(), counted, "the confusion matrix counts every example");

        HelpTest.Process i = HelpTest.tinyfm("inspect", base.toString(), "--json");
        assertEquals(0, i.code(), i.err());
        JsonObject inspected = JsonParser.parseString(i.out()).getAsJsonObject();
        JsonObject shape = inspected.getAsJsonObject("model");
        assertEquals(2, shape.get("layers").getAsInt());
        assertEquals(32, shape.get("embedding_width").getAsInt());
        assertEquals(shape.get("parameters").getAsLong(), inspected.getAsJsonObject("parameters").get("total").getAsLong());
        assertTrue(inspected.getAsJsonObject("provenance").has("corpus_sha256"), i.out());
        tinyfm.base.ModelFile loaded = tinyfm.base.ModelFile.load(base);
        assertEquals(loaded.config().trainingFlopsPerToken() * inspected.getAsJsonObject("provenance").get("tokens_seen").getAsDouble(),
                inspected.get("training_flops").getAsDouble(), 1e-6, "the compute pretraining spent, as the ladder counts it");

        HelpTest.Process c = HelpTest.tinyfmWithInput("The cat sat. It was red.\nA dog ran. It was blue.\n", "classify", "--model", model.toString(), "--json");
        assertEquals(0, c.code(), c.err());
        List<String> lines = c.out().lines().toList();
        assertEquals(2, lines.size(), c.out());
        for (int n = 1; n <= 2; n++) {
            JsonObject one = JsonParser.parseString(lines.get(n - 1)).getAsJsonObject();
            assertEquals(n, one.get("line").getAsInt());
            double sum = one.getAsJsonObject("probabilities").get("red").getAsDouble() + one.getAsJsonObject("probabilities").get("blue").getAsDouble();
            assertEquals(1, sum, 1e-6);
        }
    }

    @Test
    void classifyGivesOneLineForEachLineOfStdinWithItsNumber() throws Exception {
        String longText = "The old man walked past the garden and looked at the river for a long time. It was red.";
        HelpTest.Process c = HelpTest.tinyfmWithInput("A dog ran. It was blue.\n\n" + longText + "\n", "classify", "--model", model.toString());
        assertEquals(0, c.code(), c.err());
        List<String> lines = c.out().lines().toList();
        assertEquals(3, lines.size(), "one output line per input line, the blank one included:\n" + c.out());
        String[] first = lines.get(0).split("\t", 4), blank = lines.get(1).split("\t", 4), third = lines.get(2).split("\t", 4);
        assertEquals("1", first[0]);
        assertTrue(List.of("red", "blue").contains(first[1]) && Double.parseDouble(first[2]) >= 0.5, lines.get(0));
        assertEquals("A dog ran. It was blue.", first[3]);
        assertEquals(List.of("2", "-", "-", ""), List.of(blank), "a blank line is reported, not dropped");
        assertEquals(List.of("3", longText), List.of(third[0], third[3]), "the whole text, not cut");
        assertTrue(c.err().contains("Skipped 1 blank line: [2]"), c.err());

        HelpTest.Process empty = HelpTest.tinyfm("classify", "--model", model.toString(), "--text", "");
        assertEquals(2, empty.code(), empty.err());
        assertTrue(empty.err().contains("--text is empty"), empty.err());
    }

    @Test
    void badOptionValuesExitTwoAndNameTheOption() throws Exception {
        String[][] cases = {
            {"--epochs", "finetune", "--base", base.toString(), "--task", task.toString(), "--out", dir.resolve("x.tfm").toString(), "--epochs", "0"},
            {"--lr", "adapt", "--base", base.toString(), "--task", task.toString(), "--out", dir.resolve("y.tfm").toString(), "--lr", "-1"},
            {"--repeats", "bench", "--repeats", "0"}};
        for (String[] c : cases) {
            HelpTest.Process p = HelpTest.tinyfm(java.util.Arrays.copyOfRange(c, 1, c.length));
            assertEquals(2, p.code(), String.join(" ", c) + ": " + p.err());
            assertTrue(p.err().startsWith(Main.ERROR + c[0] + " "), p.err());
            assertTrue(p.err().contains("--help"), "points to the help: " + p.err());
        }
    }
}
