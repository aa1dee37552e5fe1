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
        Gpt.Decoder decoder = gpt.new Decoder();
        INDArray logits = null;
        int[] ids = prompt.isEmpty() ? new int[] {tokenizer.endOfText()} : tokenizer.encode(prompt);
        int context = gpt.config().contextLength();
        for (int i = Math.max(0, ids.length - context + 1); i < ids.length; i++) {
            logits = decoder.step(ids[i]);
        }
        double[] z = logits.toDoubleVector();
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
        Gpt.Decoder decoder = gpt.new Decoder();
        INDArray logits = null;
        for (int id : window) {
            logits = decoder.step(id);
        }
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
                for (int j = 0; j < window.size() - 1; j++) {
                    decoder.step(window.get(j));
                }
            }
            logits = decoder.step(next);
        }
        String text = tokenizer.decode(generated.stream().mapToInt(Integer::intValue).toArray());
        if (text.length() > emitted.length()) {
            onText.accept(text.substring(emitted.length()));
        }
        return text;
    }

    static int sample(INDArray logits, Sampling sampling, SplittableRandom random) {
        double[] z = logits.toDoubleVector();
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
            double[] sorted = z.clone();
            Arrays.sort(sorted);
            cutoff = sorted[z.length - sampling.topK()];
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
}
