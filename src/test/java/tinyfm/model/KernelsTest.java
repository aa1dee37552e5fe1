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

    /** Rows of attention weights as causalSoftmax makes them: zero after position r mod T. */
    private static INDArray causalProbabilities(int rows) {
        INDArray p = Nd4j.create(DataType.DOUBLE, rows, T);
        Kernels.causalSoftmax(random(rows, T), p, T);
        return p;
    }

    @Test
    void floatLoopsMatchComposedOps() {
        Nd4j.getRandom().setSeed(3);
        same("add", 1, a -> { Kernels.add(a[0], a[1], a[2]); return new INDArray[] {a[2]}; }, random(4, 6), random(4, 6), random(4, 6));
        same("fillRows", 1, a -> { Kernels.fillRows(a[0], a[1]); return new INDArray[] {a[0]}; }, random(4, 6), random(6));
        int[] ids = {2, 0, 2, 2, 1};
        same("addRowsAt", 1, a -> { Kernels.addRowsAt(a[0], ids, a[1]); return new INDArray[] {a[0]}; }, random(3, 6), random(5, 6));
        same("causalSoftmax", 1, a -> { Kernels.causalSoftmax(a[0], a[1], T); return new INDArray[] {a[1]}; }, random(3 * T, T), random(3 * T, T));
        same("causalSoftmaxBackward", 1, a -> { Kernels.causalSoftmaxBackward(a[0], a[1], 0.5, a[2], T); return new INDArray[] {a[2]}; },
                causalProbabilities(2 * T), random(2 * T, T), random(2 * T, T));
        same("geluForward", 2, a -> { Kernels.geluForward(a[0], a[1], a[2]); return new INDArray[] {a[1], a[2]}; }, random(4, 8), random(4, 8), random(4, 8));
        same("geluBackward", 1, a -> { Kernels.geluBackward(a[0], a[1], a[2]); return new INDArray[] {a[2]}; },
                random(4, 8), Nd4j.rand(DataType.DOUBLE, 4, 8), random(4, 8));
    }

    @Test
    void loopsSplitAcrossTwoThreadsMatchToo() {
        Nd4j.getRandom().setSeed(4);
        int rows = 2 * (int) Halves.MIN_WORK / T;  // enough work for Halves to split
        same("add", 1, a -> { Kernels.add(a[0], a[1], a[2]); return new INDArray[] {a[2]}; }, random(rows, T), random(rows, T), random(rows, T));
        same("fillRows", 1, a -> { Kernels.fillRows(a[0], a[1]); return new INDArray[] {a[0]}; }, random(rows, T), random(T));
        int[] manyIds = new java.util.Random(2).ints(rows, 0, 7).toArray();
        same("addRowsAt", 1, a -> { Kernels.addRowsAt(a[0], manyIds, a[1]); return new INDArray[] {a[0]}; }, random(7, T), random(rows, T));
        same("causalSoftmaxBackward", 1, a -> { Kernels.causalSoftmaxBackward(a[0], a[1], 0.5, a[2], T); return new INDArray[] {a[2]}; },
                causalProbabilities(rows), random(rows, T), random(rows, T));
        same("causalSoftmax", 1, a -> { Kernels.causalSoftmax(a[0], a[1], T); return new INDArray[] {a[1]}; }, random(rows, T), random(rows, T));
        same("geluForward", 2, a -> { Kernels.geluForward(a[0], a[1], a[2]); return new INDArray[] {a[1], a[2]}; }, random(rows, T), random(rows, T), random(rows, T));
        same("geluBackward", 1, a -> { Kernels.geluBackward(a[0], a[1], a[2]); return new INDArray[] {a[2]}; },
                random(rows, T), Nd4j.rand(DataType.DOUBLE, rows, T), random(rows, T));
    }

    @Test
    void halvesCoverEveryIndexOnceAndPassOnFailures() {
        int n = 100_001;
        int[] hits = new int[n];
        Halves.run(n, n, (from, to) -> {
            for (int i = from; i < to; i++) {
                hits[i]++;
            }
        });
        for (int i = 0; i < n; i++) {
            assertTrue(hits[i] == 1, "index " + i + " ran " + hits[i] + " times");
        }
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () ->
                Halves.run(n, n, (from, to) -> {
                    if (from > 0) {
                        throw new IllegalStateException("helper half failed");
                    }
                }));
        assertTrue(e.getMessage().equals("helper half failed"));
        Halves.run(n, n, (from, to) -> { });  // and the helper still works afterwards
    }

    @Test
    void smallerBuffersInsideALargerWorkspaceBlockStillTakeTheFloatLoops() {
        Workspace ws = new Workspace(DataType.FLOAT);
        ws.get("rows", 8, 16);
        ws.get("rstd", 8);
        // a shorter batch afterwards gets views into the start of the same blocks
        assertTrue(Kernels.fast(ws.get("rows", 4, 16), ws.get("rstd", 4)), "views of a larger block are contiguous float32");
    }

    @Test
    void causalSoftmaxGivesTheFutureNoWeight() {
        INDArray scores = Nd4j.randn(DataType.FLOAT, 2 * T, T), probs = scores.ulike();
        Kernels.causalSoftmax(scores, probs, T);
        for (int r = 0; r < 2 * T; r++) {
            double sum = 0;
            for (int s = 0; s < T; s++) {
                double p = probs.getDouble(r, s);
                assertTrue(s <= r % T ? p > 0 : p == 0, "row " + r + " column " + s + ": " + p);
                sum += p;
            }
            assertTrue(Math.abs(sum - 1) < 1e-5, "row " + r + " sums to " + sum);
        }
    }
}
