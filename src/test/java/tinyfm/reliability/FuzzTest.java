package tinyfm.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tinyfm.TestData;
import tinyfm.base.ModelFile;
import tinyfm.cli.CliTest;
import tinyfm.data.Corpus;
import tinyfm.data.Task;
import tinyfm.tokenizer.Tokenizers;
import tinyfm.util.Sha256;
import tinyfm.util.UserError;

/**
 * Inputs no one wrote by hand, for every reader that takes a user's file: the model file, the
 * tokenizer JSON, a task's JSONL and the corpus. Each mutated input must either load or end in a
 * {@link UserError} whose message is one line naming the file, within 5 s, with no other exception
 * (no OutOfMemoryError, no stack overflow).
 *
 * <p>The default suite runs {@value #DEFAULT_CASES} cases per reader; {@code -Dtinyfm.fuzz.cases=10000}
 * runs more. Case i of a reader uses the seed {@code base seed + i}; a failure prints it, and
 * {@code -Dtinyfm.fuzz.seed=S -Dtinyfm.fuzz.cases=1} replays exactly that case.
 */
class FuzzTest {
    static final int DEFAULT_CASES = 250;
    static final int CASES = Integer.getInteger("tinyfm.fuzz.cases", DEFAULT_CASES);
    static final long SEED = Long.getLong("tinyfm.fuzz.seed", 20_261_129L);

