package tinyfm.generation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.nd4j.linalg.api.ndarray.INDArray;
import tinyfm.model.Gpt;
import tinyfm.tokenizer.Tokenizer;

/**
 * Prompting a language model: encode the prompt, then repeatedly sample the next token and feed it
 * back in. This loop is all "generative AI" is, at any scale.
 */
public final class Generator {
    private final Gpt gpt;
    private final Tokenizer tokenizer;
    private Gpt.Decoder decoder; // a Generator serves one thread, like the model's own engine

    public Generator(Gpt gpt, Tokenizer tokenizer) {
        this.gpt = gpt;
        this.tokenizer = tokenizer;
    }

    /** One candidate for the next token: its text and the model's probability for it. */
    public record Candidate(String piece, double probability) {}

    /**
     * What the language model predicts after the prompt: the {@code k} most likely next tokens, each
     * with its probability (the softmax of the logits). Sampling picks among exactly these numbers.
     */
    public List<Candidate> nextTokens(String prompt, int k) {
        int[] ids = prompt.isEmpty() ? new int[] {tokenizer.endOfText()} : tokenizer.encode(prompt);
        int context = gpt.config().contextLength();
        double[] z = values(decoder().feed(Arrays.copyOfRange(ids, Math.max(0, ids.length - context + 1), ids.length)));
        double max = Arrays.stream(z).max().orElseThrow(), sum = 0;
        for (double v : z) {
            sum += Math.exp(v - max);
        }
        final double total = sum;
        return java.util.stream.IntStream.range(0, z.length).boxed()
                .sorted((a, b) -> Double.compare(z[b], z[a])).limit(k)
                .map(id -> new Candidate(tokenizer.piece(id), Math.exp(z[id] - max) / total)).toList();
    }

    /** Generates up to {@code maxTokens} tokens after the prompt; streams text pieces to {@code onText} as they become printable. */
    public String generate(String prompt, int maxTokens, Sampling sampling, Consumer<String> onText) {
        int context = gpt.config().contextLength();
        List<Integer> window = new ArrayList<>();
        for (int id : prompt.isEmpty() ? new int[] {tokenizer.endOfText()} : tokenizer.encode(prompt)) {
            window.add(id);
        }
        if (window.size() >= context) {
            window = new ArrayList<>(window.subList(window.size() - context + 1, window.size()));
        }
        SplittableRandom random = new SplittableRandom(sampling.seed());
        Gpt.Decoder decoder = decoder();
        INDArray logits = decoder.feed(ints(window)); // the prompt in one pass
        List<Integer> generated = new ArrayList<>();
        String emitted = "";
        for (int i = 0; i < maxTokens; i++) {
            int next = sample(logits, sampling, random);
            generated.add(next);
            window.add(next);
            String text = tokenizer.decode(generated.stream().mapToInt(Integer::intValue).toArray());
            if (!text.endsWith("\uFFFD") && text.length() > emitted.length()) { // wait for whole UTF-8 characters
                onText.accept(text.substring(emitted.length()));
                emitted = text;
            }
            if (i == maxTokens - 1) {
                break;
            }
            if (decoder.full()) {
                // slide: keep the most recent half of the window and rebuild the cache from it
                window = new ArrayList<>(window.subList(window.size() - context / 2, window.size()));
                decoder.reset();
                decoder.feed(ints(window.subList(0, window.size() - 1)));
            }
            logits = decoder.step(next);
        }
        String text = tokenizer.decode(generated.stream().mapToInt(Integer::intValue).toArray());
        if (text.length() > emitted.length()) {
            onText.accept(text.substring(emitted.length()));
        }
        return text;
    }

    /** One decoder for every call: its arrays and views are made once, so later calls start fast. */
    private Gpt.Decoder decoder() {
        if (decoder == null) {
            decoder = gpt.new Decoder();
        }
        decoder.reset();
        return decoder;
    }

    private static int[] ints(List<Integer> ids) {
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The logits as doubles: one bulk read of float32 memory (toDoubleVector costs tens of microseconds). */
    static double[] values(INDArray logits) {
        if (logits.dataType() != org.nd4j.linalg.api.buffer.DataType.FLOAT || logits.elementWiseStride() != 1) {
            return logits.toDoubleVector();
        }
        float[] f = new float[(int) logits.length()];
        new org.bytedeco.javacpp.FloatPointer(logits.data().addressPointer()).get(f);
        double[] z = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            z[i] = f[i];
        }
        return z;
    }

    static int sample(INDArray logits, Sampling sampling, SplittableRandom random) {
        double[] z = values(logits);
        if (sampling.temperature() == 0) {
            int best = 0;
            for (int i = 1; i < z.length; i++) {
                if (z[i] > z[best]) {
                    best = i;
                }
            }
            return best;
        }
        double cutoff = Double.NEGATIVE_INFINITY;
        if (sampling.topK() > 0 && sampling.topK() < z.length) {
            cutoff = kthLargest(z.clone(), sampling.topK());
        }
        double max = Arrays.stream(z).max().orElseThrow(), sum = 0;
        double[] p = new double[z.length];
        for (int i = 0; i < z.length; i++) {
            p[i] = z[i] < cutoff ? 0 : Math.exp((z[i] - max) / sampling.temperature());
            sum += p[i];
        }
        double u = random.nextDouble() * sum;
        for (int i = 0; i < p.length; i++) {
            u -= p[i];
            if (u <= 0 && p[i] > 0) {
                return i;
            }
        }
        for (int i = p.length - 1; i >= 0; i--) {
            if (p[i] > 0) {
                return i;
            }
        }
        return 0;
    }

    /** The k-th largest value, by quickselect: linear time, where sorting the whole vocabulary every token was not. */
    static double kthLargest(double[] a, int k) {
        int lo = 0, hi = a.length - 1, target = a.length - k;
        SplittableRandom pivots = new SplittableRandom(a.length);
        while (lo < hi) {
            double pivot = a[lo + pivots.nextInt(hi - lo + 1)];
            int i = lo, j = hi;
            while (i <= j) {
                while (a[i] < pivot) {
                    i++;
                }
                while (a[j] > pivot) {
                    j--;
                }
                if (i <= j) {
                    double t = a[i];
                    a[i++] = a[j];
                    a[j--] = t;
                }
            }
            if (target <= j) {
                hi = j;
            } else if (target >= i) {
                lo = i;
            } else {
                return a[target];
            }
        }
        return a[target];
    }
}
