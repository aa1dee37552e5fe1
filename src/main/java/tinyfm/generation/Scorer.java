package tinyfm.generation;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import tinyfm.engine.Engine;
import tinyfm.model.Gpt;

/**
 * How likely a language model finds a continuation after a context, for many texts per call. Each
 * (context, continuation) pair is one row of a batch, padded at its end; attention is causal, so the
 * padding changes nothing before it, and one forward pass scores a whole batch.
 */
public final class Scorer {
    /** Sequences per forward pass. */
    public static final int BATCH = 32;
    private final Gpt gpt;
    private final Engine engine;

    public Scorer(Gpt gpt) {
        this.gpt = gpt;
        this.engine = gpt.newEngine();
    }

    /**
     * log P(continuation | context) in nats, the sum over the continuation's tokens, for each pair.
     * Contexts must be non-empty; a pair longer than the context window keeps the end of its context.
     */
    public double[] logLikelihoods(List<int[]> contexts, List<int[]> continuations) {
        double[] out = new double[contexts.size()];
        for (int from = 0; from < out.length; from += BATCH) {
            int to = Math.min(out.length, from + BATCH);
            score(contexts.subList(from, to), continuations.subList(from, to), out, from);
        }
        return out;
    }

    private void score(List<int[]> contexts, List<int[]> continuations, double[] out, int offset) {
        int window = gpt.config().contextLength(), batch = contexts.size();
        List<int[]> sequences = new ArrayList<>();
        int time = 0;
        for (int i = 0; i < batch; i++) {
            int[] context = contexts.get(i), continuation = continuations.get(i);
            if (context.length == 0) {
                throw new IllegalArgumentException("a continuation needs a context of at least one token");
            }
            int keep = Math.min(context.length, window - continuation.length);
            if (keep < 1) {
                throw new IllegalArgumentException("a continuation of " + continuation.length + " tokens does not fit the window of " + window);
            }
            int[] s = new int[keep + continuation.length];
            System.arraycopy(context, context.length - keep, s, 0, keep);
            System.arraycopy(continuation, 0, s, keep, continuation.length);
            sequences.add(s);
            time = Math.max(time, s.length);
        }
        int[] tokens = new int[batch * time];  // padding: token 0, after each sequence's end
        List<Integer> rows = new ArrayList<>();
        List<Integer> targets = new ArrayList<>();
        for (int i = 0; i < batch; i++) {
            int[] s = sequences.get(i);
            System.arraycopy(s, 0, tokens, i * time, s.length);
            int first = s.length - continuations.get(i).length;
            for (int j = first; j < s.length; j++) {
                rows.add(i * time + j - 1);     // the state before token j predicts token j
                targets.add(s[j]);
            }
        }
        INDArray hidden = gpt.forward(engine, tokens, batch, time, false, null).hidden();
        INDArray states = engine.array(rows.size(), hidden.columns());
        engine.gatherRows(hidden, rows.stream().mapToInt(Integer::intValue).toArray(), states);
        double[] nats = engine.crossEntropy(gpt.logits(engine, states), targets.stream().mapToInt(Integer::intValue).toArray(), null);
        int k = 0;
        for (int i = 0; i < batch; i++) {
            double sum = 0;
            for (int j = 0; j < continuations.get(i).length; j++) {
                sum -= nats[k++];
            }
            out[offset + i] = sum;
        }
    }
}
