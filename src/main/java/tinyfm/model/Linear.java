package tinyfm.model;

import org.nd4j.linalg.api.ndarray.INDArray;

/** y = x W + b, for a batch of rows. The building block of every layer below. */
final class Linear {
    final Parameters.Param weight; // [in, out]
    final Parameters.Param bias;   // [out]

    Linear(Parameters.Builder b, String name, int in, int out, double std) {
        this.weight = b.add(name + ".weight", Parameters.Init.NORMAL, std, true, in, out);
        this.bias = b.add(name + ".bias", Parameters.Init.ZEROS, 0, false, out);
    }

    void forward(INDArray x, INDArray out) {
        // every row starts as the bias, then the product is added to it: out = bias + x W
        Kernels.fillRows(out, bias.value);
        Blas.gemm(false, false, 1, x, weight.value, 1, out);
    }

    /** Adds this layer's gradients to the flat gradient array; writes dL/dx into dx unless it is null. */
    void backward(INDArray x, INDArray dout, INDArray dx, Workspace ws) {
        Blas.gemm(true, false, 1, x, dout, 1, weight.grad);
        // the bias gradient is the column sum of dout: ones^T · dout, accumulated the same way
        Blas.gemm(false, false, 1, ws.ones(dout.rows()), dout, 1, bias.grad.reshape(1, bias.grad.length()));
        if (dx != null) {
            Blas.gemm(false, true, 1, dout, weight.value, 0, dx);
        }
    }
}