    @TempDir
    static Path dir;
    static byte[] modelFile, tokenizerJson, taskTrain, corpusText;
    static Map<String, byte[]> modelEntries;
    static ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "fuzz");
        t.setDaemon(true);
        return t;
    });

    @BeforeAll
    static void originals() throws Exception {
        Path corpus = TestData.corpus(dir, 1500);
        Path base = dir.resolve("base.tfm");
        assertEquals(0, CliTest.run("pretrain", "--corpus", corpus.toString(), "--preset", "tiny", "--steps", "3", "--vocab", "300",
                "--out", base.toString()).code());
        modelFile = Files.readAllBytes(base);
        modelEntries = unzip(modelFile);
        Path tok = dir.resolve("tok.json");
        Tokenizers.save(ModelFile.load(base).tokenizer(), tok);
        tokenizerJson = Files.readAllBytes(tok);
        taskTrain = Files.readAllBytes(TestData.task(dir, "original-task", List.of("red", "blue"), 6).resolve("train.jsonl"));
        corpusText = TestData.corpusText(400, 3).getBytes(StandardCharsets.UTF_8);
    }

    @AfterAll
    static void stop() {
        worker.shutdownNow();
    }

    @Test
    void modelFiles() throws Exception {
        fuzz("model file", (r, i) -> {
            Path file = dir.resolve("m" + i + ".tfm");
            Files.write(file, mutateModel(r));
            return new Input(file, () -> ModelFile.load(file));
        });
    }

    @Test
    void tokenizerFiles() throws Exception {
        fuzz("tokenizer JSON", (r, i) -> {
            Path file = dir.resolve("t" + i + ".json");
            Files.write(file, r.nextInt(4) == 0 ? structuralJson(r, tokenizerJson) : mutateBytes(r, tokenizerJson));
            return new Input(file, () -> Tokenizers.load(file));
        });
    }

    @Test
    void taskFiles() throws Exception {
        fuzz("task JSONL", (r, i) -> {
            Path task = TestData.task(dir, "task" + i, List.of("red", "blue"), 6);
            Path file = task.resolve(List.of("train", "val", "test").get(r.nextInt(3)) + ".jsonl");
            Files.write(file, r.nextInt(4) == 0 ? structuralJson(r, Files.readAllBytes(file)) : mutateText(r, taskTrain));
            return new Input(file, () -> Task.load(task.toString()));
        });
    }

    @Test
    void corpusFiles() throws Exception {
        fuzz("corpus", (r, i) -> {
            boolean gz = r.nextBoolean();
            Path file = dir.resolve("c" + i + (gz ? ".txt.gz" : ".txt"));
            byte[] text = mutateText(r, corpusText);
            Files.write(file, gz ? (r.nextBoolean() ? mutateBytes(r, gzip(text)) : gzip(text)) : text);
            return new Input(file, () -> Corpus.load(file.toString()).split());
        });
    }

    /** One fuzz input: the file to name in errors and the read that should accept or refuse it. */
    record Input(Path file, Callable<?> read) {}

    interface Maker {
        Input make(SplittableRandom r, int index) throws IOException;
    }

    private void fuzz(String reader, Maker maker) throws Exception {
        List<String> failures = new ArrayList<>();
        int refused = 0;
        for (int i = 0; i < CASES; i++) {
            long seed = SEED + i;
            Input input = maker.make(new SplittableRandom(seed), i);
            String failure = null;
            Future<?> f = worker.submit(input.read());
            try {
                f.get(5, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                f.cancel(true);
                failure = "took more than 5 s";
                worker = Executors.newSingleThreadExecutor(); // the stuck thread keeps the old one
            } catch (java.util.concurrent.ExecutionException e) {
                Throwable t = e.getCause();
                if (t instanceof UserError u) {
                    refused++;
                    String m = u.getMessage();
                    if (m.contains("\n") || m.contains("\r")) {
                        failure = "a message of more than one line: " + m;
                    } else if (!m.contains(input.file().getFileName().toString())) {
                        failure = "a message that does not name the file: " + m;
                    }
                } else {
                    failure = "threw " + t;
                }
            }
            if (failure != null) {
                failures.add(reader + " case with seed " + seed + " (replay: -Dtinyfm.fuzz.seed=" + seed
                        + " -Dtinyfm.fuzz.cases=1): " + failure);
            }
            Files.deleteIfExists(input.file());
        }
        System.out.printf("fuzz %s: %d cases, %d refused with a clear error, %d loaded, %d failures%n", reader, CASES, refused,
                CASES - refused - failures.size(), failures.size());
        assertTrue(failures.isEmpty(), String.join("\n", failures));
        assertTrue(CASES < 20 || refused > CASES / 2, "most mutations should be refused: " + refused + " of " + CASES);
    }

    // ---- mutations ----

    /** A model file: raw byte damage, truncation at a zip structure, or entries changed with valid checksums. */
    static byte[] mutateModel(SplittableRandom r) throws IOException {
        return switch (r.nextInt(6)) {
            case 0 -> mutateBytes(r, modelFile);
            case 1 -> truncateAtStructure(r, modelFile);
            case 2 -> {
                Map<String, byte[]> e = new LinkedHashMap<>(modelEntries);
                String victim = pick(r, e.keySet());
                if (r.nextBoolean()) {
                    e.remove(victim);
                    yield zip(e, null);
                }
                yield zip(e, victim); // the entry twice
            }
            case 3 -> { // damage inside an entry, re-signed, so the parsers behind the checksums see it
                Map<String, byte[]> e = new LinkedHashMap<>(modelEntries);
                String victim = pick(r, List.of("config.json", "tokenizer.json", "provenance.json", "weights.nd4j"));
                e.put(victim, victim.endsWith(".json") && r.nextBoolean() ? structuralJson(r, e.get(victim)) : mutateBytes(r, e.get(victim)));
                yield zip(resign(e), null);
            }
            case 4 -> { // a declared array shape or length far larger than the file
                Map<String, byte[]> e = new LinkedHashMap<>(modelEntries);
                byte[] w = e.get("weights.nd4j").clone();
                int at = r.nextInt(Math.min(120, w.length - 8));
                long huge = r.nextBoolean() ? Long.MAX_VALUE >> r.nextInt(40) : 1L << (31 + r.nextInt(20));
                for (int k = 0; k < 8; k++) {
                    w[at + k] = (byte) (huge >>> (56 - 8 * k));
                }
                e.put("weights.nd4j", w);
                yield zip(resign(e), null);
            }
            default -> { // a config that asks for a huge model, re-signed
                Map<String, byte[]> e = new LinkedHashMap<>(modelEntries);
                String field = pick(r, List.of("vocabSize", "contextLength", "layers", "heads", "embedDim", "dropout"));
                String value = pick(r, List.of("2147483647", "-1", "0", "1e300", "\"x\"", "null", "[]", "65536"));
                String config = new String(e.get("config.json"), StandardCharsets.UTF_8)
                        .replaceAll("\"" + field + "\": [^,\\n}]+", "\"" + field + "\": " + value);
                e.put("config.json", config.getBytes(StandardCharsets.UTF_8));
                yield zip(resign(e), null);
            }
        };
    }

    /** Byte flips, random bytes, truncation, insertion, deletion, duplication. */
    static byte[] mutateBytes(SplittableRandom r, byte[] original) {
        byte[] b = original.clone();
        int n = b.length;
        switch (r.nextInt(6)) {
            case 0 -> {
                for (int k = 1 + r.nextInt(8); k > 0; k--) {
                    int at = r.nextInt(n);
                    b[at] ^= (byte) (1 << r.nextInt(8));
                }
            }
            case 1 -> {
                for (int k = 1 + r.nextInt(16); k > 0; k--) {
                    b[r.nextInt(n)] = (byte) r.nextInt(256);
                }
            }
            case 2 -> b = Arrays.copyOf(b, r.nextInt(n));
            case 3 -> {
                int at = r.nextInt(n);
                byte[] junk = new byte[1 + r.nextInt(64)];
                for (int k = 0; k < junk.length; k++) {
                    junk[k] = (byte) r.nextInt(256);
                }
                b = splice(b, at, at, junk);
            }
            case 4 -> {
                int at = r.nextInt(n);
                b = splice(b, at, Math.min(n, at + 1 + r.nextInt(256)), new byte[0]);
            }
            default -> {
                int at = r.nextInt(n), len = Math.min(n - at, 1 + r.nextInt(512));
                b = splice(b, at, at, Arrays.copyOfRange(b, at, at + len));
            }
        }
        return b;
    }

    /** Text damage: any byte damage, invalid UTF-8 mid-document, a 10 MB single line, NUL bytes. */
    static byte[] mutateText(SplittableRandom r, byte[] original) {
        int at = r.nextInt(original.length);
        return switch (r.nextInt(5)) {
            case 0, 1 -> mutateBytes(r, original);
            case 2 -> splice(original, at, at, pick(r, List.of(new byte[] {(byte) 0xC3, 0x28}, new byte[] {(byte) 0xFF},
                    new byte[] {(byte) 0x80}, new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, new byte[] {(byte) 0xF4, (byte) 0x90, 0, 0})));
            case 3 -> {
                byte[] line = new byte[10 << 20];
                Arrays.fill(line, (byte) (r.nextBoolean() ? 'a' : '{'));
                yield splice(original, at, at, line);
            }
            default -> splice(original, at, at, new byte[] {0});
        };
    }

    /** JSON whose shape is wrong: deep nesting, values of the wrong type, huge numbers, a cut in the middle. */
    static byte[] structuralJson(SplittableRandom r, byte[] original) {
        String s = new String(original, StandardCharsets.UTF_8);
        return (switch (r.nextInt(5)) {
            case 0 -> "[".repeat(100_000 + r.nextInt(1000)) + "]".repeat(r.nextInt(100));
            case 1 -> "{\"kind\": \"bpe\", \"merges\": " + "[".repeat(5000) + "]".repeat(5000) + "}";
            case 2 -> s.replaceFirst("\\d+", pick(r, List.of("99999999999999999999", "-7", "1.5", "\"x\"", "{}", "null")));
            case 3 -> s.replaceFirst(":", ": {\"a\": " + "[".repeat(300) + "]".repeat(300) + "},");
            default -> s.substring(0, r.nextInt(s.length()));
        }).getBytes(StandardCharsets.UTF_8);
    }

    /** Cuts the file at or near one of its zip structures: a local header, the central directory, the end record. */
    static byte[] truncateAtStructure(SplittableRandom r, byte[] zip) {
        List<Integer> marks = new ArrayList<>();
        for (int i = 0; i + 3 < zip.length; i++) {
            if (zip[i] == 'P' && zip[i + 1] == 'K' && zip[i + 2] < 8 && zip[i + 3] < 9) {
                marks.add(i);
            }
        }
        int at = marks.get(r.nextInt(marks.size())) + r.nextInt(64) - 8;
        return Arrays.copyOf(zip, Math.max(0, Math.min(zip.length - 1, at)));
    }

    static Map<String, byte[]> resign(Map<String, byte[]> entries) {
        String manifest = new String(entries.get("manifest.json"), StandardCharsets.UTF_8);
        for (var e : entries.entrySet()) {
            if (!e.getKey().equals("manifest.json")) {
                manifest = manifest.replaceAll("\"" + e.getKey().replace(".", "\\.") + "\": \"[0-9a-f]+\"",
                        "\"" + e.getKey() + "\": \"" + Sha256.of(e.getValue()) + "\"");
            }
        }
        entries.put("manifest.json", manifest.getBytes(StandardCharsets.UTF_8));
        return entries;
    }

    static byte[] splice(byte[] b, int from, int to, byte[] insert) {
        byte[] out = new byte[b.length - (to - from) + insert.length];
        System.arraycopy(b, 0, out, 0, from);
        System.arraycopy(insert, 0, out, from, insert.length);
        System.arraycopy(b, to, out, from + insert.length, b.length - to);
        return out;
    }

    static <T> T pick(SplittableRandom r, java.util.Collection<T> options) {
        return new ArrayList<>(options).get(r.nextInt(options.size()));
    }

    static Map<String, byte[]> unzip(byte[] bytes) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(bytes))) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                entries.put(e.getName(), zip.readAllBytes());
            }
        }
        return entries;
    }

    /** A zip of these entries; {@code twice} names one to write a second time (a duplicate entry). */
    static byte[] zip(Map<String, byte[]> entries, String twice) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            List<String> names = new ArrayList<>(entries.keySet());
            if (twice != null) {
                names.add(twice);
            }
            for (String name : names) {
                zip.putNextEntry(new ZipEntry(name));
                zip.write(entries.get(name));
                zip.closeEntry();
            }
        } catch (java.util.zip.ZipException duplicate) {
            return writeDuplicateByHand(entries, twice);
        }
        return out.toByteArray();
    }

    /** ZipOutputStream refuses duplicates, so the second copy is written as a zip of its own and joined. */
    static byte[] writeDuplicateByHand(Map<String, byte[]> entries, String twice) throws IOException {
        ByteArrayOutputStream first = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(first)) {
            zip.putNextEntry(new ZipEntry(twice));
            zip.write(entries.get(twice));
            zip.closeEntry();
        }
        byte[] head = first.toByteArray();
        // keep only the local entry of the first zip (drop its central directory), then the full zip
        int central = indexOf(head, new byte[] {'P', 'K', 1, 2});
        byte[] rest = zip(entries, null);
        return splice(rest, 0, 0, Arrays.copyOf(head, central));
    }

    static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int k = 0; k < needle.length; k++) {
                if (hay[i + k] != needle[k]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    static byte[] gzip(byte[] text) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(text);
        }
        return out.toByteArray();
    }
}
