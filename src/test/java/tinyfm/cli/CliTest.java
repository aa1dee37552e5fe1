package tinyfm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tinyfm.TestData;

/** The real CLI entry point: output, exit codes, and one-line errors. */
public class CliTest {
    public record Run(int code, String out, String err) {}

    public static Run run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    @TempDir
    Path dir;

    @Test
    void onlyAUserErrorIsReportedAsTheUsersMistake() {
        StringWriter user = new StringWriter(), bug = new StringWriter();
        assertEquals(1, Main.reportError(new tinyfm.util.UserError("corpus.txt: corpus is empty"), new PrintWriter(user), false));
        assertEquals(1, Main.reportError(new IllegalArgumentException("gemm shapes do not match"), new PrintWriter(bug), false));
        assertEquals("tinyfm: error: corpus.txt: corpus is empty", user.toString().strip());
        assertTrue(bug.toString().startsWith("tinyfm: internal error: java.lang.IllegalArgumentException: gemm shapes do not match"), bug.toString());
    }

    @Test
    void everySubcommandAnswersHelpWithExitZero() {
        var subcommands = Main.commandLine().getSubcommands();
        assertTrue(subcommands.size() >= 12, "the command tree lists " + subcommands.keySet());
        for (var entry : subcommands.entrySet()) {
            for (String flag : new String[] {"--help", "-h"}) {
                Run r = run(entry.getKey(), flag);
                assertEquals(0, r.code(), entry.getKey() + " " + flag + ": " + r.err());
                assertTrue(r.out().contains("Usage: tinyfm " + entry.getKey()), entry.getKey() + " " + flag + " printed " + r.out());
                assertEquals("", r.err(), entry.getKey() + " " + flag);
            }
        }
    }

    @Test
    void everySummaryInTheCommandListIsAWholeSentence() {
        for (var entry : Main.commandLine().getSubcommands().entrySet()) {
            var usage = entry.getValue().getCommandSpec().usageMessage();
            // picocli's command list shows the header if there is one, else the description's first line
            String[] lines = usage.header().length > 0 ? usage.header() : usage.description();
            String summary = lines.length == 0 ? "" : lines[0].strip();
            assertTrue(summary.endsWith(".") && Character.isUpperCase(summary.charAt(0)),
                    entry.getKey() + "'s summary is not a whole sentence: '" + summary + "'");
        }
    }

    @Test
    void helpListsTheCommands() {
        Run r = run("--help");
        assertEquals(0, r.code());
        for (String cmd : new String[] {"datasets", "tokenize", "train-tokenizer", "pretrain", "generate", "inspect"}) {
            assertTrue(r.out().contains(cmd), "help mentions " + cmd);
        }
        assertTrue(run("--version").out().startsWith("tinyfm "));
    }

