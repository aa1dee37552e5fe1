package tinyfm.model;

import org.nd4j.linalg.api.ndarray.INDArray;
import tinyfm.engine.Engine;

/**
 * Normalises each row to zero mean and unit variance, then scales and shifts it with a learned
 * gain and bias: y = gain ⊙ (x − mean) / √(var + ε) + bias. Pre-LayerNorm (before attention and
 * the MLP) is what keeps deep Transformers trainable.
 */
final class LayerNorm {
    private static final double EPS = 1e-5;
    final Parameters.Param gain;
    final Parameters.Param bias;

    /** What backward needs from forward: the normalised rows and 1/σ of each row. */
    static final class Cache {
        INDArray xhat, rstd;
    }

    LayerNorm(Parameters.Builder b, String name, int dim) {
        this.gain = b.add(name + ".gain", Parameters.Init.ONES, 0, false, dim);
        this.bias = b.add(name + ".bias", Parameters.Init.ZEROS, 0, false, dim);
    }

    INDArray forward(Engine e, INDArray x, Cache c) {
        INDArray y = e.array(x.shape());
        c.xhat = e.array(x.shape());
        c.rstd = e.array(x.rows());
        e.layerNorm(x, gain.value, bias.value, EPS, y, c.xhat, c.rstd);
        return y;
    }

    INDArray backward(Engine e, INDArray dy, Cache c) {
        INDArray dx = e.array(dy.shape());
        e.layerNormBackward(dy, c.xhat, c.rstd, gain.value, dx, gain.grad, bias.grad);
        return dx;
    }
}
