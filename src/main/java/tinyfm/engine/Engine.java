package tinyfm.engine;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The operations a Transformer is written in, and nothing else: matrix products, the causal softmax,
 * GELU, LayerNorm, embedding lookup and cross-entropy, each with its backward pass. The layers in
 * {@code tinyfm.model} say what to compute in this vocabulary; an engine decides how.
 *
 * <ul>
 *   <li>{@link ReferenceEngine} composes ND4J's own operations. It runs in any precision, so the
 *       gradient checks use it in float64; it is the definition the fast engine is tested against.
 *   <li>{@link FastEngine} runs float32: OpenBLAS on the arrays' memory, fused Java loops, the work
 *       split over two cores, and buffers reused from one pass to the next.
 * </ul>
 *
 * <p>An engine instance belongs to one caller at a time (one thread, one pass): the arrays it hands
 * out are reused by its next pass. Two threads use two engines.
 *
 * <p>Shapes: a "matrix" is a row-major 2-D array; a "batch of matrices" is a 3-D or 4-D array whose
 * last two axes are the matrix (for attention, [batch, heads, time, head width]). Batches may be
 * strided views, such as one head's columns inside a wider array, as long as their last axis is
 * contiguous.
 */
public interface Engine {
    DataType type();

    /** An array for this pass. Its contents are undefined until an operation writes it. */
    INDArray array(long... shape);

    /** Starts a new pass: the arrays of the previous pass may be handed out again. */
    void newPass();

    /**
     * Part {@code part} of {@code parts} side by side in rows [B·T, parts·H·D], seen as [B, H, T, D]: head h
     * of sequence b is a T × D block of the same memory, read and written in place (nothing is copied).
     */
    default INDArray heads(INDArray rows, int batch, int time, int heads, int part, int parts) {
        long width = rows.columns(), d = width / ((long) parts * heads);
        if (rows.offset() != 0 || rows.ordering() != 'c' || rows.elementWiseStride() != 1) { // a view: let ND4J work out where it starts
            return rows.reshape('c', batch, time, parts, heads, d)
                    .get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(part), NDArrayIndex.all(), NDArrayIndex.all())
                    .permute(0, 2, 1, 3);
        }
        return Nd4j.create(rows.data(), new long[] {batch, heads, time, d}, new long[] {time * width, d, width, 1}, part * heads * d, 'c');
    }

    // ---- products ----

    /** c = alpha · op(a) · op(b) + beta · c, where op transposes when asked; batched over leading axes. */
    void matmul(INDArray a, boolean transposeA, INDArray b, boolean transposeB, double alpha, double beta, INDArray c);

    /** a · b, a new array. */
    default INDArray matmul(INDArray a, INDArray b) {
        INDArray c = array(a.rows(), b.columns());
        matmul(a, false, b, false, 1, 0, c);
        return c;
    }

    /** y = x · W + b: every row of x through a linear layer. */
    default INDArray linear(INDArray x, INDArray weight, INDArray bias) {
        INDArray y = array(x.rows(), weight.columns());
        fillRows(y, bias);
        matmul(x, false, weight, false, 1, 1, y);
        return y;
    }

    /** The backward pass of {@link #linear}: dW += xᵀ·dy, db += Σ_rows dy; returns dx = dy·Wᵀ (or null if not wanted). */
    default INDArray linearBackward(INDArray x, INDArray weight, INDArray dy, INDArray dWeight, INDArray dBias, boolean wantDx) {
        matmul(x, true, dy, false, 1, 1, dWeight);
        addColumnSums(dy, dBias);
        if (!wantDx) {
            return null;
        }
        INDArray dx = array(dy.rows(), weight.rows());
        matmul(dy, false, weight, true, 1, 0, dx);
        return dx;
    }

    // ---- element-wise and row-wise ----

    /** out = a + b. */
    void add(INDArray a, INDArray b, INDArray out);

    /** a + b, a new array (the residual connection). */
    default INDArray add(INDArray a, INDArray b) {
        INDArray out = array(a.shape());
        add(a, b, out);
        return out;
    }

    /** Every row of x becomes a copy of {@code row}. */
    void fillRows(INDArray x, INDArray row);

    /** into += Σ over the rows of a (a column sum, accumulated). {@code into} has a's width. */
    void addColumnSums(INDArray a, INDArray into);

    /** to = from, element by element; both may be strided views of the same shape. */
    void copy(INDArray from, INDArray to);

    /** activated = GELU(x) = x · sigmoid(1.702 x); keeps sig = sigmoid(1.702 x) for the backward pass. */
    void gelu(INDArray x, INDArray sig, INDArray activated);

    /** dx *= GELU'(x) = s + 1.702 · x · s · (1 − s), with s = sigmoid(1.702 x). */
    void geluBackward(INDArray x, INDArray sig, INDArray dx);

    /**
     * Causal softmax over the last axis of scores [..., T, S]: query t sits at position offset + t
     * and may look at keys 0 … offset + t; later keys get probability exactly 0.
     */
    void causalSoftmax(INDArray scores, int offset, INDArray probs);

    /** The backward pass of {@link #causalSoftmax}: dScores = scale · p ⊙ (dp − Σ(dp ⊙ p)), row by row. */
    void causalSoftmaxBackward(INDArray p, INDArray dp, double scale, int offset, INDArray dScores);

    /** out = gain ⊙ xhat + bias, with xhat = (x − mean) · rstd and rstd = 1/√(var + ε), row by row. */
    void layerNorm(INDArray x, INDArray gain, INDArray bias, double eps, INDArray out, INDArray xhat, INDArray rstd);

    /** dx = rstd · (dxhat − mean(dxhat) − xhat · mean(dxhat ⊙ xhat)) with dxhat = dout ⊙ gain; accumulates dGain, dBias. */
    void layerNormBackward(INDArray dout, INDArray xhat, INDArray rstd, INDArray gain, INDArray dx, INDArray dGain, INDArray dBias);

    /** out[i] = table[ids[i]]: an embedding lookup. */
    void gatherRows(INDArray table, int[] ids, INDArray out);

    /** table[ids[i]] += rows[i]: its backward pass; a repeated id collects every occurrence. */
    void scatterAddRows(INDArray table, int[] ids, INDArray rows);

    /**
     * The cross-entropy of predicting targets[i] from logits row i; returns each row's loss (nats).
     * With {@code dLogits}, also writes its gradient for the mean loss: (softmax − onehot) / rows.
     */
    double[] crossEntropy(INDArray logits, int[] targets, INDArray dLogits);

    /** The engine for this precision: the fast one for float32, the reference for anything else. */
    static Engine forType(DataType type) {
        return type == DataType.FLOAT ? new FastEngine() : new ReferenceEngine(type);
    }
}