    @Test
    void usageErrorsExitWithTwo() {
        Run r = run("--no-such-option");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("tinyfm: error: unknown option"), r.err());
        Run notANumber = run("pretrain", "--steps", "many");
        assertEquals(2, notANumber.code());
        assertTrue(notANumber.err().contains("'many' is not a whole number"), "a user's words, not Java's: " + notANumber.err());
        String base = tinyfm.util.Home.dir().resolve("datasets/pretrained/small-broad.tfm").toString();
        for (String[] bad : new String[][] {{"generate", "--base", base, "--temperature", "-1"}, {"classify", "--base", base, "--text", "hi"},
                {"classify", "--base", base, "--task", "sentiment", "--label-words", "foo"}}) { // option values checked after parsing
            Run r2 = run(bad);
            assertEquals(2, r2.code(), String.join(" ", bad) + ": " + r2.err());
            assertTrue(r2.err().contains("--help"), r2.err());
        }
    }

    @Test
    void datasetsListsCountsAndVerifiesChecksums() {
        Run r = run("datasets");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("books"));
        assertTrue(r.out().contains("broad-xl   "), "the corpus datasets/prepare builds is listed, built or not: " + r.out());
        assertTrue(r.out().contains("train 2,100 examples {negative=1050, positive=1050}"), r.out());
        assertTrue(r.out().contains("Checksums: all 34 files match"), r.out());
    }

    @Test
    void errorsAreOneLineWithoutTraceUnlessVerbose() {
        Run r = run("tokenize", "--tokenizer", dir.resolve("nope.json").toString(), "--text", "hi");
        assertEquals(1, r.code());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("nope.json: tokenizer file not found"));
        Run verbose = run("--verbose", "tokenize", "--tokenizer", dir.resolve("nope.json").toString(), "--text", "hi");
        assertTrue(verbose.err().contains("at tinyfm."), "verbose shows the trace");
    }

    @Test
    void tokenizeShowsIdsAndPieces() {
        Path tok = dir.resolve("tok.json");
        Path corpus = dir.resolve("c.txt");
        assertEquals(0, run("train-tokenizer", "--corpus", write(corpus, TestData.corpusText(300, 1)), "--vocab", "300", "--out", tok.toString()).code());
        Run r = run("tokenize", "--tokenizer", tok.toString(), "--text", "The cat sat");
        assertEquals(0, r.code(), r.err());
        String pieces = r.out().lines().skip(1).findFirst().orElseThrow();
        assertTrue(pieces.startsWith("[The]"), pieces);
        assertEquals("The·cat·sat", pieces.replace("[", "").replace("]", ""));
        assertTrue(r.out().contains("decode(encode(text)) == text: true"));
    }

    @Test
    void pretrainGenerateAndInspectWorkEndToEnd() {
        String corpus = write(dir.resolve("corpus.txt"), TestData.corpusText(2000, 3));
        Path base = dir.resolve("tiny.tfm");
        Run p = run("pretrain", "--corpus", corpus, "--preset", "tiny", "--steps", "30", "--vocab", "300", "--out", base.toString(),
                "--weight-decay", "0.05", "--warmup-steps", "3", "--min-lr", "1e-4", "--clip", "0.5");
        assertEquals(0, p.code(), p.err());
        var training = tinyfm.base.ModelFile.load(base).provenance().getAsJsonObject("training");
        assertEquals(List.of(0.05, 3.0, 1e-4, 0.5), List.of(training.get("weightDecay").getAsDouble(), training.get("warmupSteps").getAsDouble(),
                training.get("minLearningRate").getAsDouble(), training.get("gradClip").getAsDouble()), "the optimiser options reach the run");
        assertTrue(p.out().contains("Saved the base to"), p.out());
        assertTrue(p.out().contains("bits per byte"));
        assertTrue(Files.exists(base));
        Run again = run("pretrain", "--corpus", corpus, "--preset", "tiny", "--steps", "30", "--out", base.toString());
        assertEquals(1, again.code());
        assertTrue(again.err().contains("already exists; add --force"));

        Run g = run("generate", "--base", base.toString(), "--prompt", "The cat", "--tokens", "20", "--seed", "3");
        assertEquals(0, g.code(), g.err());
        assertTrue(g.out().startsWith("The cat"));
        assertFalse(g.out().contains("tokens/s"), "the timing line belongs on stderr: " + g.out());
        assertTrue(g.err().startsWith("[20 tokens in "), g.err());
        assertEquals(g.out(), run("generate", "--base", base.toString(), "--prompt", "The cat", "--tokens", "20", "--seed", "3").out());

        Run i = run("inspect", base.toString());
        assertEquals(0, i.code(), i.err());
        assertTrue(i.out().contains("base (format tinyfm-model v1), checksums OK"));
        assertTrue(i.out().contains("corpus_sha256"));
        assertTrue(i.out().lines().anyMatch(l -> l.matches("  train_tokens +[0-9]{1,3}(,[0-9]{3})*")), "counts are grouped: " + i.out());
        assertTrue(i.out().lines().noneMatch(l -> l.matches(".*(?<![:\\d])\\d+\\.\\d{7,}.*")), "no float printed to the last bit (a time of day may have many): " + i.out());
        try { // each source file with the sha256 that sha256sum prints for it
            assertTrue(i.out().contains(tinyfm.util.Sha256.of(Path.of(corpus)) + "  corpus.txt"), i.out());
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        assertTrue(i.out().contains("block.0.attention.qkv.weight"));

        Run own = run("tokenize", "--tokenizer", base.toString(), "--text", "The cat"); // a base's own tokenizer
        assertEquals(0, own.code(), own.err());
        assertTrue(own.out().contains("(bpe tokenizer, vocabulary 300)"), own.out());

        Run bad = run("generate", "--base", base.toString(), "--temperature", "-1");
        assertEquals(2, bad.code(), "a bad option value is a usage error");
        assertTrue(bad.err().contains("--temperature"));
        assertFalse(bad.err().contains("Exception"));
    }

    @Test
    void finetuneEvaluateAndClassifyWorkEndToEnd() throws Exception {
        String corpus = write(dir.resolve("corpus.txt"), TestData.corpusText(2000, 3) + " It was red. It was blue.");
        Path base = dir.resolve("tiny.tfm");
        assertEquals(0, run("pretrain", "--corpus", corpus, "--preset", "tiny", "--steps", "20", "--vocab", "300", "--out", base.toString()).code());
        Path task = TestData.task(dir, "colours", java.util.List.of("red", "blue"), 16);
        Path model = dir.resolve("colours.tfm");
        Run f = run("finetune", "--base", base.toString(), "--task", task.toString(), "--out", model.toString(), "--epochs", "2", "--mode", "head", "--labels", "all");
        assertEquals(0, f.code(), f.err());
        assertTrue(f.out().contains("Best at epoch"), f.out());

        Path cut = dir.resolve("cut.tfm");
        Run shorter = run("finetune", "--base", base.toString(), "--task", task.toString(), "--out", cut.toString(), "--epochs", "1",
                "--mode", "head", "--max-length", "8", "--batch", "4", "--warmup-fraction", "0.1", "--weight-decay", "0");
        assertEquals(0, shorter.code(), shorter.err());
        var provenance = tinyfm.base.ModelFile.load(cut).provenance();
        assertEquals("first 7 tokens of each text, then <|endoftext|>", provenance.get("truncation").getAsString());
        assertEquals(4, provenance.getAsJsonObject("finetune").get("batchSize").getAsInt());
        Run tooLong = run("finetune", "--base", base.toString(), "--task", task.toString(), "--out", dir.resolve("long.tfm").toString(),
                "--max-length", "1000");
        assertEquals(2, tooLong.code(), tooLong.err());
        assertTrue(tooLong.err().contains("--max-length 1000 is longer than the base's context of 32 tokens"), tooLong.err());

        Run e = run("evaluate", "--model", model.toString(), "--task", task.toString());
        assertEquals(0, e.code(), e.err());
        assertTrue(e.out().contains("accuracy") && e.out().contains("macro-F1") && e.out().contains("true\\pred"), e.out());

        Run c = run("classify", "--model", model.toString(), "--text", "The cat sat on the mat. It was red.");
        assertEquals(0, c.code(), c.err());
        assertTrue(c.out().startsWith("red") || c.out().startsWith("blue"), c.out());

        Run mixed = run("classify", "--model", model.toString(), "--shots", "2", "--calibrate", "--text", "x");
        assertEquals(2, mixed.code());
        assertTrue(mixed.err().contains("--shots, --calibrate: for prompting a base"), mixed.err());

        Run wrong = run("generate", "--base", model.toString());
        assertEquals(1, wrong.code());
        assertTrue(wrong.err().contains("is a fine-tuned classifier, not a base"), wrong.err());
        Run reverse = run("classify", "--model", base.toString(), "--text", "x");
        assertEquals(1, reverse.code());
        assertTrue(reverse.err().contains("is a pretrained base, not a fine-tuned model"), reverse.err());
    }

    private static String write(Path p, String text) {
        try {
            Files.writeString(p, text);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        return p.toString();
    }
}
