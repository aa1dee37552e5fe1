package tinyfm.model;

import org.nd4j.linalg.api.ndarray.INDArray;
import tinyfm.engine.Engine;

/** y = x W + b, for a batch of rows. The building block of every layer below. */
final class Linear {
    final Parameters.Param weight; // [in, out]
    final Parameters.Param bias;   // [out]

    Linear(Parameters.Builder b, String name, int in, int out, double std) {
        this.weight = b.add(name + ".weight", Parameters.Init.NORMAL, std, true, in, out);
        this.bias = b.add(name + ".bias", Parameters.Init.ZEROS, 0, false, out);
    }

    INDArray forward(Engine e, INDArray x) {
        return e.linear(x, weight.value, bias.value);
    }

    /** dW += xᵀ·dy and db += Σ dy into the gradients; returns dx = dy·Wᵀ. */
    INDArray backward(Engine e, INDArray x, INDArray dy) {
        return e.linearBackward(x, weight.value, dy, weight.grad, bias.grad, true);
    }
}
