package tinyfm.pretraining;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tinyfm.TestData;
import tinyfm.base.ModelFile;
import tinyfm.cli.CliTest;
import tinyfm.util.Sha256;

/** Continued pretraining: a new base that starts from its parent, learns the new text, and names the parent. */
class AdaptTest {
    @TempDir
    Path dir;

    @Test
    void anAdaptedBaseRecordsItsParentAndLearnsTheNewText() throws Exception {
        Path corpus = TestData.corpus(dir, 1500);
        Path parent = dir.resolve("parent.tfm");
        Path task = TestData.task(dir, "colours", List.of("crimson", "turquoise"), 60);
        String[] probe = {"--probe", task.toString(), "--probe-labels", "8", "--probe-seeds", "2"};
        assertEquals(0, CliTest.run(concat(new String[] {"pretrain", "--corpus", corpus.toString(), "--preset", "tiny", "--steps", "40",
                "--vocab", "300", "--out", parent.toString()}, probe)).code());
        Path child = dir.resolve("child.tfm");
        CliTest.Run r = CliTest.run(concat(new String[] {"adapt", "--base", parent.toString(), "--task", task.toString(), "--steps", "40",
                "--lr", "3e-3", "--out", child.toString()}, probe));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("before adapting"), r.out());

        ModelFile p = ModelFile.load(parent), c = ModelFile.load(child);
        assertEquals(ModelFile.Kind.BASE, c.kind());
        JsonObject from = c.provenance().getAsJsonObject("parent");
        assertEquals(Sha256.of(parent), from.get("sha256").getAsString());
        assertEquals(p.provenance().get("corpus_sha256"), from.get("corpus_sha256"));
        assertEquals(p.provenance().get("train_seconds").getAsDouble(), from.get("train_seconds").getAsDouble(), 1e-9);
        assertEquals(c.provenance().get("train_seconds").getAsDouble() + p.provenance().get("train_seconds").getAsDouble(),
                tinyfm.base.Provenance.pretrainSeconds(c.provenance()), 1e-9, "payback counts the parent's pretraining too");
        assertTrue(c.provenance().get("corpus").getAsString().contains("colours"), "names the text it adapted on");
        assertEquals(p.config(), c.config());
        assertNotEquals(p.weights(), c.weights());
        assertEquals(p.provenance().get("tokens_seen").getAsLong() + c.provenance().get("tokens_seen").getAsLong(),
                tinyfm.base.Provenance.tokensRead(c.provenance()), "an adapted base has read its parent's tokens too");
        assertEquals(p.provenance().get("tokens_seen").getAsLong(), from.get("total_tokens_seen").getAsLong());

        // the curve starts at the parent's score on the new text, and adapting lowers it
        var curve = c.provenance().getAsJsonArray("curve");
        double before = curve.get(0).getAsJsonObject().get("validationBitsPerByte").getAsDouble();
        double after = curve.get(curve.size() - 1).getAsJsonObject().get("validationBitsPerByte").getAsDouble();
        assertEquals(0, curve.get(0).getAsJsonObject().get("step").getAsInt());
        assertTrue(after < before, "bits per byte on the task's text: " + before + " -> " + after);

        // what the child knew as it read runs on from the parent's probes; inspect counts the parent's curves, not prints them
        assertEquals(p.provenance().getAsJsonArray("reading_probes"), from.getAsJsonArray("reading_probes"));
        CliTest.Run reading = CliTest.run("report", "--reading", child.toString(), "--out", dir.toString());
        assertEquals(0, reading.code(), reading.err());
        assertTrue(reading.out().contains("its parent base's own run"), reading.out());
        assertTrue(Files.exists(dir.resolve("reading-child.png")));
        var lines = tinyfm.report.ReadingChart.lossChart(tinyfm.report.ReadingChart.of(c.provenance(), "child.tfm")).getSeriesMap().keySet();
        assertTrue(lines.contains("validation bits per byte, the parent's text")
                && lines.contains("validation bits per byte, the adapted text"), "two texts, two loss lines: " + lines);
        CliTest.Run inspect = CliTest.run("inspect", child.toString());
        String parentLine = inspect.out().lines().filter(l -> l.trim().startsWith("parent ")).findFirst().orElseThrow();
        assertTrue(parentLine.contains("(+ curve: ") && parentLine.contains("(+ reading_probes: ") && parentLine.length() < 600, parentLine);

        assertEquals(1, CliTest.run("adapt", "--base", child.toString(), "--task", task.toString(), "--out", child.toString()).code(),
                "refuses to overwrite without --force");
        assertTrue(Files.exists(child));
    }

    @Test
    void anInterruptedAdaptationResumesExactlyLikeAnUninterruptedOne() throws Exception {
        Path corpus = TestData.corpus(dir, 1500), more = dir.resolve("more.txt");
        Files.writeString(more, TestData.corpusText(800, 7));
        Path parent = dir.resolve("parent.tfm");
        assertEquals(0, CliTest.run("pretrain", "--corpus", corpus.toString(), "--preset", "tiny", "--steps", "20", "--vocab", "300",
                "--out", parent.toString()).code());
        Path straight = dir.resolve("straight.tfm"), resumed = dir.resolve("resumed.tfm");
        String[] options = {"adapt", "--base", parent.toString(), "--corpus", more.toString(), "--steps", "30", "--batch", "4"};
        CliTest.Run s = CliTest.run(concat(options, "--out", straight.toString()));
        assertEquals(0, s.code(), s.err());

        CliTest.Run none = CliTest.run(concat(options, "--out", resumed.toString(), "--resume"));
        assertEquals(1, none.code());
        assertTrue(none.err().contains("no checkpoint to resume from"), none.err());

        // the same run, stopped at step 13 as Ctrl-C stops it: the loop writes its checkpoint and returns
        ModelFile p = ModelFile.load(parent);
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        Pretrainer.Listener stopper = new Pretrainer.Listener() {
            @Override
            public void stepped(int step, double loss, double lr, double tps) {
                stop.set(step == 13);
            }
        };
        Pretrainer.Result first = new Pretrainer(tinyfm.data.Corpus.load(more.toString()), p.tokenizer(), p.config(),
                TrainingConfig.defaults(4, 30, 5e-4, 1337), Path.of(resumed + ".ckpt"), stopper)
                .continueFrom(p, Sha256.ofFile(parent)).run(false, null, stop);
        assertEquals(13, first.steps());
        assertTrue(Files.exists(Path.of(resumed + ".ckpt")));

        CliTest.Run r = CliTest.run(concat(options, "--out", resumed.toString(), "--resume"));
        assertEquals(0, r.code(), r.err());
        assertEquals(ModelFile.load(straight).weights(), ModelFile.load(resumed).weights(), "resumed = uninterrupted, weight for weight");
        assertFalse(Files.exists(Path.of(resumed + ".ckpt")), "a finished run leaves no checkpoint");
    }

    private static String[] concat(String[] head, String... tail) {
        return java.util.stream.Stream.concat(java.util.Arrays.stream(head), java.util.Arrays.stream(tail)).toArray(String[]::new);
    }
}
