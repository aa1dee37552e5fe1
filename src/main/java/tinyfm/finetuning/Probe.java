package tinyfm.finetuning;

import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.nd4j.linalg.api.ndarray.INDArray;
import tinyfm.data.Example;
import tinyfm.engine.OffHeap;
import tinyfm.model.Gpt;
import tinyfm.tokenizer.Tokenizer;

/**
 * A linear probe: what does the frozen base already know about a task? Each text becomes one
 * vector, the mean, the maximum and the last of the base's hidden states over its positions; a
 * logistic regression, the only thing trained, reads the label from it. No weight of the base
 * moves, so whatever the probe finds was learned by pretraining alone, without a single label.
 */
public final class Probe {
    /** L2 strengths tried; the one with the best validation accuracy is kept. */
    private static final double[] L2 = {1e-3, 1e-2, 1e-1};
    private static final int ITERATIONS = 300;
    private static final int BATCH = 32;

    private final List<String> labels;
    private double[] mean, scale;
    private double[][] weights; // [K][F + 1], the last column is the bias

    public Probe(List<String> labels) {
        this.labels = labels;
    }

    /** The pooled hidden states of every example, computed once: the base is frozen, so they never change. */
    public static Map<Example, double[]> features(Gpt base, Tokenizer tokenizer, List<Example> examples) {
        int context = base.config().contextLength();
        Map<Example, double[]> out = new IdentityHashMap<>();
        for (int start = 0; start < examples.size(); start += BATCH) {
            List<Example> part = examples.subList(start, Math.min(examples.size(), start + BATCH));
            List<int[]> encoded = part.stream().map(e -> Batches.encode(tokenizer, e.text(), context)).toList();
            var batch = Batches.of(encoded, null, tokenizer, context);
            INDArray hidden = base.forwardHidden(batch.tokens(), batch.batch(), batch.time(), false);
            int c = (int) hidden.columns();
            float[] h = OffHeap.toFloats(hidden); // [B·T, C] in one bulk copy

            for (int b = 0; b < part.size(); b++) {
                double[] f = new double[3 * c];
                Arrays.fill(f, c, 2 * c, Double.NEGATIVE_INFINITY);
                int n = batch.last()[b] + 1;
                for (int t = 0; t < n; t++) {
                    int row = (b * batch.time() + t) * c;
                    for (int j = 0; j < c; j++) {
                        double v = h[row + j];
                        f[j] += v / n;                          // mean
                        f[c + j] = Math.max(f[c + j], v);       // max
                        if (t == n - 1) {
                            f[2 * c + j] = v;                   // last: the end-of-text state
                        }
                    }
                }
                out.put(part.get(b), f);
            }
        }
        return out;
    }

    /** Fits the regression on the training features, choosing the L2 strength on the validation set. */
    public void train(List<Example> train, List<Example> validation, Map<Example, double[]> features) {
        double[][] x = standardizeFit(train.stream().map(features::get).toList());
        int[] y = train.stream().mapToInt(e -> labels.indexOf(e.label())).toArray();
        double best = -1;
        double[][] bestWeights = null;
        for (double l2 : L2) {
            weights = fit(x, y, l2);
            double accuracy = evaluate(validation, features).accuracy();
            if (accuracy > best) {
                best = accuracy;
                bestWeights = weights;
            }
        }
        weights = bestWeights;
    }

    private double[][] standardizeFit(List<double[]> rows) {
        int f = rows.get(0).length, n = rows.size();
        mean = new double[f];
        scale = new double[f];
        for (double[] r : rows) {
            for (int j = 0; j < f; j++) {
                mean[j] += r[j] / n;
            }
        }
        for (double[] r : rows) {
            for (int j = 0; j < f; j++) {
                scale[j] += (r[j] - mean[j]) * (r[j] - mean[j]) / n;
            }
        }
        for (int j = 0; j < f; j++) {
            scale[j] = 1 / Math.sqrt(scale[j] + 1e-8);
        }
        return rows.stream().map(this::standardize).toArray(double[][]::new);
    }

    private double[] standardize(double[] r) {
        double[] s = new double[r.length];
        for (int j = 0; j < r.length; j++) {
            s[j] = (r[j] - mean[j]) * scale[j];
        }
        return s;
    }

    /**
     * Softmax regression by full-batch gradient descent with momentum; deterministic. The step is
     * 1/L, where L bounds the loss's curvature: half the largest eigenvalue of XᵀX/n, plus the L2.
     */
    private double[][] fit(double[][] x, int[] y, double l2) {
        int k = labels.size(), f = x[0].length, n = x.length;
        double step = 1 / (0.5 * (largestEigenvalue(x) + 1) + l2); // + 1: the bias column
        double[][] w = new double[k][f + 1], velocity = new double[k][f + 1];
        for (int it = 0; it < ITERATIONS; it++) {
            double[][] grad = new double[k][f + 1];
            for (int i = 0; i < n; i++) {
                double[] p = probabilities(w, x[i]);
                p[y[i]] -= 1;
                for (int c = 0; c < k; c++) {
                    double g = p[c] / n;
                    for (int j = 0; j < f; j++) {
                        grad[c][j] += g * x[i][j];
                    }
                    grad[c][f] += g;
                }
            }
            for (int c = 0; c < k; c++) {
                for (int j = 0; j <= f; j++) {
                    double g = grad[c][j] + (j < f ? l2 * w[c][j] : 0);
                    velocity[c][j] = 0.9 * velocity[c][j] - step * g;
                    w[c][j] += velocity[c][j];
                }
            }
        }
        return w;
    }

    /** The largest eigenvalue of XᵀX/n, by power iteration. */
    private static double largestEigenvalue(double[][] x) {
        int f = x[0].length;
        double[] v = new double[f];
        Arrays.fill(v, 1 / Math.sqrt(f));
        double lambda = 0;
        for (int it = 0; it < 30; it++) {
            double[] next = new double[f];
            for (double[] row : x) {
                double dot = 0;
                for (int j = 0; j < f; j++) {
                    dot += row[j] * v[j];
                }
                for (int j = 0; j < f; j++) {
                    next[j] += dot * row[j] / x.length;
                }
            }
            lambda = Math.sqrt(Arrays.stream(next).map(a -> a * a).sum());
            for (int j = 0; j < f; j++) {
                v[j] = next[j] / Math.max(lambda, 1e-12);
            }
        }
        return lambda;
    }

    private static double[] probabilities(double[][] w, double[] x) {
        int k = w.length, f = x.length;
        double[] z = new double[k];
        for (int c = 0; c < k; c++) {
            z[c] = w[c][f];
            for (int j = 0; j < f; j++) {
                z[c] += w[c][j] * x[j];
            }
        }
        return Softmax.inPlace(z);
    }

    public Metrics evaluate(List<Example> examples, Map<Example, double[]> features) {
        int[] truth = examples.stream().mapToInt(e -> labels.indexOf(e.label())).toArray();
        int[] predicted = examples.stream().mapToInt(e -> {
            double[] p = probabilities(weights, standardize(features.get(e)));
            return IntStream.range(0, p.length).reduce((a, b) -> p[b] > p[a] ? b : a).orElse(0);
        }).toArray();
        return Metrics.of(labels, truth, predicted);
    }
}
