package tinyfm.pretraining;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.ShortBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import tinyfm.data.Corpus;
import tinyfm.tokenizer.Tokenizer;
import tinyfm.util.AtomicFiles;
import tinyfm.util.Sha256;
import tinyfm.util.UserError;

/**
 * The corpus as one long stream of token ids per split, documents separated by end-of-text.
 * Self-supervision: every window of the stream is its own training example, the input shifted
 * by one token is the target.
 *
 * <p>As nanoGPT's {@code prepare.py} writes {@code train.bin} and {@code val.bin}, {@link #cached}
 * encodes a corpus once, two bytes a token, into files named by the corpus's and the tokenizer's
 * sha256, and every later run maps them into memory instead of encoding again.
 */
public record TokenData(Tokens train, Tokens validation, long trainBytes, long validationBytes) {

    /** A split's token ids: in the heap, or memory-mapped from the cache. */
    public interface Tokens {
        int length();

        int get(int i);
    }

    record InMemory(int[] ids) implements Tokens {
        @Override
        public int length() {
            return ids.length;
        }

        @Override
        public int get(int i) {
            return ids[i];
        }
    }

    /** Unsigned 16-bit ids, little-endian, read through a memory map: the file's pages, not the heap. */
    record Mapped(ShortBuffer ids) implements Tokens {
        @Override
        public int length() {
            return ids.limit();
        }

        @Override
        public int get(int i) {
            return ids.get(i) & 0xFFFF;
        }
    }

    /** Encodes in memory, for a corpus made on the fly (a task's texts) or a vocabulary too large for two bytes. */
    public static TokenData encode(Corpus corpus, Tokenizer tokenizer, int contextLength) {
        Corpus.Split split = corpus.split();
        TokenData data = new TokenData(new InMemory(join(split.train(), tokenizer)), new InMemory(join(split.validation(), tokenizer)),
                bytes(split.train()), bytes(split.validation()));
        return data.checkedFor(corpus.name(), contextLength);
    }

    /** What {@link #cached} did: encoded now (in how many seconds), or found its files. */
    public record Cached(TokenData data, Path file, boolean reused, double seconds) {}

    /** Bump when the encoding of the same text by the same tokenizer would change. */
    static final int CACHE_VERSION = 1;

    /**
     * The corpus's tokens from {@code cacheDir}, encoded there first if no run has yet: per split a file
     * of two-byte ids written as the documents are encoded (a thousand at a time, on every core), and a
     * small JSON written last, so a run killed mid-encoding leaves no entry that looks whole.
     */
    public static Cached cached(Corpus corpus, Tokenizer tokenizer, int contextLength, Path cacheDir) {
        if (tokenizer.vocabSize() > 1 << 16) {
            long t0 = System.nanoTime();
            return new Cached(encode(corpus, tokenizer, contextLength), null, false, (System.nanoTime() - t0) / 1e9);
        }
        String corpusSha256 = corpus.sha256();
        String tokenizerSha256 = Sha256.of(tokenizer.toJson().toString().getBytes(StandardCharsets.UTF_8));
        String key = corpusSha256.substring(0, 16) + "-" + tokenizerSha256.substring(0, 16) + "-v" + CACHE_VERSION;
        Path meta = cacheDir.resolve(key + ".json"), train = cacheDir.resolve(key + ".train.u16"), val = cacheDir.resolve(key + ".val.u16");
        TokenData found = read(meta, train, val, corpusSha256, tokenizerSha256);
        if (found != null) {
            return new Cached(found.checkedFor(corpus.name(), contextLength), meta, true, 0);
        }
        long t0 = System.nanoTime();
        try {
            tinyfm.util.CrashPoints.createDirectories(cacheDir);
        } catch (IOException e) {
            throw new UserError(cacheDir + ": cannot create the token cache: " + e.getMessage());
        }
        Written w = write(corpus, train, val, tokenizer);
        JsonObject m = new JsonObject();
        m.addProperty("corpus", corpus.name());
        m.addProperty("corpus_sha256", corpusSha256);
        m.addProperty("tokenizer_sha256", tokenizerSha256);
        m.addProperty("train_tokens", w.trainTokens);
        m.addProperty("validation_tokens", w.validationTokens);
        m.addProperty("train_bytes", w.trainBytes);
        m.addProperty("validation_bytes", w.validationBytes);
        AtomicFiles.writeString(meta, m + "\n");
        TokenData written = read(meta, train, val, corpusSha256, tokenizerSha256);
        if (written == null) {
            throw new UserError(meta + ": the token cache just written does not read back; delete " + cacheDir + " and run again");
        }
        return new Cached(written.checkedFor(corpus.name(), contextLength), meta, false, (System.nanoTime() - t0) / 1e9);
    }

    /** The cached tokens, or null if the entry is missing, partial or made by something else (then it is written again). */
    private static TokenData read(Path meta, Path train, Path val, String corpusSha256, String tokenizerSha256) {
        if (!Files.isRegularFile(meta) || !Files.isRegularFile(train) || !Files.isRegularFile(val)) {
            return null;
        }
        try {
            JsonObject m = JsonParser.parseString(Files.readString(meta)).getAsJsonObject();
            if (!m.get("corpus_sha256").getAsString().equals(corpusSha256) || !m.get("tokenizer_sha256").getAsString().equals(tokenizerSha256)
                    || Files.size(train) != 2 * m.get("train_tokens").getAsLong() || Files.size(val) != 2 * m.get("validation_tokens").getAsLong()) {
                return null;
            }
            return new TokenData(map(train), map(val), m.get("train_bytes").getAsLong(), m.get("validation_bytes").getAsLong());
        } catch (IOException | RuntimeException damaged) {
            return null;
        }
    }

