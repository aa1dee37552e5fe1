package tinyfm.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import tinyfm.TestData;
import tinyfm.base.ModelFile;
import tinyfm.cli.CliTest;

/** Laptops get closed mid-run: a killed pretraining resumes with nothing lost, and the same seed gives the same model. */
class CrashAndResumeTest {
    @TempDir
    static Path dir;
    static Path corpus;

    @BeforeAll
    static void corpus() throws Exception {
        corpus = dir.resolve("corpus.txt");
        Files.writeString(corpus, TestData.corpusText(3000, 5));
    }

    static List<String> pretrainArgs(Path out, int steps) {
        return new ArrayList<>(List.of("pretrain", "--corpus", corpus.toString(), "--preset", "tiny", "--vocab", "300", "--steps", String.valueOf(steps),
                "--checkpoint-every", "25", "--eval-every", String.valueOf(steps), "--seed", "7", "--out", out.toString()));
    }

    /** The real CLI in a child JVM, so it can be killed. */
    static Process child(List<String> args, Path log) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-cp", System.getProperty("java.class.path"), "-Dtinyfm.log=" + log.resolveSibling("child-library.log"), "tinyfm.cli.Main"));
        cmd.addAll(args);
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /**
     * Presses Ctrl-C on a child: SIGINT. A process started in the background of a shell without job
     * control inherits SIGINT ignored, and so would this test's children (the JVM then leaves Ctrl-C
     * alone, as Unix programs should); there the child gets SIGTERM, which runs the same shutdown hooks.
     */
    static int ctrlC(Process p) throws Exception {
        boolean term = interruptIgnored();
        new ProcessBuilder("kill", term ? "-TERM" : "-INT", String.valueOf(p.pid())).start().waitFor();
        return 128 + (term ? 15 : 2); // the exit status of a process ended by that signal
    }

