package tinyfm.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tinyfm.TestData;
import tinyfm.base.Checkpoint;
import tinyfm.base.ModelFile;
import tinyfm.util.CrashPoints;

/**
 * A kill at every point where tinyfm writes (SQLite's way of testing crashes, not one random
 * moment): each command is run once to count its write points ({@link CrashPoints}), then once per
 * point, halted just before it. After each halt every file under its final name loads, and a rerun
 * (with --resume where there is something to resume) ends with the same weights and numbers as the
 * run that was never halted.
 *
 * <p>The default suite sweeps every write point of a fine-tuning, every fourth of a short pretraining's
 * and every fifth of a comparison's, in about a minute; {@code -Dtinyfm.crashSweep=full} sweeps all of
 * them and prints how many there are.
 */
class CrashSweepTest {
    static final boolean FULL = "full".equals(System.getProperty("tinyfm.crashSweep"));

    @TempDir
    static Path dir;
    static Path corpus, base, task;

    @BeforeAll
    static void data() throws Exception {
        corpus = dir.resolve("corpus.txt");
        Files.writeString(corpus, TestData.corpusText(1500, 3));
        base = TestData.tinyBase(dir, 10);
        task = TestData.task(dir, "colours", List.of("red", "blue"), 8);
    }

    /** A command to sweep: how to run it in a folder, how to finish it after a halt, and what its result is. */
    interface Scenario {
        List<String> args(Path folder);

        /** The command that finishes the job after a halt, or null when what is on disk is already the result. */
        List<String> recovery(Path folder);

        /** The numbers the run ends with, to be equal to the last bit with and without a halt. */
        Object result(Path folder) throws Exception;

        /** Every file the user keeps, under its final name: each must load whole. */
        void checkLoads(Path folder) throws Exception;
    }

    static final Scenario PRETRAIN = new Scenario() {
        @Override
        public List<String> args(Path folder) {
            return new ArrayList<>(List.of("pretrain", "--corpus", corpus.toString(), "--preset", "tiny", "--vocab", "260", "--steps", "30",
                    "--checkpoint-every", "10", "--eval-every", "30", "--seed", "7", "--out", folder.resolve("base.tfm").toString()));
        }

        @Override
        public List<String> recovery(Path folder) {
            Path out = folder.resolve("base.tfm");
            if (Files.exists(out)) {
                return null;
            }
            List<String> again = args(folder);
            if (Checkpoint.exists(Path.of(out + ".ckpt"))) {
                again.add("--resume");
            }
            return again;
        }

        @Override
        public Object result(Path folder) {
            ModelFile m = ModelFile.load(folder.resolve("base.tfm"));
            return List.of(weights(m), m.provenance().get("final_validation_loss").getAsDouble(), m.provenance().get("steps").getAsInt());
        }

        @Override
        public void checkLoads(Path folder) {
            Path out = folder.resolve("base.tfm"), ckpt = Path.of(out + ".ckpt");
            for (Path p : List.of(out, ckpt, Checkpoint.previous(ckpt))) {
                if (Files.exists(p)) {
                    ModelFile.load(p);
                }
            }
            tokenizerCacheLoads(folder);
        }
    };

    static final Scenario FINETUNE = new Scenario() {
        @Override
        public List<String> args(Path folder) {
            return List.of("finetune", "--base", base.toString(), "--task", task.toString(), "--epochs", "1", "--seed", "3",
                    "--out", folder.resolve("model.tfm").toString());
        }

        @Override
        public List<String> recovery(Path folder) {
            return Files.exists(folder.resolve("model.tfm")) ? null : args(folder);
        }

        @Override
        public Object result(Path folder) {
            return weights(ModelFile.load(folder.resolve("model.tfm")));
        }

        @Override
        public void checkLoads(Path folder) {
            if (Files.exists(folder.resolve("model.tfm"))) {
                ModelFile.load(folder.resolve("model.tfm"));
            }
        }
    };

