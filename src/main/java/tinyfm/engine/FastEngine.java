package tinyfm.engine;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Sigmoid;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The engine training runs on: float32, matrix products handed to OpenBLAS on the arrays' own memory
 * ({@link Blas}), the element-wise steps as fused Java loops over that memory, large loops split over
 * two cores ({@link Halves}), and every array of a pass reused by the next pass (allocating off-heap
 * memory is slow in ND4J). Each operation agrees with {@link ReferenceEngine} (FastEngineTest).
 *
 * <p>Arrays are handed out in the order a pass asks for them; the n-th array of the next pass reuses
 * the n-th array's memory, grown if the new shape is larger. A pass of the same shapes allocates nothing.
 */
public final class FastEngine implements Engine {
    private final List<INDArray> blocks = new ArrayList<>();
    private final List<Map<String, INDArray>> views = new ArrayList<>();
    private final List<long[]> lastShape = new ArrayList<>();
    private final List<INDArray> lastView = new ArrayList<>();
    private final Map<Long, INDArray> ones = new HashMap<>();
    private final FusedLayerNorm layerNorm = new FusedLayerNorm(this);
    private final Map<INDArray, FloatBuffer> buffers = new IdentityHashMap<>();
    private final Map<INDArray, Map<Long, INDArray>> headViews = new IdentityHashMap<>();
    private final ReferenceEngine reference = new ReferenceEngine(DataType.FLOAT);
    private final float[][] vectors = new float[2][]; // LayerNorm's gain and bias, read as Java arrays
    private int next;

    @Override
    public DataType type() {
        return DataType.FLOAT;
    }

    @Override
    public INDArray array(long... shape) {
        int slot = next++;
        if (slot < lastShape.size() && java.util.Arrays.equals(lastShape.get(slot), shape)) {
            return lastView.get(slot); // the usual case: the same shape as last pass
        }
        long length = 1;
        for (long s : shape) {
            length *= s;
        }
        if (slot == blocks.size()) {
            blocks.add(OffHeap.floats(length));
            views.add(new HashMap<>());
            lastShape.add(null);
            lastView.add(null);
        }
        INDArray block = blocks.get(slot);
        if (block.length() < length) {
            // at least double, so ever longer batches reallocate only a few times
            block = OffHeap.floats(Math.max(length, 2 * block.length()));
            blocks.set(slot, block);
            views.get(slot).clear(); // they pointed into the old block
        }
        INDArray b = block;
        long n = length;
        INDArray view = views.get(slot).computeIfAbsent(java.util.Arrays.toString(shape),
                k -> (b.length() == n ? b : b.get(NDArrayIndex.interval(0, n))).reshape('c', shape));
        lastShape.set(slot, shape.clone());
        lastView.set(slot, view);
        return view;
    }

    @Override
    public void newPass() {
        next = 0;
    }

    /** The same views as {@link Engine#heads}, made once per array: the arrays of a pass come back every pass. */
    @Override
    public INDArray heads(INDArray rows, int batch, int time, int heads, int part, int parts) {
        if (headViews.size() > 1024) {
            headViews.clear();
        }
        long key = (((long) batch * 65_536 + time) * 256 + heads) * 256 + part * 16L + parts;
        return headViews.computeIfAbsent(rows, r -> new HashMap<>())
                .computeIfAbsent(key, k -> Engine.super.heads(rows, batch, time, heads, part, parts));
    }

    // ---- products ----

    @Override
    public void matmul(INDArray a, boolean transposeA, INDArray b, boolean transposeB, double alpha, double beta, INDArray c) {
        if (!floats(a, b, c)) {
            reference.matmul(a, transposeA, b, transposeB, alpha, beta, c);
            return;
        }
        if (c.rank() == 2) {
            Blas.gemm(transposeA, transposeB, alpha, matrix(a), matrix(b), beta, matrix(c));
            return;
        }
        // a batch of products: [B, H, m, k] · [B, H, k, n], one small product per (b, h), two at a time
        int batches = (int) (c.length() / (c.size(-2) * c.size(-1)));
        long work = (long) batches * c.size(-2) * c.size(-1) * (transposeA ? a.size(-2) : a.size(-1));
        Halves.run(batches, work, (from, to) -> {
            for (int i = from; i < to; i++) {
                Blas.gemmWhole(transposeA, transposeB, alpha, matrixAt(a, i).withBase(buffer(a)), matrixAt(b, i).withBase(buffer(b)),
                        beta, matrixAt(c, i).withBase(buffer(c)));
            }
        });
    }

