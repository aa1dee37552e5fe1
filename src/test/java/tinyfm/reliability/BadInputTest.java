package tinyfm.reliability;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tinyfm.TestData;
import tinyfm.cli.CliTest;

/**
 * Every kind of wrong input, through the real CLI entry point: one line on stderr that names the
 * file or option and the problem, a non-zero exit, no stack trace, and nothing on disk changed.
 */
class BadInputTest {
    @TempDir
    static Path dir;
    static Path base, model, task, corpus;

    @BeforeAll
    static void makeFiles() throws IOException {
        corpus = dir.resolve("corpus.txt");
        Files.writeString(corpus, TestData.corpusText(1500, 2) + " It was red. It was blue.");
        base = dir.resolve("base.tfm");
        assertEquals(0, CliTest.run("pretrain", "--corpus", corpus.toString(), "--preset", "tiny", "--steps", "5", "--vocab", "300",
                "--out", base.toString()).code());
        task = TestData.task(dir, "colours", List.of("red", "blue"), 8);
        model = dir.resolve("model.tfm");
        assertEquals(0, CliTest.run("finetune", "--base", base.toString(), "--task", task.toString(), "--out", model.toString(),
                "--epochs", "1", "--mode", "head").code());

        Files.writeString(dir.resolve("empty.txt"), "");
        Files.write(dir.resolve("latin1.txt"), "caf\u00e9 cr\u00e8me".getBytes(StandardCharsets.ISO_8859_1));
        Files.write(dir.resolve("binary.txt"), new byte[] {0x7f, 'E', 'L', 'F', 0, 0, 1});
        Files.writeString(dir.resolve("short.txt"), "Too short for a window.");

        Path noVal = TestData.task(dir, "noval", List.of("a", "b"), 4);
        Files.delete(noVal.resolve("val.jsonl"));
        Path badJson = TestData.task(dir, "badjson", List.of("a", "b"), 4);
        Files.writeString(badJson.resolve("train.jsonl"), "{\"text\": \"x\", \"label\": \"a\"}\n{\"text\": \"y\", \"label\": \"b\"}\n{\"text\": oops}\n");
        Path noLabel = TestData.task(dir, "nolabel", List.of("a", "b"), 4);
        Files.writeString(noLabel.resolve("train.jsonl"), "{\"text\": \"x\", \"label\": \"a\"}\n{\"text\": \"y\"}\n");
        Path oneLabel = TestData.task(dir, "onelabel", List.of("a", "b"), 4);
        Files.writeString(oneLabel.resolve("train.jsonl"), "{\"text\": \"x\", \"label\": \"a\"}\n{\"text\": \"y\", \"label\": \"a\"}\n");
        Path unseen = TestData.task(dir, "unseen", List.of("a", "b"), 4);
        Files.writeString(unseen.resolve("test.jsonl"), "{\"text\": \"x\", \"label\": \"z\"}\n");

        byte[] good = Files.readAllBytes(base);
        Files.write(dir.resolve("truncated.tfm"), java.util.Arrays.copyOf(good, good.length / 3));
        Files.writeString(dir.resolve("notabase.tfm"), "just some text, not a model");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(dir.resolve("future.tfm")))) {
            zip.putNextEntry(new ZipEntry("manifest.json"));
            zip.write("{\"format\": \"tinyfm-model\", \"format_version\": 99, \"kind\": \"base\", \"sha256\": {}}".getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        }
        Files.createDirectories(dir.resolve("out"));
    }

    static String p(String name) {
        return dir.resolve(name).toString();
    }

    /** name, expected exit code, expected text in the one-line error, and the command. */
    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("missing corpus", 1, "corpus not found", new String[] {"pretrain", "--corpus", p("nope.txt"), "--preset", "tiny", "--out", p("out/a.tfm")}),
                Arguments.of("empty corpus", 1, "corpus is empty", new String[] {"pretrain", "--corpus", p("empty.txt"), "--preset", "tiny", "--out", p("out/a.tfm")}),
                Arguments.of("non-UTF-8 corpus", 1, "not valid UTF-8", new String[] {"pretrain", "--corpus", p("latin1.txt"), "--preset", "tiny", "--out", p("out/a.tfm")}),
                Arguments.of("binary corpus", 1, "binary file", new String[] {"pretrain", "--corpus", p("binary.txt"), "--preset", "tiny", "--out", p("out/a.tfm")}),
                Arguments.of("corpus smaller than a window", 1, "corpus is too small", new String[] {"pretrain", "--corpus", p("short.txt"), "--preset", "tiny", "--out", p("out/a.tfm")}),
                Arguments.of("missing task folder", 1, "task folder not found", new String[] {"finetune", "--base", p("base.tfm"), "--task", p("nowhere"), "--out", p("out/m.tfm")}),
                Arguments.of("missing split", 1, "val.jsonl: missing", new String[] {"finetune", "--base", p("base.tfm"), "--task", p("noval"), "--out", p("out/m.tfm")}),
                Arguments.of("line that is not JSON", 1, "train.jsonl:3: not valid JSON", new String[] {"finetune", "--base", p("base.tfm"), "--task", p("badjson"), "--out", p("out/m.tfm")}),
                Arguments.of("missing label", 1, "train.jsonl:2: missing \"label\"", new String[] {"finetune", "--base", p("base.tfm"), "--task", p("nolabel"), "--out", p("out/m.tfm")}),
                Arguments.of("only one label", 1, "only one label", new String[] {"finetune", "--base", p("base.tfm"), "--task", p("onelabel"), "--out", p("out/m.tfm")}),
                Arguments.of("test label not in train", 1, "never occurs in train.jsonl", new String[] {"finetune", "--base", p("base.tfm"), "--task", p("unseen"), "--out", p("out/m.tfm")}),
                Arguments.of("truncated base", 1, "truncated or corrupt", new String[] {"generate", "--base", p("truncated.tfm")}),
                Arguments.of("not a base at all", 1, "not a tinyfm model file", new String[] {"inspect", p("notabase.tfm")}),
                Arguments.of("incompatible format version", 1, "format version 99 is not supported", new String[] {"generate", "--base", p("future.tfm")}),
                Arguments.of("fine-tuned model where a base is expected", 1, "is a fine-tuned model, not a pretrained base", new String[] {"finetune", "--base", p("model.tfm"), "--task", p("colours"), "--out", p("out/m.tfm")}),
                Arguments.of("base where a fine-tuned model is expected", 1, "is a pretrained base, not a fine-tuned model", new String[] {"evaluate", "--model", p("base.tfm"), "--task", p("colours")}),
                Arguments.of("negative steps", 2, "--steps must be at least 1", new String[] {"pretrain", "--corpus", p("corpus.txt"), "--preset", "tiny", "--steps", "-5", "--out", p("out/a.tfm")}),
                Arguments.of("zero batch", 2, "--batch must be at least 1", new String[] {"pretrain", "--corpus", p("corpus.txt"), "--preset", "tiny", "--batch", "0", "--out", p("out/a.tfm")}),
                Arguments.of("negative temperature", 2, "--temperature must be between 0 and 100", new String[] {"generate", "--base", p("base.tfm"), "--temperature", "-0.5"}),
                Arguments.of("a model that does not fit in memory", 1, "needs about", new String[] {"pretrain", "--corpus", p("corpus.txt"), "--preset", "base", "--embed", "4096", "--layers", "48", "--heads", "32", "--out", p("out/a.tfm")}),
                Arguments.of("--out in a missing directory", 1, "does not exist; create it first", new String[] {"pretrain", "--corpus", p("corpus.txt"), "--preset", "tiny", "--out", p("no/such/dir/a.tfm")}),
                Arguments.of("--out would overwrite a base", 1, "already exists; add --force", new String[] {"pretrain", "--corpus", p("corpus.txt"), "--preset", "tiny", "--out", p("base.tfm")}),
                Arguments.of("unknown preset", 1, "unknown preset 'huge'", new String[] {"pretrain", "--preset", "huge", "--out", p("out/a.tfm")}),
                Arguments.of("negative learning rate", 2, "--lr must be in (0, 1), got -1.0", new String[] {"pretrain", "--corpus", p("corpus.txt"), "--preset", "tiny", "--lr", "-1", "--out", p("out/a.tfm")}),
                Arguments.of("dropout of 1.5", 2, "--dropout must be in [0, 1)", new String[] {"pretrain", "--corpus", p("corpus.txt"), "--preset", "tiny", "--dropout", "1.5", "--out", p("out/a.tfm")}),
                Arguments.of("heads that do not divide the width", 2, "--heads 3 must divide the embedding width 32", new String[] {"pretrain", "--corpus", p("corpus.txt"), "--preset", "tiny", "--heads", "3", "--out", p("out/a.tfm")}),
                Arguments.of("zero eval interval", 2, "--eval-every must be at least 1", new String[] {"pretrain", "--corpus", p("corpus.txt"), "--preset", "tiny", "--eval-every", "0", "--out", p("out/a.tfm")}),
                Arguments.of("a one-token window", 2, "--context must be between 2 and 8192", new String[] {"pretrain", "--corpus", p("corpus.txt"), "--preset", "tiny", "--context", "1", "--out", p("out/a.tfm")}),
                Arguments.of("an absurd window", 2, "--context must be between 2 and 8192", new String[] {"pretrain", "--corpus", p("corpus.txt"), "--preset", "tiny", "--context", "100000000", "--out", p("out/a.tfm")}),
                Arguments.of("resume without a checkpoint", 1, "no checkpoint to resume from", new String[] {"pretrain", "--corpus", p("corpus.txt"), "--preset", "tiny", "--resume", "--out", p("out/a.tfm")}),
                Arguments.of("zero tokens to generate", 2, "--tokens must be between 1 and 100000", new String[] {"generate", "--base", p("base.tfm"), "--tokens", "0"}),
                Arguments.of("a folder where a base is expected", 1, "is a folder, not a model file", new String[] {"generate", "--base", p("out")}),
                Arguments.of("a folder as the model to write", 1, "is a folder; give a file path for --out", new String[] {"finetune", "--base", p("base.tfm"), "--task", p("colours"), "--out", p("out"), "--force"}),
                Arguments.of("fewer labels than classes", 2, "fewer than the task's 2 labels", new String[] {"finetune", "--base", p("base.tfm"), "--task", p("colours"), "--labels", "1", "--out", p("out/m.tfm")}),
                Arguments.of("a file as the comparison's folder", 1, "is a file; --out takes a folder", new String[] {"compare", "--base", p("base.tfm"), "--tasks", p("colours"), "--out", p("base.tfm")}),
                Arguments.of("zero epochs", 2, "--epochs must be at least 1", new String[] {"finetune", "--base", p("base.tfm"), "--task", p("colours"), "--epochs", "0", "--out", p("out/m.tfm")}),
                Arguments.of("a fine-tuning rate of 1", 2, "--lr must be in (0, 1)", new String[] {"finetune", "--base", p("base.tfm"), "--task", p("colours"), "--lr", "1", "--out", p("out/m.tfm")}),
                Arguments.of("an unknown fine-tuning mode", 2, "--mode must be full, head or unfreeze", new String[] {"finetune", "--base", p("base.tfm"), "--task", p("colours"), "--mode", "some", "--out", p("out/m.tfm")}),
                Arguments.of("an adapting rate above 1", 2, "--lr must be in (0, 1)", new String[] {"adapt", "--base", p("base.tfm"), "--task", p("colours"), "--lr", "2", "--out", p("out/a.tfm")}),
                Arguments.of("zero adapting steps", 2, "--steps must be at least 1", new String[] {"adapt", "--base", p("base.tfm"), "--task", p("colours"), "--steps", "0", "--out", p("out/a.tfm")}),
                Arguments.of("zero bench repeats", 2, "--repeats must be at least 1", new String[] {"bench", "--repeats", "0"}),
                Arguments.of("a negative bench warm-up", 2, "--warmup must be 0 or more seconds", new String[] {"bench", "--warmup", "-1"}),
                Arguments.of("option that is not a number", 2, "tinyfm: error: invalid value for option '--steps'", new String[] {"pretrain", "--steps", "lots"}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void badInputGetsOneClearLine(String name, int exit, String expected, String[] args) throws IOException {
        byte[] baseBefore = Files.readAllBytes(base), modelBefore = Files.readAllBytes(model);
        java.util.Map<String, String> before = snapshot(dir);
        CliTest.Run r = CliTest.run(args);
        assertEquals(exit, r.code(), name + ": " + r.err());
        // stderr also carries what the command was doing before it failed (intro, progress); the error is one line of its own
        List<String> errors = r.err().lines().filter(l -> l.startsWith("tinyfm:")).toList();
        String error = errors.isEmpty() ? "" : errors.get(0);
        assertTrue(error.contains(expected), name + ": expected '" + expected + "' in: " + r.err());
        if (exit == 1) {
            assertEquals(1, errors.size(), name + ": one line, got: " + r.err());
            assertTrue(r.err().strip().endsWith(error), name + ": the error comes last: " + r.err());
        }
        assertFalse(r.err().contains("\tat ") || r.err().contains("Exception"), name + ": no stack trace: " + r.err());
        assertArrayEquals(baseBefore, Files.readAllBytes(base), "the base on disk is untouched");
        assertArrayEquals(modelBefore, Files.readAllBytes(model), "the model on disk is untouched");
        assertFalse(Files.exists(dir.resolve("out/a.tfm")) || Files.exists(dir.resolve("out/m.tfm")), "no partial output");
        try (var left = Files.list(dir.resolve("out"))) {
            assertEquals(0, left.count(), "nothing left in the output folder");
        }
        assertEquals(before, snapshot(dir), name + ": the working folder is as it was: names, sizes, modes and times");
    }

    /** Every file and folder under {@code root}: its size, permissions and last-modified time. */
    static java.util.Map<String, String> snapshot(Path root) throws IOException {
        java.util.Map<String, String> out = new java.util.TreeMap<>();
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.toList()) {
                var attributes = Files.readAttributes(p, java.nio.file.attribute.PosixFileAttributes.class, java.nio.file.LinkOption.NOFOLLOW_LINKS);
                out.put(root.relativize(p).toString(), (attributes.isDirectory() ? "folder" : attributes.size() + " bytes") + " "
                        + java.nio.file.attribute.PosixFilePermissions.toString(attributes.permissions()) + " " + attributes.lastModifiedTime().toMillis());
            }
        }
        return out;
    }
}
