package tinyfm.engine;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Sigmoid;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Every operation composed from ND4J's own, in any precision, written to be read: the definition
 * that {@link FastEngine} must agree with, and the engine of the float64 gradient checks.
 * It allocates a fresh array for every request.
 */
public final class ReferenceEngine implements Engine {
    static final double GELU_K = 1.702;
    private final DataType type;

    public ReferenceEngine(DataType type) {
        this.type = type;
    }

    @Override
    public DataType type() {
        return type;
    }

    @Override
    public INDArray array(long... shape) {
        return Nd4j.create(type, shape);
    }

    @Override
    public void newPass() {
    }

    @Override
    public void matmul(INDArray a, boolean transposeA, INDArray b, boolean transposeB, double alpha, double beta, INDArray c) {
        INDArray product = Nd4j.matmul(a, b, transposeA, transposeB, false).muli(alpha);
        if (beta == 0) {
            c.assign(product);
        } else {
            c.muli(beta).addi(product);
        }
    }

    @Override
    public void add(INDArray a, INDArray b, INDArray out) {
        out.assign(a.add(b));
    }

    @Override
    public void fillRows(INDArray x, INDArray row) {
        x.assign(row.reshape(1, row.length()).broadcast(x.shape()));
    }

    @Override
    public void addColumnSums(INDArray a, INDArray into) {
        into.addi(a.sum(0).reshape(into.shape()));
    }

    @Override
    public void copy(INDArray from, INDArray to) {
        to.assign(from);
    }

    @Override
    public void gelu(INDArray x, INDArray sig, INDArray activated) {
        sig.assign(Nd4j.exec(new Sigmoid(x.mul(GELU_K))));
        activated.assign(x.mul(sig));
    }

    @Override
    public void geluBackward(INDArray x, INDArray sig, INDArray dx) {
        dx.muli(sig.rsub(1.0).muli(sig).muli(x).muli(GELU_K).addi(sig));
    }

    /** The future is masked with −∞ before a plain softmax. */
    @Override
    public void causalSoftmax(INDArray scores, int offset, INDArray probs) {
        long keys = scores.size(-1), queries = scores.size(-2);
        INDArray masked = scores.dup('c').reshape('c', scores.length() / keys, keys);
        for (int t = 0; t < queries; t++) {
            if (offset + t + 1 < keys) {  // rows t, t + T, t + 2T, ...: hide keys after offset + t
                masked.get(NDArrayIndex.interval(t, queries, masked.rows()), NDArrayIndex.interval(offset + t + 1, keys))
                        .assign(Double.NEGATIVE_INFINITY);
            }
        }
        probs.assign(Nd4j.exec(new SoftMax(masked, masked.ulike(), 1))[0].reshape(probs.shape()));
    }

    @Override
    public void causalSoftmaxBackward(INDArray p, INDArray dp, double scale, int offset, INDArray dScores) {
        INDArray rowSum = dp.mul(p).sum(true, -1);
        dScores.assign(dp.sub(rowSum).muli(p).muli(scale)); // the future has p = 0, so its gradient is 0
    }

    @Override
    public void layerNorm(INDArray x, INDArray gain, INDArray bias, double eps, INDArray out, INDArray xhat, INDArray rstd) {
        INDArray mean = x.mean(true, 1);
        INDArray centered = x.subColumnVector(mean);
        INDArray variance = centered.mul(centered).mean(true, 1);
        rstd.assign(Transforms.pow(variance.addi(eps), -0.5).reshape(rstd.shape()));
        xhat.assign(centered.mulColumnVector(rstd.reshape(rstd.length(), 1)));
        out.assign(xhat.mulRowVector(gain).addRowVector(bias));
    }

    @Override
    public void layerNormBackward(INDArray dout, INDArray xhat, INDArray rstd, INDArray gain, INDArray dx, INDArray dGain, INDArray dBias) {
        dGain.addi(dout.mul(xhat).sum(0));
        dBias.addi(dout.sum(0));
        INDArray dxhat = dout.mulRowVector(gain);
        INDArray meanD = dxhat.mean(true, 1), meanDX = dxhat.mul(xhat).mean(true, 1);
        dx.assign(dxhat.subColumnVector(meanD).subi(xhat.mulColumnVector(meanDX)).muliColumnVector(rstd.reshape(rstd.length(), 1)));
    }

    @Override
    public void gatherRows(INDArray table, int[] ids, INDArray out) {
        for (int i = 0; i < ids.length; i++) {
            out.getRow(i).assign(table.getRow(ids[i]));
        }
    }

    @Override
    public void scatterAddRows(INDArray table, int[] ids, INDArray rows) {
        for (int i = 0; i < ids.length; i++) {
            table.getRow(ids[i]).addi(rows.getRow(i));
        }
    }

    @Override
    public double[] crossEntropy(INDArray logits, int[] targets, INDArray dLogits) {
        INDArray probs = Nd4j.exec(new SoftMax(logits, logits.ulike(), 1))[0];
        double[] losses = new double[targets.length];
        for (int i = 0; i < targets.length; i++) {
            losses[i] = -Math.log(Math.max(probs.getDouble(i, targets[i]), 1e-30));
        }
        if (dLogits != null) {
            for (int i = 0; i < targets.length; i++) {
                probs.putScalar(i, targets[i], probs.getDouble(i, targets[i]) - 1.0);
            }
            dLogits.assign(probs.divi(targets.length));
        }
        return losses;
    }
}