    private Blas.Matrix matrix(INDArray a) {
        return Blas.Matrix.of(a).withBase(buffer(a));
    }

    /** The i-th matrix of a 3-D or 4-D array (its last two axes), read in place through the strides. */
    static Blas.Matrix matrixAt(INDArray x, int i) {
        int rank = x.rank();
        if (x.stride(rank - 1) != 1 && x.size(rank - 1) != 1) {
            throw new IllegalArgumentException("the last axis must be contiguous, got strides " + java.util.Arrays.toString(x.stride()));
        }
        long offset = x.offset();
        for (int axis = rank - 3; axis >= 0; axis--) {
            long size = x.size(axis);
            offset += (i % size) * x.stride(axis);
            i /= size;
        }
        int rows = (int) x.size(rank - 2), cols = (int) x.size(rank - 1);
        int stride = rows == 1 ? cols : (int) x.stride(rank - 2);
        return new Blas.Matrix(x, offset, rows, cols, stride);
    }

    // ---- element-wise and row-wise ----

    @Override
    public void add(INDArray a, INDArray b, INDArray out) {
        if (!contiguous(a, b, out)) {
            reference.add(a, b, out);
            return;
        }
        FloatBuffer fa = buffer(a), fb = buffer(b), fo = buffer(out);
        int n = (int) out.length();
        Halves.run(n, n, (from, to) -> {
            for (int i = from; i < to; i++) {
                fo.put(i, fa.get(i) + fb.get(i));
            }
        });
    }

    @Override
    public void fillRows(INDArray x, INDArray row) {
        if (!contiguous(x, row)) {
            reference.fillRows(x, row);
            return;
        }
        FloatBuffer fx = buffer(x);
        int rows = (int) (x.length() / row.length()), cols = (int) row.length();
        float[] values = new float[cols];
        buffer(row).get(0, values, 0, cols);
        Halves.run(rows, (long) rows * cols, (from, to) -> {
            for (int r = from; r < to; r++) {
                fx.put(r * cols, values, 0, cols);
            }
        });
    }

    /** A product with a row of ones sums the rows; BLAS accumulates it straight into {@code into}. */
    @Override
    public void addColumnSums(INDArray a, INDArray into) {
        if (!contiguous(a, into)) {
            reference.addColumnSums(a, into);
            return;
        }
        INDArray one = ones.computeIfAbsent((long) a.rows(), r -> Nd4j.ones(DataType.FLOAT, 1, r));
        Blas.gemm(false, false, 1, matrix(one), matrix(a), 1, Blas.Matrix.of(into.reshape(1, into.length())));
    }

    /** Row by row through the strides: a key/value cache append copies a few rows per head. */
    @Override
    public void copy(INDArray from, INDArray to) {
        if (from.rank() < 3 || !floats(from, to)) {
            reference.copy(from, to);
            return;
        }
        int batches = (int) (to.length() / (to.size(-2) * to.size(-1)));
        FloatBuffer s = buffer(from), d = buffer(to);
        for (int i = 0; i < batches; i++) {
            Blas.Matrix src = matrixAt(from, i), dst = matrixAt(to, i);
            int si = (int) (src.offset() - from.offset()), di = (int) (dst.offset() - to.offset());
            for (int r = 0; r < src.rows(); r++) {
                for (int j = 0; j < src.cols(); j++) {
                    d.put(di + r * dst.stride() + j, s.get(si + r * src.stride() + j));
                }
            }
        }
    }

    @Override
    public void gelu(INDArray x, INDArray sig, INDArray activated) {
        if (!contiguous(x, sig, activated)) {
            reference.gelu(x, sig, activated);
            return;
        }
        FloatBuffer fx = buffer(x), fs = buffer(sig), fa = buffer(activated);
        int n = (int) x.length();
        float k = (float) ReferenceEngine.GELU_K;
        Halves.run(n, n, (from, to) -> {
            for (int i = from; i < to; i++) {
                fs.put(i, k * fx.get(i));
            }
        });
        if (n >= 16_384) {
            Nd4j.exec(new Sigmoid(sig, sig)); // ND4J's vectorised exp beats Java's Math.exp on training's sizes
        } else {                              // and its call costs more than the work when decoding a token
            for (int i = 0; i < n; i++) {
                fs.put(i, (float) (1 / (1 + Math.exp(-fs.get(i)))));
            }
        }
        Halves.run(n, n, (from, to) -> {
            for (int i = from; i < to; i++) {
                fa.put(i, fx.get(i) * fs.get(i));
            }
        });
    }

