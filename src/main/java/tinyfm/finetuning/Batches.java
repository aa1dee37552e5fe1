package tinyfm.finetuning;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import tinyfm.tokenizer.Tokenizer;

/**
 * How labelled texts become the classifier's batches: each text encoded and closed with the
 * end-of-text token, batches of texts of similar length, right-padded to a few shapes.
 */
public final class Batches {
    /** How many batches' worth of shuffled examples are sorted by length together. */
    static final int LENGTH_WINDOW = 32;

    private Batches() {}

    /** Text to ids: the beginning of the text (truncated to fit), then the end-of-text token whose state the head reads. */
    public static int[] encode(Tokenizer tokenizer, String text, int contextLength) {
        int[] ids = tokenizer.encode(text);
        int keep = Math.min(ids.length, contextLength - 1);
        int[] out = Arrays.copyOf(ids, keep + 1);
        out[keep] = tokenizer.endOfText();
        return out;
    }

    /** Encoded texts right-padded into one batch; {@code labels} may be null when only predicting. */
    public static Classifier.Batch of(List<int[]> encoded, int[] labels, Tokenizer tokenizer, int contextLength) {
        // pad to a multiple of 8 tokens: a few batch shapes, so activation buffers are reused
        int longest = encoded.stream().mapToInt(a -> a.length).max().orElse(1);
        int time = Math.min((longest + 7) / 8 * 8, Math.max(longest, contextLength));
        int[] tokens = new int[encoded.size() * time];
        Arrays.fill(tokens, tokenizer.pad());
        int[] last = new int[encoded.size()];
        for (int b = 0; b < encoded.size(); b++) {
            System.arraycopy(encoded.get(b), 0, tokens, b * time, encoded.get(b).length);
            last[b] = encoded.get(b).length - 1;
        }
        return new Classifier.Batch(tokens, encoded.size(), time, last, labels);
    }

    /** The examples at these indices as one batch. */
    static Classifier.Batch select(int[] indices, List<int[]> x, int[] y, Tokenizer tokenizer, int contextLength) {
        List<int[]> texts = Arrays.stream(indices).mapToObj(x::get).toList();
        int[] labels = y == null ? null : Arrays.stream(indices).map(i -> y[i]).toArray();
        return of(texts, labels, tokenizer, contextLength);
    }

    /**
     * One epoch's batches, as index lists: the examples are shuffled, then sorted by length within
     * windows of {@link #LENGTH_WINDOW} batches and cut into batches, and the batches are shuffled
     * again. A batch then holds texts of similar length, so little of it is padding, and each epoch
     * still sees the examples in a new random order.
     */
    static List<int[]> lengthGrouped(List<int[]> x, int batchSize, SplittableRandom random) {
        int[] order = shuffled(x.size(), random);
        List<int[]> batches = new ArrayList<>();
        for (int w = 0; w < order.length; w += LENGTH_WINDOW * batchSize) {
            int[] window = byLength(Arrays.stream(order, w, Math.min(order.length, w + LENGTH_WINDOW * batchSize)), x);
            for (int start = 0; start < window.length; start += batchSize) {
                batches.add(Arrays.copyOfRange(window, start, Math.min(window.length, start + batchSize)));
            }
        }
        return Arrays.stream(shuffled(batches.size(), random)).mapToObj(batches::get).toList();
    }

    /** All examples in batches of similar length, in order of length (for prediction, where order does not matter). */
    static List<int[]> inOrderOfLength(List<int[]> x, int batchSize) {
        int[] order = byLength(IntStream.range(0, x.size()), x);
        List<int[]> batches = new ArrayList<>();
        for (int start = 0; start < order.length; start += batchSize) {
            batches.add(Arrays.copyOfRange(order, start, Math.min(order.length, start + batchSize)));
        }
        return batches;
    }

    /** The indices in order of their texts' encoded length; ties keep their order. */
    private static int[] byLength(IntStream indices, List<int[]> encoded) {
        return indices.boxed().sorted(Comparator.comparingInt(i -> encoded.get(i).length)).mapToInt(Integer::intValue).toArray();
    }

    private static int[] shuffled(int n, SplittableRandom random) {
        int[] a = IntStream.range(0, n).toArray();
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1), t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        return a;
    }
}
