package tinyfm.model;

import java.nio.FloatBuffer;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Sigmoid;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The elementwise steps of the model, each as one pass over float32 memory. Composed of ND4J ops,
 * a step like the softmax backward pass costs six native calls and six trips through memory; in a
 * Java loop over the array's own memory it is one (see README, Performance).
 *
 * <p>Each kernel also has the composed ND4J version, which runs for float64. The gradient checks
 * run in float64, so they verify the maths; KernelsTest checks that the float32 loops match it.
 */
public final class Kernels {
    /** GELU(x) = x · sigmoid(1.702 x), the sigmoid approximation of the Gaussian error linear unit. */
    static final float GELU_K = 1.702f;

    private Kernels() {
    }

    /** True when every array is contiguous float32, the case the loops here handle. */
    public static boolean fast(INDArray... arrays) {
        for (INDArray a : arrays) {
            // ND4J calls a 1-D view 'f'-ordered; for a vector the order does not matter
            boolean rowMajor = a.rank() <= 1 || a.ordering() == 'c';
            if (a.dataType() != DataType.FLOAT || !rowMajor || a.elementWiseStride() != 1) {
                return false;
            }
        }
        return true;
    }

    /** The array's own elements, from its first (a view's buffer starts where the view does). */
    static FloatBuffer floats(INDArray a) {
        return new FloatPointer(a.data().addressPointer()).position(0).limit(a.length()).asBuffer();
    }

    /** out = a + b (the residual connection). */
    static void add(INDArray a, INDArray b, INDArray out) {
        if (!fast(a, b, out)) {
            out.assign(a).addi(b);
            return;
        }
        FloatBuffer fa = floats(a), fb = floats(b), fo = floats(out);
        int n = (int) out.length();
        Halves.run(n, n, (from, to) -> {
            for (int i = from; i < to; i++) {
                fo.put(i, fa.get(i) + fb.get(i));
            }
        });
    }

    /**
     * grad[ids[i]] += rows[i] for every i: the backward pass of an embedding lookup, where a token
     * that occurs several times collects the gradient of each occurrence. Each half of the columns
     * is summed on its own thread, in the order of i, so the sums do not depend on the split.
     */
    static void addRowsAt(INDArray grad, int[] ids, INDArray rows) {
        int c = (int) rows.columns();
        if (!fast(grad, rows)) {
            for (int i = 0; i < ids.length; i++) {
                grad.getRow(ids[i]).addi(rows.getRow(i));
            }
            return;
        }
        FloatBuffer fg = floats(grad), fr = floats(rows);
        Halves.run(c, (long) ids.length * c, (from, to) -> {
            for (int i = 0; i < ids.length; i++) {
                int g = ids[i] * c, r = i * c;
                for (int j = from; j < to; j++) {
                    fg.put(g + j, fg.get(g + j) + fr.get(r + j));
                }
            }
        });
    }

    /** Every row of x becomes a copy of row (a vector of x's width). */
    static void fillRows(INDArray x, INDArray row) {
        if (!fast(x, row)) {
            x.assign(row.reshape(1, row.length()).broadcast(x.shape()));
            return;
        }
        FloatBuffer fx = floats(x);
        int rows = (int) x.rows(), cols = (int) x.columns();
        float[] values = new float[cols];
        floats(row).get(0, values, 0, cols);
        Halves.run(rows, (long) rows * cols, (from, to) -> {
            for (int r = from; r < to; r++) {
                fx.put(r * cols, values, 0, cols);
            }
        });
    }

    /**
     * Causal softmax over the last axis of scores [rows, T], where row r is query position t = r mod T:
     * probs[r, s] = exp(scores[r, s] − max) / Σ exp(...) over the past and present, s ≤ t, and exactly
     * 0 for the future, s > t. This is the mask that lets one pass train every position at once.
     */
    static void causalSoftmax(INDArray scores, INDArray probs, int time) {
        long rows = scores.length() / time;
        INDArray s2 = scores.reshape('c', rows, time), p2 = probs.reshape('c', rows, time);
        if (!fast(s2, p2)) {
            for (int t = 0; t < time - 1; t++) {  // rows t, t + T, t + 2T, ...: hide columns after t
                s2.get(NDArrayIndex.interval(t, time, rows), NDArrayIndex.interval(t + 1, time)).assign(Double.NEGATIVE_INFINITY);
            }
            Nd4j.exec(new SoftMax(s2, p2, 1));
            return;
        }
        FloatBuffer fs = floats(s2), fp = floats(p2);
        Halves.run((int) rows, scores.length(), (from, to) -> {
            for (int r = from; r < to; r++) {
                int base = r * time, last = r % time;
                float max = Float.NEGATIVE_INFINITY;
                for (int j = 0; j <= last; j++) {
                    max = Math.max(max, fs.get(base + j));
                }
                float sum = 0;
                for (int j = 0; j <= last; j++) {
                    float e = (float) Math.exp(fs.get(base + j) - max);
                    fp.put(base + j, e);
                    sum += e;
                }
                float inv = 1 / sum;
                for (int j = 0; j <= last; j++) {
                    fp.put(base + j, fp.get(base + j) * inv);
                }
                for (int j = last + 1; j < time; j++) {
                    fp.put(base + j, 0);
                }
            }
        });
    }