    private static boolean interruptIgnored() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("SigIgn:")) {
                    return (Long.parseLong(line.substring(7).trim(), 16) & (1L << 1)) != 0; // bit 1: signal 2, SIGINT
                }
            }
        } catch (java.io.IOException | NumberFormatException ignored) {
            // not Linux: assume Ctrl-C is delivered
        }
        return false;
    }

    static void waitFor(Path file, Process p) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(file)) {
            assertTrue(p.isAlive(), "the run ended before writing " + file);
            assertTrue(System.nanoTime() < deadline, "no checkpoint after 60 s");
            Thread.sleep(20);
        }
    }

    static double finalValidationLoss(Path file) {
        return ModelFile.load(file).provenance().get("final_validation_loss").getAsDouble();
    }

    @Test
    void killedRunResumesToTheSameResultAsAnUninterruptedOne() throws Exception {
        int steps = 400;
        Path straight = dir.resolve("straight.tfm");
        assertEquals(0, CliTest.run(pretrainArgs(straight, steps).toArray(String[]::new)).code());

        Path killed = dir.resolve("killed.tfm"), checkpoint = Path.of(killed + ".ckpt");
        Process p = child(pretrainArgs(killed, steps), dir.resolve("killed.log"));
        waitFor(checkpoint, p);
        Thread.sleep(new Random().nextInt(400)); // a random moment, possibly mid-checkpoint
        p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        assertTrue(!Files.exists(killed), "the killed run never got to save its base");

        ModelFile ckpt = ModelFile.load(checkpoint); // never corrupt: written to a temp file, then renamed
        assertEquals(ModelFile.Kind.CHECKPOINT, ckpt.kind());
        int saved = ckpt.provenance().get("steps").getAsInt();
        assertTrue(saved >= 25 && saved % 25 == 0 && saved < steps, "checkpoint at step " + saved + " (every 25: at most 25 steps lost)");

        List<String> resume = pretrainArgs(killed, steps);
        resume.add("--resume");
        CliTest.Run r = CliTest.run(resume.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("Resuming from step " + saved), r.err());
        assertEquals(finalValidationLoss(straight), finalValidationLoss(killed), 1e-5);
        INDArray a = ModelFile.load(straight).weights(), b = ModelFile.load(killed).weights();
        assertEquals(0, a.sub(b).amaxNumber().doubleValue(), 1e-5);
    }

    /** A 60-step pretraining in {@code folder}, checkpoints at steps 20 and 40. */
    static List<String> pretrain60(Path folder) {
        return new ArrayList<>(List.of("pretrain", "--corpus", corpus.toString(), "--preset", "tiny", "--vocab", "260", "--steps", "60",
                "--checkpoint-every", "20", "--eval-every", "60", "--seed", "7", "--out", folder.resolve("base.tfm").toString()));
    }

    /** Halts a 60-step run (checkpoints at 20 and 40) just before it writes its base: both checkpoints are left. */
    static Path twoCheckpointsLeft(Path folder) throws Exception {
        List<String> args = pretrain60(folder);
        Path count = folder.resolve("points.txt");
        Path clean = Files.createDirectories(folder.resolve("clean"));
        assertEquals(0, CrashSweepTest.child(pretrain60(clean), clean, 0, count));
        int points = Integer.parseInt(Files.readString(count).strip()); // ..., the base's temp file, its rename, two checkpoint deletions, the lock's
        assertEquals(tinyfm.util.CrashPoints.HALTED, CrashSweepTest.child(args, folder, points - 4, null));
        return clean.resolve("base.tfm");
    }

    @Test
    void aDamagedNewestCheckpointIsReportedAndTheRunResumesFromThePreviousOne() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("fallback")), out = folder.resolve("base.tfm"), ckpt = Path.of(out + ".ckpt");
        Path straight = twoCheckpointsLeft(folder);
        Path previous = tinyfm.base.Checkpoint.previous(ckpt);
        assertEquals(40, ModelFile.load(ckpt).provenance().get("steps").getAsInt(), "the newest checkpoint");
        assertEquals(20, ModelFile.load(previous).provenance().get("steps").getAsInt(), "the one before it is kept");
        damage(ckpt);

        Path log = folder.resolve("resume.log");
        List<String> resume = pretrain60(folder);
        resume.add("--resume");
        assertEquals(0, CrashSweepTest.child(resume, folder, 0, null, log));
        String printed = Files.readString(log);
        List<String> said = printed.lines().filter(l -> l.contains("resuming from the checkpoint before it")).toList();
        assertEquals(1, said.size(), printed);
        assertTrue(said.get(0).contains(ckpt.toString()) && said.get(0).contains(previous.getFileName().toString()), said.get(0));
        assertTrue(printed.contains("Resuming from step 20"), printed);
        assertEquals(CrashSweepTest.weights(ModelFile.load(straight)), CrashSweepTest.weights(ModelFile.load(out)),
                "resumed from step 20, it ends with the uninterrupted run's weights");
        assertTrue(!Files.exists(ckpt) && !Files.exists(previous), "a finished run deletes both checkpoints");
    }

    @Test
    void whenBothCheckpointsAreDamagedTheResumeSaysNoneIsLeftAndKeepsThem() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("both")), out = folder.resolve("base.tfm"), ckpt = Path.of(out + ".ckpt");
        twoCheckpointsLeft(folder);
        Path previous = tinyfm.base.Checkpoint.previous(ckpt);
        damage(ckpt);
        damage(previous);
        byte[] before = Files.readAllBytes(ckpt), beforePrevious = Files.readAllBytes(previous);
        Path log = folder.resolve("resume.log");
        List<String> resume = pretrain60(folder);
        resume.add("--resume");
        assertEquals(1, CrashSweepTest.child(resume, folder, 0, null, log));
        List<String> errors = Files.readAllLines(log).stream().filter(l -> l.startsWith("tinyfm: error:")).toList();
        assertEquals(1, errors.size(), String.join("\n", Files.readAllLines(log)));
        assertTrue(errors.get(0).contains("no good checkpoint is left") && errors.get(0).contains("without --resume"), errors.get(0));
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(ckpt)) && java.util.Arrays.equals(beforePrevious, Files.readAllBytes(previous)),
                "a refused resume changes neither checkpoint");
        assertTrue(!Files.exists(out));
    }

    /** Flips bytes in the middle of a file, as a failing disk would: its checksums no longer hold. */
    static void damage(Path file) throws Exception {
        byte[] bytes = Files.readAllBytes(file);
        for (int i = bytes.length / 2; i < bytes.length / 2 + 64; i++) {
            bytes[i] ^= 0x5a;
        }
        Files.write(file, bytes);
    }

    @Test
    void ctrlCSavesACheckpointAndSaysHowToResume() throws Exception {
        Path out = dir.resolve("interrupted.tfm"), checkpoint = Path.of(out + ".ckpt"), log = dir.resolve("interrupted.log");
        Process p = child(pretrainArgs(out, 100_000), log);
        waitFor(checkpoint, p);
        int expectedStatus = ctrlC(p);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "exits after Ctrl-C");
        String printed = Files.readString(log);
        assertEquals(expectedStatus, p.exitValue(), printed);
        assertTrue(printed.contains("Interrupted at step") && printed.contains("--resume"), printed);
        int step = Integer.parseInt(printed.replaceAll("(?s).*Interrupted at step (\\d+).*", "$1"));
        assertEquals(step, ModelFile.load(checkpoint).provenance().get("steps").getAsInt(), "the checkpoint holds the step it reported");
    }

    @Test
    void sameSeedGivesIdenticalFilesWeightsAndMetrics() throws Exception {
        Path a = dir.resolve("a.tfm"), b = dir.resolve("b.tfm");
        assertEquals(0, CliTest.run(pretrainArgs(a, 60).toArray(String[]::new)).code());
        assertEquals(0, CliTest.run(pretrainArgs(b, 60).toArray(String[]::new)).code());
        ModelFile ma = ModelFile.load(a), mb = ModelFile.load(b);
        assertEquals(ma.weights(), mb.weights(), "identical weights, bit for bit");
        assertEquals(finalValidationLoss(a), finalValidationLoss(b), 0.0);
        assertEquals(ma.provenance().get("final_train_loss").getAsDouble(), mb.provenance().get("final_train_loss").getAsDouble(), 0.0);
        assertTrue(new File(a.toString()).length() > 0);
    }
}