    @Override
    public void geluBackward(INDArray x, INDArray sig, INDArray dx) {
        if (!contiguous(x, sig, dx)) {
            reference.geluBackward(x, sig, dx);
            return;
        }
        FloatBuffer fx = buffer(x), fs = buffer(sig), fd = buffer(dx);
        int n = (int) x.length();
        float k = (float) ReferenceEngine.GELU_K;
        Halves.run(n, n, (from, to) -> {
            for (int i = from; i < to; i++) {
                float s = fs.get(i);
                fd.put(i, fd.get(i) * (s + k * fx.get(i) * s * (1 - s)));
            }
        });
    }

    @Override
    public void causalSoftmax(INDArray scores, int offset, INDArray probs) {
        if (!contiguous(scores, probs)) {
            reference.causalSoftmax(scores, offset, probs);
            return;
        }
        int keys = (int) scores.size(-1), queries = (int) scores.size(-2), rows = (int) (scores.length() / keys);
        FloatBuffer fs = buffer(scores), fp = buffer(probs);
        Halves.run(rows, scores.length(), (from, to) -> {
            for (int r = from; r < to; r++) {
                int base = r * keys, last = Math.min(keys - 1, offset + r % queries);
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
                for (int j = last + 1; j < keys; j++) {
                    fp.put(base + j, 0);
                }
            }
        });
    }

    @Override
    public void causalSoftmaxBackward(INDArray p, INDArray dp, double scale, int offset, INDArray dScores) {
        if (!contiguous(p, dp, dScores)) {
            reference.causalSoftmaxBackward(p, dp, scale, offset, dScores);
            return;
        }
        int keys = (int) p.size(-1), queries = (int) p.size(-2), rows = (int) (p.length() / keys);
        FloatBuffer fp = buffer(p), fdp = buffer(dp), fds = buffer(dScores);
        float k = (float) scale;
        Halves.run(rows, p.length(), (from, to) -> {
            for (int r = from; r < to; r++) {
                int base = r * keys, last = Math.min(keys - 1, offset + r % queries);
                float dot = 0;
                for (int s = 0; s <= last; s++) {
                    dot += fp.get(base + s) * fdp.get(base + s);
                }
                for (int s = 0; s <= last; s++) {
                    fds.put(base + s, k * fp.get(base + s) * (fdp.get(base + s) - dot));
                }
                for (int s = last + 1; s < keys; s++) {
                    fds.put(base + s, 0);
                }
            }
        });
    }

    @Override
    public void layerNorm(INDArray x, INDArray gain, INDArray bias, double eps, INDArray out, INDArray xhat, INDArray rstd) {
        if (!contiguous(x, out, xhat, rstd)) {
            reference.layerNorm(x, gain, bias, eps, out, xhat, rstd);
            return;
        }
        layerNorm.forward(x, values(gain, 0), values(bias, 1), eps, out, xhat, rstd);
    }

    @Override
    public void layerNormBackward(INDArray dout, INDArray xhat, INDArray rstd, INDArray gain, INDArray dx, INDArray dGain, INDArray dBias) {
        if (!contiguous(dout, xhat, rstd, dx)) {
            reference.layerNormBackward(dout, xhat, rstd, gain, dx, dGain, dBias);
            return;
        }
        float[][] d = layerNorm.backward(dout, xhat, rstd, values(gain, 0), dx);
        dGain.addi(Nd4j.createFromArray(d[0]));
        dBias.addi(Nd4j.createFromArray(d[1]));
    }

    @Override
    public void gatherRows(INDArray table, int[] ids, INDArray out) {
        if (!contiguous(table, out)) {
            reference.gatherRows(table, ids, out);
            return;
        }
        int c = (int) table.columns();
        FloatBuffer ft = buffer(table), fo = buffer(out);
        float[] row = new float[c];
        for (int i = 0; i < ids.length; i++) {
            ft.get(ids[i] * c, row, 0, c);
            fo.put(i * c, row, 0, c);
        }
    }