    static final Scenario COMPARE = new Scenario() {
        @Override
        public List<String> args(Path folder) {
            return new ArrayList<>(List.of("compare", "--base", base.toString(), "--tasks", task.toString(), "--labels", "all", "--seeds", "2",
                    "--arms", "full,bow", "--epochs", "1", "--out", folder.resolve("experiment").toString()));
        }

        @Override
        public List<String> recovery(Path folder) {
            Path out = folder.resolve("experiment");
            if (Files.exists(out.resolve("report.md"))) {
                return null;
            }
            List<String> again = args(folder);
            if (Files.exists(out.resolve("runs.jsonl"))) {
                again.add("--resume");
            }
            return again;
        }

        @Override
        public Object result(Path folder) throws Exception {
            JsonArray runs = JsonParser.parseString(Files.readString(folder.resolve("experiment").resolve("results.json")))
                    .getAsJsonObject().getAsJsonArray("runs");
            List<String> numbers = new ArrayList<>();
            runs.forEach(r -> numbers.add(r.getAsJsonObject().get("arm").getAsString() + r.getAsJsonObject().get("seed")
                    + r.getAsJsonObject().get("labels") + " " + r.getAsJsonObject().get("validationAccuracy") + " " + r.getAsJsonObject().get("testAccuracy")));
            return numbers;
        }

        @Override
        public void checkLoads(Path folder) throws Exception {
            Path out = folder.resolve("experiment");
            for (String json : List.of("spec.json", "results.json")) {
                if (Files.exists(out.resolve(json))) {
                    JsonParser.parseString(Files.readString(out.resolve(json))).getAsJsonObject();
                }
            }
            Path journal = out.resolve("runs.jsonl");
            if (Files.exists(journal)) {
                List<String> lines = Files.readAllLines(journal);
                for (int i = 0; i < lines.size() - 1; i++) { // the last line may be torn by the kill; a resume cuts it off
                    JsonParser.parseString(lines.get(i)).getAsJsonObject();
                }
            }
            if (Files.exists(out)) {
                try (Stream<Path> files = Files.list(out)) {
                    for (Path png : files.filter(f -> f.toString().endsWith(".png")).toList()) {
                        assertTrue(javax.imageio.ImageIO.read(png.toFile()) != null, png + " is a whole image");
                    }
                }
            }
        }
    };

    /** Every weight, to compare to the last bit. */
    static List<Float> weights(ModelFile m) {
        float[] w = m.weights().dup().data().asFloat();
        List<Float> out = new ArrayList<>(w.length);
        for (float f : w) {
            out.add(f);
        }
        return out;
    }

    static void tokenizerCacheLoads(Path folder) {
        Path cache = folder.resolve("bases").resolve(".tokenizers");
        if (Files.isDirectory(cache)) {
            try (Stream<Path> files = Files.list(cache)) {
                files.filter(f -> f.toString().endsWith(".json")).forEach(tinyfm.tokenizer.Tokenizers::load);
            } catch (java.io.IOException e) {
                throw new AssertionError(e);
            }
        }
    }

    static int child(List<String> args, Path folder, long haltAt, Path countFile) throws Exception {
        return child(args, folder, haltAt, countFile, folder.resolve("run-" + haltAt + "-" + System.nanoTime() + ".log"));
    }

    /** The CLI in a child JVM whose home is {@code folder}, halted at write point {@code haltAt} (0: never), its output in {@code log}. */
    static int child(List<String> args, Path folder, long haltAt, Path countFile, Path log) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
                "-cp", System.getProperty("java.class.path"), "-Dtinyfm.home=" + folder, "-Dtinyfm.log=" + folder.resolve("library.log"),
                "-Dtinyfm.crash.at=" + haltAt));
        if (countFile != null) {
            cmd.add("-Dtinyfm.crash.count=" + countFile);
        }
        cmd.add("tinyfm.cli.Main");
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).directory(folder.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), "the run ended");
        return p.exitValue();
    }

    /** Sweeps one command; returns its number of write points. */
    static int sweep(String name, Scenario s, int stride) throws Exception {
        Path clean = Files.createDirectories(dir.resolve(name + "-clean"));
        Path count = clean.resolve("write-points.txt");
        assertEquals(0, child(s.args(clean), clean, 0, count), "the uninterrupted run");
        int points = Integer.parseInt(Files.readString(count).strip());
        Object expected = s.result(clean);
        for (int k = 1; k <= points; k += stride) {
            Path folder = Files.createDirectories(dir.resolve(name + "-halt-" + k));
            assertEquals(CrashPoints.HALTED, child(s.args(folder), folder, k, null), name + " halted at write point " + k);
            s.checkLoads(folder);
            for (int rerun = 0; rerun < 3; rerun++) { // the rerun itself is not halted; once is enough, a guard against loops
                List<String> recovery = s.recovery(folder);
                if (recovery == null) {
                    break;
                }
                assertEquals(0, child(recovery, folder, 0, null), name + ": the rerun after a halt at write point " + k);
            }
            assertEquals(expected, s.result(folder), name + ": halted at write point " + k + ", then rerun: the same result as never halted");
        }
        if (FULL) {
            System.out.printf("crash sweep: %s has %d write points; halted at %s, every rerun ended with the uninterrupted run's result%n",
                    name, points, stride == 1 ? "every one" : "every " + stride + "th");
        }
        return points;
    }

    @Test
    void aPretrainingHaltedAtAnyWritePointResumesToTheSameBase() throws Exception {
        assertTrue(sweep("pretrain", PRETRAIN, FULL ? 1 : 4) >= 10, "checkpoints, the tokenizer, the base and the lock are all written");
    }

    @Test
    void aFineTuningHaltedAtAnyWritePointRerunsToTheSameModel() throws Exception {
        assertTrue(sweep("finetune", FINETUNE, 1) >= 3);
    }

    @Test
    void aComparisonHaltedAtAWritePointResumesToTheSameNumbers() throws Exception {
        assertTrue(sweep("compare", COMPARE, FULL ? 1 : 5) >= 10, "the spec, the journal's cells, the results, the report and the charts");
    }
}
