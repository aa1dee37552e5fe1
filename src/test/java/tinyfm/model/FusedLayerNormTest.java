package tinyfm.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The fused float32 LayerNorm agrees with the composed reference that the gradient check verifies. */
class FusedLayerNormTest {
    /** 37 rows run on one thread; 2,000 rows are enough work for Halves to split them across two. */
    @ParameterizedTest
    @ValueSource(ints = {37, 2000})
    void fusedMatchesComposedReference(int n) {
        int c = 24;
        Nd4j.getRandom().setSeed(1);
        INDArray x = Nd4j.randn(DataType.DOUBLE, n, c).muli(3).addi(2);
        INDArray dout = Nd4j.randn(DataType.DOUBLE, n, c);
        INDArray gain = Nd4j.randn(DataType.DOUBLE, c), bias = Nd4j.randn(DataType.DOUBLE, c);

        Parameters.Builder rb = new Parameters.Builder();
        LayerNorm reference = new LayerNorm(rb, "ln", c);
        rb.build(DataType.DOUBLE);
        reference.gain.value.assign(gain);
        reference.bias.value.assign(bias);
        Workspace dws = new Workspace(DataType.DOUBLE);
        INDArray refOut = reference.forward(x, dws).dup();
        INDArray refDx = reference.backward(dout.dup(), dws).dup();

        Parameters.Builder fb = new Parameters.Builder();
        LayerNorm fused = new LayerNorm(fb, "ln", c);
        fb.build(DataType.FLOAT);
        fused.gain.value.assign(gain);
        fused.bias.value.assign(bias);
        Workspace fws = new Workspace(DataType.FLOAT);
        INDArray xf = fws.get("input", n, c).assign(x);
        INDArray doutF = fws.get("dout", n, c).assign(dout);
        assertTrue(Kernels.fast(xf, doutF), "the float path is taken");
        INDArray out = fused.forward(xf, fws);
        INDArray dx = fused.backward(doutF, fws);

        assertEquals(0, refOut.sub(out.castTo(DataType.DOUBLE)).amaxNumber().doubleValue(), 1e-5);
        assertEquals(0, refDx.sub(dx.castTo(DataType.DOUBLE)).amaxNumber().doubleValue(), 1e-4);
        assertEquals(0, reference.gain.grad.sub(fused.gain.grad.castTo(DataType.DOUBLE)).amaxNumber().doubleValue(), 1e-3);
        assertEquals(0, reference.bias.grad.sub(fused.bias.grad.castTo(DataType.DOUBLE)).amaxNumber().doubleValue(), 1e-4);
    }
}