    private static Mapped map(Path file) throws IOException {
        if (Files.size(file) > 2L * Integer.MAX_VALUE) {
            throw new UserError(file + ": more than " + Integer.MAX_VALUE + " tokens in one split; split the corpus");
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return new Mapped(channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size()).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer());
        }
    }

    /** What {@link #write} wrote: ids and text bytes per split. */
    private static final class Written {
        long trainTokens, validationTokens, trainBytes, validationBytes;
    }

    /**
     * Reads the corpus one file at a time and writes its training documents' ids to {@code train} and its
     * held-out ones' to {@code val}, end-of-text after each, in the corpus's order: the streams of {@link #encode}.
     */
    private static Written write(Corpus corpus, Path train, Path val, Tokenizer tokenizer) {
        Written w = new Written();
        AtomicFiles.write(train, trainOut -> AtomicFiles.write(val, valOut -> {
            DataOutputStream t = new DataOutputStream(new BufferedOutputStream(trainOut, 1 << 20));
            DataOutputStream v = new DataOutputStream(new BufferedOutputStream(valOut, 1 << 20));
            try {
                corpus.forEachFile(split -> {
                    w.trainTokens += append(t, split.train(), tokenizer);
                    w.validationTokens += append(v, split.validation(), tokenizer);
                    w.trainBytes += bytes(split.train());
                    w.validationBytes += bytes(split.validation());
                });
            } catch (java.io.UncheckedIOException e) {
                throw e.getCause();
            }
            t.flush();
            v.flush();
        }));
        return w;
    }

    /** Writes each document's ids and an end-of-text, two bytes each, little-endian; returns how many. */
    private static long append(DataOutputStream out, List<String> docs, Tokenizer tokenizer) {
        long[] count = {0};
        encodeInOrder(docs, tokenizer, ids -> {
            try {
                for (int id : ids) {
                    out.writeShort(Short.reverseBytes((short) id));
                }
                out.writeShort(Short.reverseBytes((short) tokenizer.endOfText()));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            count[0] += ids.length + 1;
        });
        return count[0];
    }

    /**
     * Encodes the documents a thousand at a time on every core (documents encode independently) and hands
     * each one's ids to {@code each} in the documents' order: memory grows with a chunk, not with the corpus.
     */
    private static void encodeInOrder(List<String> docs, Tokenizer tokenizer, Consumer<int[]> each) {
        for (int from = 0; from < docs.size(); from += 1024) {
            List<String> chunk = docs.subList(from, Math.min(docs.size(), from + 1024));
            IntStream.range(0, chunk.size()).parallel().mapToObj(i -> tokenizer.encode(chunk.get(i))).toList().forEach(each);
        }
    }

    private TokenData checkedFor(String corpusName, int contextLength) {
        if (train.length() < contextLength + 2) {
            throw new UserError(corpusName + ": corpus is too small: " + train.length()
                    + " training tokens, fewer than one context window of " + contextLength + " (+1); use more text or a shorter --context");
        }
        if (validation.length() < contextLength + 2) {
            throw new UserError(corpusName + ": corpus is too small: its held-out 5% has " + validation.length()
                    + " tokens, fewer than one context window of " + contextLength + " (+1); use more text or a shorter --context");
        }
        return this;
    }

    private static long bytes(List<String> texts) {
        return texts.stream().mapToLong(t -> t.getBytes(StandardCharsets.UTF_8).length).sum();
    }

    private static int[] join(List<String> docs, Tokenizer tokenizer) {
        List<int[]> parts = new java.util.ArrayList<>(docs.size());
        encodeInOrder(docs, tokenizer, parts::add);
        int total = parts.stream().mapToInt(p -> p.length + 1).sum();
        int[] out = new int[total];
        int at = 0;
        for (int[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
            out[at++] = tokenizer.endOfText();
        }
        return out;
    }

    /** A batch of inputs and next-token targets, row-major [batch × time]. */
    public record Batch(int[] inputs, int[] targets, int batch, int time) {}

    /** Random windows of the train stream; the same (seed, step) always gives the same batch. */
    public Batch trainBatch(long seed, int step, int batch, int time) {
        SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + step);
        int[] starts = new int[batch];
        for (int b = 0; b < batch; b++) {
            starts[b] = random.nextInt(train.length() - time - 1);
        }
        return windows(train, starts, time);
    }

    /** Evenly spaced windows of the validation stream: the same slice every time it is measured. */
    public List<Batch> validationBatches(int windows, int batch, int time) {
        int length = validation.length();
        int count = Math.min(windows, Math.max(1, (length - 1) / time));
        int stride = (length - time - 1) / Math.max(1, count - 1);
        int[] starts = IntStream.range(0, count).map(i -> Math.min(i * stride, length - time - 1)).toArray();
        return IntStream.range(0, (count + batch - 1) / batch)
                .mapToObj(i -> windows(validation, java.util.Arrays.copyOfRange(starts, i * batch, Math.min(count, (i + 1) * batch)), time))
                .toList();
    }

    private static Batch windows(Tokens stream, int[] starts, int time) {
        int[] x = new int[starts.length * time], y = new int[starts.length * time];
        for (int b = 0; b < starts.length; b++) {
            for (int t = 0; t < time; t++) {
                x[b * time + t] = stream.get(starts[b] + t);
                y[b * time + t] = stream.get(starts[b] + t + 1);
            }
        }
        return new Batch(x, y, starts.length, time);
    }
}
