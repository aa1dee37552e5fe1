package tinyfm.model;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Normalises each row to zero mean and unit variance, then scales and shifts it with learned
 * gain and bias. Pre-LayerNorm (before attention and MLP) is what keeps deep Transformers trainable.
 */
final class LayerNorm {
    private static final double EPS = 1e-5;
    final Parameters.Param gain;
    final Parameters.Param bias;
    private final String name;
    private INDArray xhat;  // normalised input, kept for backward
    private INDArray rstd;  // 1 / standard deviation of each row
    private final FusedLayerNorm fused = new FusedLayerNorm();

    LayerNorm(Parameters.Builder b, String name, int dim) {
        this.name = name;
        this.gain = b.add(name + ".gain", Parameters.Init.ONES, 0, false, dim);
        this.bias = b.add(name + ".bias", Parameters.Init.ZEROS, 0, false, dim);
    }

    INDArray forward(INDArray x, Workspace ws) {
        long n = x.rows(), c = x.columns();
        xhat = ws.get(name + ".xhat", n, c);
        rstd = ws.get(name + ".rstd", n);
        INDArray mean = ws.get(name + ".mean", n);
        INDArray out = ws.get(name + ".out", n, c);
        if (Kernels.fast(x, out, xhat, rstd)) {
            fused.forward(x, gain.value.toFloatVector(), bias.value.toFloatVector(), EPS, out, xhat, rstd);
            return out;
        }
        x.mean(mean, 1);
        xhat.assign(x).subiColumnVector(mean);
        out.assign(xhat).muli(xhat);
        out.mean(rstd, 1);
        rstd.addi(EPS);
        Transforms.sqrt(rstd, false).rdivi(1.0);
        xhat.muliColumnVector(rstd);
        out.assign(xhat).muliRowVector(gain.value).addiRowVector(bias.value);
        return out;
    }

    /** dx = rstd * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)), with dxhat = dout * gain. */
    INDArray backward(INDArray dout, Workspace ws) {
        long n = dout.rows(), c = dout.columns();
        INDArray tmp = ws.get(name + ".tmp", n, c);
        INDArray dx = ws.get(name + ".dx", n, c);
        INDArray rowMean = ws.get(name + ".rowMean", n);
        INDArray colSum = ws.get(name + ".colSum", c);
        if (Kernels.fast(dout, xhat, rstd, dx)) {
            float[][] d = fused.backward(dout, xhat, rstd, gain.value.toFloatVector(), dx);
            gain.grad.addi(org.nd4j.linalg.factory.Nd4j.createFromArray(d[0]));
            bias.grad.addi(org.nd4j.linalg.factory.Nd4j.createFromArray(d[1]));
            return dx;
        }
        // parameter gradients
        tmp.assign(dout).muli(xhat);
        tmp.sum(colSum, 0);
        gain.grad.addi(colSum);
        dout.sum(colSum, 0);
        bias.grad.addi(colSum);
        // input gradient
        dx.assign(dout).muliRowVector(gain.value);       // dxhat
        tmp.assign(dx).muli(xhat);
        tmp.mean(rowMean, 1);
        tmp.assign(xhat).muliColumnVector(rowMean);       // xhat * mean(dxhat * xhat)
        dx.mean(rowMean, 1);
        dx.subiColumnVector(rowMean).subi(tmp).muliColumnVector(rstd);
        return dx;
    }
}
