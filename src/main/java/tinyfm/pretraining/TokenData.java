package tinyfm.pretraining;

import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import tinyfm.data.Corpus;
import tinyfm.tokenizer.Tokenizer;
import tinyfm.util.UserError;

/**
 * The corpus as one long stream of token ids per split, documents separated by end-of-text.
 * Self-supervision: every window of the stream is its own training example, the input shifted
 * by one token is the target.
 */
public record TokenData(int[] train, int[] validation, long trainBytes, long validationBytes) {

    public static TokenData encode(Corpus corpus, Tokenizer tokenizer, int contextLength) {
        Corpus.Split split = corpus.split();
        int[] train = join(split.train(), tokenizer);
        int[] val = join(split.validation(), tokenizer);
        if (train.length < contextLength + 2) {
            throw new UserError(corpus.name() + ": corpus is too small: " + train.length
                    + " training tokens, fewer than one context window of " + contextLength + " (+1); use more text or a shorter --context");
        }
        if (val.length < contextLength + 2) {
            throw new UserError(corpus.name() + ": corpus is too small: its held-out 5% has " + val.length
                    + " tokens, fewer than one context window of " + contextLength + " (+1); use more text or a shorter --context");
        }
        return new TokenData(train, val, bytes(split.train()), bytes(split.validation()));
    }

    private static long bytes(List<String> texts) {
        return texts.stream().mapToLong(t -> t.getBytes(java.nio.charset.StandardCharsets.UTF_8).length).sum();
    }

    private static int[] join(List<String> docs, Tokenizer tokenizer) {
        // Documents encode independently, so both cores can work.
        List<int[]> parts = IntStream.range(0, docs.size()).parallel()
                .mapToObj(i -> tokenizer.encode(docs.get(i))).toList();
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
            starts[b] = random.nextInt(train.length - time - 1);
        }
        return windows(train, starts, time);
    }

    /** Evenly spaced windows of the validation stream: the same slice every time it is measured. */
    public List<Batch> validationBatches(int windows, int batch, int time) {
        int count = Math.min(windows, Math.max(1, (validation.length - 1) / time));
        int stride = (validation.length - time - 1) / Math.max(1, count - 1);
        int[] starts = IntStream.range(0, count).map(i -> Math.min(i * stride, validation.length - time - 1)).toArray();
        return IntStream.range(0, (count + batch - 1) / batch)
                .mapToObj(i -> windows(validation, java.util.Arrays.copyOfRange(starts, i * batch, Math.min(count, (i + 1) * batch)), time))
                .toList();
    }

    private static Batch windows(int[] stream, int[] starts, int time) {
        int[] x = new int[starts.length * time], y = new int[starts.length * time];
        for (int b = 0; b < starts.length; b++) {
            System.arraycopy(stream, starts[b], x, b * time, time);
            System.arraycopy(stream, starts[b] + 1, y, b * time, time);
        }
        return new Batch(x, y, starts.length, time);
    }
}
