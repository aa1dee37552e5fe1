package tinyfm.reliability;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tinyfm.TestData;
import tinyfm.base.ModelFile;
import tinyfm.cli.CliTest;
import tinyfm.data.Corpus;
import tinyfm.util.AtomicFiles;
import tinyfm.util.OutputLock;

/** Faults in the middle of work: a disk that fills during a save, two runs aimed at one file, a corpus larger than memory. */
class FaultTest {
    @TempDir
    static Path dir;
    static Path corpus, task, base;

    @BeforeAll
    static void data() throws IOException {
        corpus = dir.resolve("corpus.txt");
        Files.writeString(corpus, TestData.corpusText(2000, 9));
        task = TestData.task(dir, "colours", List.of("red", "blue"), 8);
        base = dir.resolve("base.tfm");
        assertEquals(0, CliTest.run(pretrain(base, 5)).code());
    }

    static String[] pretrain(Path out, int steps, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("pretrain", "--corpus", corpus.toString(), "--preset", "tiny", "--vocab", "300",
                "--steps", String.valueOf(steps), "--checkpoint-every", "10", "--seed", "3", "--out", out.toString()));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    /** Streams opened from the {@code from}-th on fail after {@code bytes} bytes, as a full disk does. */
    static AutoCloseable diskFullFrom(int from, int bytes) {
        AtomicInteger opened = new AtomicInteger();
        return AtomicFiles.simulateFaults(out -> opened.incrementAndGet() < from ? out : new FilterOutputStream(out) {
            long written;

            @Override
            public void write(int b) throws IOException {
                if (++written > bytes) {
                    throw new IOException("No space left on device");
                }
                super.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                for (int i = 0; i < len; i++) {
                    write(b[off + i]);
                }
            }
        });
    }

    static void assertNoTempFiles() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(), files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tmp") || n.endsWith(".lock")).toList());
        }
    }

    static void assertOneLineNaming(CliTest.Run r, Path file) {
        assertEquals(1, r.code(), r.err());
        // stderr also carries the run's progress before the failure; the error is one line, the last
        List<String> errors = r.err().lines().filter(l -> l.startsWith("tinyfm:")).toList();
        assertEquals(1, errors.size(), r.err());
        assertTrue(r.err().strip().endsWith(errors.get(0)), r.err());
        assertTrue(errors.get(0).contains(file.toString()) && errors.get(0).contains("No space left on device"), r.err());
    }

    @Test
    void aDiskThatFillsDuringASaveKeepsTheOldFile() throws Exception {
        byte[] before = Files.readAllBytes(base);

        // the base: training ends, then its save fails partway
        try (AutoCloseable fault = diskFullFrom(1, 3000)) {
            assertOneLineNaming(CliTest.run(pretrain(base, 5, "--force")), base);
        }
        assertArrayEquals(before, Files.readAllBytes(base), "the previous base is untouched");
        ModelFile.load(base);

        // a checkpoint: the first one is written, the second fails; the first stays loadable
        Path out = dir.resolve("full-ckpt.tfm"), checkpoint = Path.of(out + ".ckpt");
        try (AutoCloseable fault = diskFullFrom(2, 3000)) {
            assertOneLineNaming(CliTest.run(pretrain(out, 40)), checkpoint);
        }
        assertEquals(10, ModelFile.load(checkpoint).provenance().get("steps").getAsInt());
        assertFalse(Files.exists(out));

        // a fine-tuned model
        Path model = dir.resolve("full-model.tfm");
        String[] finetune = {"finetune", "--base", base.toString(), "--task", task.toString(), "--epochs", "1", "--mode", "head", "--out", model.toString()};
        assertEquals(0, CliTest.run(finetune).code());
        byte[] modelBefore = Files.readAllBytes(model);
        try (AutoCloseable fault = diskFullFrom(1, 3000)) {
            String[] again = java.util.Arrays.copyOf(finetune, finetune.length + 1);
            again[finetune.length] = "--force";
            assertOneLineNaming(CliTest.run(again), model);
        }
        assertArrayEquals(modelBefore, Files.readAllBytes(model));
        assertNoTempFiles();
    }

    @Test
    void aSecondRunOnTheSameOutputRefusesAndAStaleLockIsTakenOver() throws Exception {
        Path out = dir.resolve("locked.tfm");
        Process first = CrashAndResumeTest.child(List.of(pretrain(out, 100_000)), dir.resolve("first.log"));
        CrashAndResumeTest.waitFor(Path.of(out + ".ckpt"), first);
        assertTrue(Files.exists(OutputLock.lockFile(out)), "the running pretraining holds " + OutputLock.lockFile(out));

        CliTest.Run second = CliTest.run(pretrain(out, 5, "--force"));
        assertEquals(1, second.code(), second.err());
        assertTrue(second.err().contains("another tinyfm run (process " + first.pid() + ") is writing this file"), second.err());
        CliTest.Run resume = CliTest.run(pretrain(out, 5, "--resume"));
        assertTrue(resume.err().contains("another tinyfm run"), resume.err());

        CrashAndResumeTest.ctrlC(first);
        assertTrue(first.waitFor(60, TimeUnit.SECONDS));
        assertFalse(Files.exists(OutputLock.lockFile(out)), "Ctrl-C removes the lock");
        ModelFile.load(Path.of(out + ".ckpt")); // and the checkpoint it wrote is whole

        // a run killed with -9 leaves its lock behind; its process is gone, so the next run takes it over
        Process dead = new ProcessBuilder("true").start();
        dead.waitFor();
        Path model = dir.resolve("stale.tfm");
        Files.writeString(OutputLock.lockFile(model), dead.pid() + " 0\n");
        CliTest.Run r = CliTest.run("finetune", "--base", base.toString(), "--task", task.toString(),
                "--epochs", "1", "--mode", "head", "--out", model.toString());
        assertEquals(0, r.code(), r.err());
        ModelFile.load(model);
        assertFalse(Files.exists(OutputLock.lockFile(model)), "the lock is removed when the run ends");
    }

    @Test
    void aCorpusTooLargeForTheHeapIsRefusedBeforeReading() throws Exception {
        Path huge = dir.resolve("huge.txt");
        long size = Runtime.getRuntime().maxMemory() / Corpus.HEAP_BYTES_PER_TEXT_BYTE + (64 << 20);
        try (RandomAccessFile f = new RandomAccessFile(huge.toFile(), "rw")) {
            f.setLength(size); // sparse: no disk is used, and reading it would take minutes
        }
        long t0 = System.nanoTime();
        CliTest.Run r = CliTest.run("pretrain", "--corpus", huge.toString(), "--preset", "tiny", "--out", dir.resolve("huge.tfm").toString());
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().contains("huge.txt") && r.err().contains("MB of Java heap") && r.err().contains("TINYFM_HEAP"), r.err());
        assertTrue(seconds < 5, "refused in " + seconds + " s, before reading");
        Files.delete(huge);
    }
}
