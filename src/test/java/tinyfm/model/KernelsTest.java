package tinyfm.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Each float32 loop in Kernels gives what its composed ND4J version gives in float64. */
class KernelsTest {
    private static final int T = 5;

    /** Runs the same kernel on float64 copies (the ND4J path) and float32 copies (the loop), compares the outputs. */
    private static void same(String what, int outputs, Function<INDArray[], INDArray[]> kernel, INDArray... inputs) {
        INDArray[] wide = new INDArray[inputs.length], narrow = new INDArray[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            wide[i] = inputs[i].castTo(DataType.DOUBLE);
            narrow[i] = inputs[i].castTo(DataType.FLOAT);
        }
        INDArray[] expected = kernel.apply(wide), got = kernel.apply(narrow);
        for (int i = 0; i < outputs; i++) {
            assertTrue(expected[i].castTo(DataType.FLOAT).equalsWithEps(got[i], 1e-5), what + ": output " + i + " differs:\n" + expected[i] + "\n" + got[i]);
        }
    }

    private static INDArray random(long... shape) {
        return Nd4j.randn(DataType.DOUBLE, shape);
    }

    @Test
    void floatLoopsMatchComposedOps() {
        Nd4j.getRandom().setSeed(3);
        same("add", 1, a -> { Kernels.add(a[0], a[1], a[2]); return new INDArray[] {a[2]}; }, random(4, 6), random(4, 6), random(4, 6));
        same("maskFuture", 1, a -> { Kernels.maskFuture(a[0], T, -1e9); return new INDArray[] {a[0]}; }, random(3 * T, T));
        same("softmaxBackward", 1, a -> { Kernels.softmaxBackward(a[0], a[1], 0.5, a[2], T); return new INDArray[] {a[2]}; },
                random(2 * T, T), random(2 * T, T), random(2 * T, T));
        same("geluForward", 2, a -> { Kernels.geluForward(a[0], a[1], a[2]); return new INDArray[] {a[1], a[2]}; }, random(4, 8), random(4, 8), random(4, 8));
        same("geluBackward", 1, a -> { Kernels.geluBackward(a[0], a[1], a[2]); return new INDArray[] {a[2]}; },
                random(4, 8), Nd4j.rand(DataType.DOUBLE, 4, 8), random(4, 8));
    }

    @Test
    void maskLeavesThePastAndHidesTheFuture() {
        INDArray scores = Nd4j.ones(DataType.DOUBLE, 2 * T, T);
        Kernels.maskFuture(scores, T, -1e9);
        for (int r = 0; r < 2 * T; r++) {
            for (int s = 0; s < T; s++) {
                double expected = s <= r % T ? 1 : -1e9;
                assertTrue(scores.getDouble(r, s) == expected, "row " + r + " column " + s);
            }
        }
    }
}