    /**
     * The backward pass of {@link #causalSoftmax}: dScores = scale · p ⊙ (dp − Σ(dp ⊙ p)) over the
     * last axis of [rows, T]. The future has p = 0, so its gradient is 0 and the loops skip it.
     * Writes into dScores; p and dp are left as they are.
     */
    static void causalSoftmaxBackward(INDArray p, INDArray dp, double scale, INDArray dScores, int time) {
        long rows = p.length() / time;
        INDArray p2 = p.reshape('c', rows, time), dp2 = dp.reshape('c', rows, time), ds2 = dScores.reshape('c', rows, time);
        if (!fast(p2, dp2, ds2)) {
            INDArray rowSum = dp2.mul(p2).sum(true, 1);
            ds2.assign(dp2).subiColumnVector(rowSum).muli(p2).muli(scale);
            return;
        }
        FloatBuffer fp = floats(p2), fdp = floats(dp2), fds = floats(ds2);
        float k = (float) scale;
        Halves.run((int) rows, p.length(), (from, to) -> {
            for (int r = from; r < to; r++) {
                int base = r * time, last = r % time;
                float dot = 0;
                for (int s = 0; s <= last; s++) {
                    dot += fp.get(base + s) * fdp.get(base + s);
                }
                for (int s = 0; s <= last; s++) {
                    fds.put(base + s, k * fp.get(base + s) * (fdp.get(base + s) - dot));
                }
                for (int s = last + 1; s < time; s++) {
                    fds.put(base + s, 0);
                }
            }
        });
    }

    /** activated = GELU(x); keeps sig = sigmoid(1.702 x), from which the backward pass needs no exp. */
    static void geluForward(INDArray x, INDArray sig, INDArray activated) {
        if (!fast(x, sig, activated)) {
            Nd4j.exec(new Sigmoid(x.mul(GELU_K), sig));
            activated.assign(x).muli(sig);
            return;
        }
        FloatBuffer fx = floats(x), fs = floats(sig), fa = floats(activated);
        int n = (int) x.length();
        Halves.run(n, n, (from, to) -> {
            for (int i = from; i < to; i++) {
                fs.put(i, GELU_K * fx.get(i));
            }
        });
        Nd4j.exec(new Sigmoid(sig, sig));
        Halves.run(n, n, (from, to) -> {
            for (int i = from; i < to; i++) {
                fa.put(i, fx.get(i) * fs.get(i));
            }
        });
    }

    /** dx *= GELU'(x) = s + 1.702 · x · s · (1 − s), with s = sigmoid(1.702 x) from the forward pass. */
    static void geluBackward(INDArray x, INDArray sig, INDArray dx) {
        if (!fast(x, sig, dx)) {
            dx.muli(sig.rsub(1.0).muli(sig).muli(x).muli(GELU_K).addi(sig));
            return;
        }
        FloatBuffer fx = floats(x), fs = floats(sig), fd = floats(dx);
        int n = (int) x.length();
        Halves.run(n, n, (from, to) -> {
            for (int i = from; i < to; i++) {
                float s = fs.get(i);
                fd.put(i, fd.get(i) * (s + GELU_K * fx.get(i) * s * (1 - s)));
            }
        });
    }

    /**
     * One AdamW step in a single pass, for float32 (pretraining.AdamW composes the same from ND4J
     * ops for other types). For each element: decoupled weight decay p -= lr·wd·mask·p; moments
     * m = β1·m + (1−β1)·g and v = β2·v + (1−β2)·g²; then p -= stepSize · m / (√v + ε), where stepSize
     * = lr·√(1−β2^t)/(1−β1^t) corrects both moments' bias towards zero, as ND4J's AdamUpdater does.
     */
    public static void adamW(INDArray params, INDArray grads, INDArray decayMask, INDArray m, INDArray v,
                             double lr, double beta1, double beta2, double eps, double weightDecay, long t) {
        FloatBuffer fp = floats(params), fg = floats(grads), fmask = floats(decayMask), fm = floats(m), fv = floats(v);
        float decay = (float) (lr * weightDecay), b1 = (float) beta1, b2 = (float) beta2, e = (float) eps;
        float stepSize = (float) (lr * Math.sqrt(1 - Math.pow(beta2, t)) / (1 - Math.pow(beta1, t)));
        int n = (int) params.length();
        Halves.run(n, n, (from, to) -> {
            for (int i = from; i < to; i++) {
                float g = fg.get(i), p = fp.get(i);
                p -= decay * fmask.get(i) * p;
                float mi = b1 * fm.get(i) + (1 - b1) * g;
                float vi = b2 * fv.get(i) + (1 - b2) * g * g;
                fm.put(i, mi);
                fv.put(i, vi);
                fp.put(i, p - stepSize * mi / ((float) Math.sqrt(vi) + e));
            }
        });
    }
}