    /** Each half of the columns is summed on its own thread, in the order of i, so sums do not depend on the split. */
    @Override
    public void scatterAddRows(INDArray table, int[] ids, INDArray rows) {
        if (!contiguous(table, rows)) {
            reference.scatterAddRows(table, ids, rows);
            return;
        }
        int c = (int) rows.columns();
        FloatBuffer fg = buffer(table), fr = buffer(rows);
        Halves.run(c, (long) ids.length * c, (from, to) -> {
            for (int i = 0; i < ids.length; i++) {
                int g = ids[i] * c, r = i * c;
                for (int j = from; j < to; j++) {
                    fg.put(g + j, fg.get(g + j) + fr.get(r + j));
                }
            }
        });
    }

    /** ND4J's softmax (vectorised exp) into the gradient array, then the loss and the one-hot correction in one pass. */
    @Override
    public double[] crossEntropy(INDArray logits, int[] targets, INDArray dLogits) {
        INDArray probs = dLogits != null ? dLogits : array(logits.shape());
        if (!contiguous(logits, probs)) {
            return reference.crossEntropy(logits, targets, dLogits);
        }
        Nd4j.exec(new SoftMax(logits, probs, 1));
        int rows = targets.length, vocab = (int) logits.columns();
        FloatBuffer fp = buffer(probs);
        double[] losses = new double[rows];
        for (int r = 0; r < rows; r++) {
            losses[r] = -Math.log(Math.max(fp.get(r * vocab + targets[r]), 1e-30));
        }
        if (dLogits != null) { // (softmax − onehot) / rows
            float perRow = 1f / rows;
            Halves.run(rows, (long) rows * vocab, (from, to) -> {
                for (int r = from; r < to; r++) {
                    int base = r * vocab;
                    for (int j = 0; j < vocab; j++) {
                        fp.put(base + j, fp.get(base + j) * perRow);
                    }
                    fp.put(base + targets[r], fp.get(base + targets[r]) - perRow);
                }
            });
        }
        return losses;
    }

    /** A vector's current values in one of two reused Java arrays (toFloatVector costs tens of microseconds). */
    private float[] values(INDArray vector, int which) {
        int n = (int) vector.length();
        if (vectors[which] == null || vectors[which].length != n) {
            vectors[which] = new float[n];
        }
        buffer(vector).get(0, vectors[which], 0, n);
        return vectors[which];
    }

    // ---- the optimiser ----

    /**
     * One AdamW step in a single pass, for float32 (model.AdamW composes the same from ND4J
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

    // ---- memory ----

    /** True when every array is float32 (any strides): BLAS reads these in place. */
    private static boolean floats(INDArray... arrays) {
        for (INDArray a : arrays) {
            if (a.dataType() != DataType.FLOAT) {
                return false;
            }
        }
        return true;
    }

    /** True when every array is float32 and its elements lie one after another in row-major order. */
    public static boolean contiguous(INDArray... arrays) {
        for (INDArray a : arrays) {
            // ND4J calls a 1-D view 'f'-ordered; for a vector the order does not matter
            boolean rowMajor = a.rank() <= 1 || a.ordering() == 'c';
            if (a.dataType() != DataType.FLOAT || !rowMajor || a.elementWiseStride() != 1) {
                return false;
            }
        }
        return true;
    }

    /**
     * The array's memory as a FloatBuffer, made once per array: making one costs more than a whole
     * small operation (decoding a token runs dozens), and the same arrays come back every pass.
     */
    FloatBuffer buffer(INDArray a) {
        FloatBuffer b = buffers.get(a);
        if (b == null) {
            if (buffers.size() > 4096) {
                buffers.clear(); // views made once and dropped would otherwise pile up
            }
            b = floats(a);
            buffers.put(a, b);
        }
        return b;
    }

    /**
     * The array's memory from its first element (a view's buffer starts where the view does) to its
     * last, which for a strided view lies further than its length.
     */
    static FloatBuffer floats(INDArray a) {
        long extent = 1;
        for (int i = 0; i < a.rank(); i++) {
            extent += (a.size(i) - 1) * a.stride(i);
        }
        return new FloatPointer(a.data().addressPointer()).position(0).limit(Math.max(extent, a.length())).asBuffer();
    }
}
