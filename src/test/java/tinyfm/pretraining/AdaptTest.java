package tinyfm.pretraining;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
        assertEquals(0, CliTest.run("pretrain", "--corpus", corpus.toString(), "--preset", "tiny", "--steps", "40", "--vocab", "300",
                "--out", parent.toString()).code());
        Path task = TestData.task(dir, "colours", List.of("crimson", "turquoise"), 60);
        Path child = dir.resolve("child.tfm");
        CliTest.Run r = CliTest.run("adapt", "--base", parent.toString(), "--task", task.toString(), "--steps", "40", "--lr", "3e-3",
                "--out", child.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("before adapting"), r.out());

        ModelFile p = ModelFile.load(parent), c = ModelFile.load(child);
        assertEquals(ModelFile.Kind.BASE, c.kind());
        JsonObject from = c.provenance().getAsJsonObject("parent");
        assertEquals(Sha256.of(parent), from.get("sha256").getAsString());
        assertEquals(p.provenance().get("corpus_sha256"), from.get("corpus_sha256"));
        assertEquals(p.provenance().get("train_seconds").getAsDouble(), from.get("train_seconds").getAsDouble(), 1e-9);
        assertEquals(c.provenance().get("train_seconds").getAsDouble() + p.provenance().get("train_seconds").getAsDouble(),
                tinyfm.report.Report.pretrainSeconds(c.provenance()), 1e-9, "payback counts the parent's pretraining too");
        assertTrue(c.provenance().get("corpus").getAsString().contains("colours"), "names the text it adapted on");
        assertEquals(p.config(), c.config());
        assertNotEquals(p.weights(), c.weights());

        // the curve starts at the parent's score on the new text, and adapting lowers it
        var curve = c.provenance().getAsJsonArray("curve");
        double before = curve.get(0).getAsJsonObject().get("validationBitsPerByte").getAsDouble();
        double after = curve.get(curve.size() - 1).getAsJsonObject().get("validationBitsPerByte").getAsDouble();
        assertEquals(0, curve.get(0).getAsJsonObject().get("step").getAsInt());
        assertTrue(after < before, "bits per byte on the task's text: " + before + " -> " + after);

        assertEquals(1, CliTest.run("adapt", "--base", child.toString(), "--task", task.toString(), "--out", child.toString()).code(),
                "refuses to overwrite without --force");
        assertTrue(Files.exists(child));
    }
}
