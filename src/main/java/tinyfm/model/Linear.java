package tinyfm.model;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** y = x W + b, for a batch of rows. The building block of every layer below. */
final class Linear {
    final Parameters.Param weight; // [in, out]
    final Parameters.Param bias;   // [out]

    Linear(Parameters.Builder b, String name, int in, int out, double std) {
        this.weight = b.add(name + ".weight", Parameters.Init.NORMAL, std, true, in, out);
        this.bias = b.add(name + ".bias", Parameters.Init.ZEROS, 0, false, out);
    }

    void forward(INDArray x, INDArray out) {
        Nd4j.gemm(x, weight.value, out, false, false, 1.0, 0.0);
        out.addiRowVector(bias.value);
    }

    /** Adds this layer's gradients to the flat gradient array; writes dL/dx into dx unless it is null. */
    void backward(INDArray x, INDArray dout, INDArray dx, Workspace ws) {
        Nd4j.gemm(x, dout, weight.grad, true, false, 1.0, 1.0);
        // the bias gradient is the column sum of dout: ones^T · dout, accumulated the same way
        Nd4j.gemm(ws.ones(dout.rows()), dout, bias.grad.reshape(1, bias.grad.length()), false, false, 1.0, 1.0);
        if (dx != null) {
            Nd4j.gemm(dout, weight.value, dx, false, true, 1.0, 0.0);
        }
    }
}
