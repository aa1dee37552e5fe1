package tinyfm.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** Every operation of the fast engine gives what the reference engine gives (the reference in float64). */
class FastEngineTest {
    static final int T = 5;

    /**
     * Runs an operation on the reference engine over float64 copies and on the fast engine over float32
     * copies of the same inputs; the operation returns the arrays to compare.
     */
    static void same(String what, BiFunction<Engine, INDArray[], INDArray[]> op, INDArray... inputs) {
        INDArray[] wide = new INDArray[inputs.length], narrow = new INDArray[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            wide[i] = inputs[i].castTo(DataType.DOUBLE);
            narrow[i] = inputs[i].castTo(DataType.FLOAT);
        }
        INDArray[] expected = op.apply(new ReferenceEngine(DataType.DOUBLE), wide), got = op.apply(new FastEngine(), narrow);
        for (int i = 0; i < expected.length; i++) {
            assertTrue(expected[i].castTo(DataType.FLOAT).equalsWithEps(got[i], 1e-4),
                    what + ": output " + i + " differs:\n" + expected[i] + "\n" + got[i]);
        }
    }

    static INDArray random(long... shape) {
        return Nd4j.randn(DataType.DOUBLE, shape);
    }

    static INDArray[] out(INDArray... arrays) {
        return arrays;
    }

    @Test
    void everyOperationMatchesTheReference() {
        for (int rows : new int[] {4, 3000}) {  // small, and large enough to be split over two cores
            same("add", (e, a) -> out(e.add(a[0], a[1])), random(rows, 6), random(rows, 6));
            same("fillRows", (e, a) -> { e.fillRows(a[0], a[1]); return out(a[0]); }, random(rows, 6), random(6));
            same("addColumnSums", (e, a) -> { e.addColumnSums(a[0], a[1]); return out(a[1]); }, random(rows, 6), random(6));
            same("gelu", (e, a) -> { e.gelu(a[0], a[1], a[2]); return out(a[1], a[2]); }, random(rows, 8), random(rows, 8), random(rows, 8));
            same("geluBackward", (e, a) -> { e.geluBackward(a[0], a[1], a[2]); return out(a[2]); },
                    random(rows, 8), Nd4j.rand(DataType.DOUBLE, rows, 8), random(rows, 8));
            same("layerNorm", (e, a) -> { e.layerNorm(a[0], a[1], a[2], 1e-5, a[3], a[4], a[5]); return out(a[3], a[4], a[5]); },
                    random(rows, 16), random(16), random(16), random(rows, 16), random(rows, 16), random(rows));
            same("layerNormBackward", (e, a) -> { e.layerNormBackward(a[0], a[1], a[2], a[3], a[4], a[5], a[6]); return out(a[4], a[5], a[6]); },
                    random(rows, 16), random(rows, 16), Nd4j.rand(DataType.DOUBLE, rows).addi(0.5), random(16), random(rows, 16), random(16), random(16));
            int[] ids = new java.util.Random(rows).ints(rows, 0, 7).toArray();
            same("gatherRows", (e, a) -> { e.gatherRows(a[0], ids, a[1]); return out(a[1]); }, random(7, 6), random(rows, 6));
            same("scatterAddRows", (e, a) -> { e.scatterAddRows(a[0], ids, a[1]); return out(a[0]); }, random(7, 6), random(rows, 6));
            int[] targets = new java.util.Random(rows + 1).ints(rows, 0, 11).toArray();
            same("crossEntropy", (e, a) -> out(Nd4j.createFromArray(e.crossEntropy(a[0], targets, a[1])).castTo(DataType.DOUBLE).castTo(a[0].dataType()), a[1]),
                    random(rows, 11), random(rows, 11));
        }
    }

    @Test
    void causalSoftmaxWithAndWithoutACachedPast() {
        for (int past : new int[] {0, 3}) {
            same("causalSoftmax past " + past, (e, a) -> { e.causalSoftmax(a[0], past, a[1]); return out(a[1]); },
                    random(2, 3, T, past + T), random(2, 3, T, past + T));
            INDArray p = Nd4j.create(DataType.DOUBLE, 2, 3, T, past + T);
            new ReferenceEngine(DataType.DOUBLE).causalSoftmax(random(2, 3, T, past + T), past, p);
            same("causalSoftmaxBackward past " + past, (e, a) -> { e.causalSoftmaxBackward(a[0], a[1], 0.5, past, a[2]); return out(a[2]); },
                    p, random(2, 3, T, past + T), random(2, 3, T, past + T));
        }
        INDArray scores = Nd4j.randn(DataType.FLOAT, 2, T, T), probs = scores.ulike();
        new FastEngine().causalSoftmax(scores, 0, probs);
        for (int r = 0; r < 2 * T; r++) {
            double sum = 0;
            for (int s = 0; s < T; s++) {
                double v = probs.getDouble(r / T, r % T, s);
                assertTrue(s <= r % T ? v > 0 : v == 0, "row " + r + " column " + s + ": " + v);
                sum += v;
            }
            assertEquals(1, sum, 1e-5, "row " + r);
        }
    }

    /** Plain products, every transpose, including the single row that decoding multiplies (a matrix-vector product). */
    @Test
    void productsMatchTheReferenceForEveryTransposeAndASingleRow() {
        for (int m : new int[] {1, 5}) {
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    INDArray a = ta ? random(7, m) : random(m, 7), b = tb ? random(3, 7) : random(7, 3);
                    same("matmul m=" + m + " " + ta + " " + tb, (e, x) -> { e.matmul(x[0], ta, x[1], tb, 0.5, 1, x[2]); return out(x[2]); },
                            a, b, random(m, 3));
                }
            }
        }
    }

    /** Attention's products: batched over (sequence, head), on strided views of wider arrays, with each transpose it uses. */
    @Test
    void batchedProductsOnHeadViewsMatchTheReference() {
        int b = 2, h = 3, t = 4, d = 5;
        same("q · kᵀ", (e, a) -> {
            INDArray scores = e.array(b, h, t, t);
            e.matmul(heads(a[0], b, t, h, d, 0), false, heads(a[0], b, t, h, d, 1), true, 0.5, 0, scores);
            return out(scores);
        }, random(b * t, 3 * h * d));
        for (boolean transposeAtt : new boolean[] {false, true}) {  // att · v, and attᵀ · d out
            same("att · v, transposed " + transposeAtt, (e, a) -> {
                e.matmul(a[0].reshape('c', b, h, t, t), transposeAtt, heads(a[1], b, t, h, d, 2), false, 1, 0, heads(a[2], b, t, h, d, 0));
                return out(a[2]);
            }, random(b * h * t * t), random(b * t, 3 * h * d), random(b * t, h * d));
        }
        same("accumulating into a head of a wider array", (e, a) -> {
            e.matmul(a[0].reshape('c', b, h, t, t), false, heads(a[1], b, t, h, d, 1), false, 1, 1, heads(a[1], b, t, h, d, 0));
            return out(a[1]);
        }, random(b * h * t * t), random(b * t, 3 * h * d));
        same("copy into a cache", (e, a) -> {
            INDArray cache = a[1].reshape('c', b, h, 2 * t, d);
            e.copy(heads(a[0], b, t, h, d, 1), cache.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(t, 2 * t), NDArrayIndex.all()));
            return out(a[1]);
        }, random(b * t, 3 * h * d), random(b * h * 2 * t * d));
    }

    @Test
    void headsAreViewsOfTheRowsTheyComeFrom() {
        int b = 2, t = 3, h = 4, d = 5;
        INDArray rows = Nd4j.randn(DataType.FLOAT, b * t, 3 * h * d);
        for (int part = 0; part < 3; part++) {
            INDArray view = new FastEngine().heads(rows, b, t, h, part, 3);
            assertEquals(heads(rows, b, t, h, d, part), view, "part " + part);
            view.putScalar(new long[] {1, 2, 0, 3}, 42f); // sequence 1, head 2, time 0, column 3
            assertEquals(42f, rows.getFloat(t, part * h * d + 2 * d + 3), 0f, "a write lands in the rows");
        }
    }

    static INDArray heads(INDArray rows, int b, int t, int h, int d, int part) {
        int parts = (int) (rows.columns() / (h * d));
        return rows.reshape('c', b, t, parts, h, d)
                .get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(part), NDArrayIndex.all(), NDArrayIndex.all())
                .permute(0, 2, 1, 3);
    }

    @Test
    void aPassOfTheSameShapesReusesEveryArray() {
        FastEngine e = new FastEngine();
        INDArray a = e.array(8, 16), b = e.array(8);
        e.newPass();
        assertSame(a, e.array(8, 16));
        assertSame(b, e.array(8));
        e.newPass();
        INDArray shorter = e.array(4, 16), shorterRows = e.array(4);
        assertTrue(FastEngine.contiguous(shorter, shorterRows), "a smaller array inside a larger block is still contiguous");
        assertArrayEquals(new long[] {4, 16}, shorter.shape());
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
            assertEquals(1, hits[i], "index " + i);
        }
        IllegalStateException failure = assertThrows(IllegalStateException.class, () -> Halves.run(n, n, (from, to) -> {
            if (from > 0) {
                throw new IllegalStateException("helper half failed");
            }
        }));
        assertEquals("helper half failed", failure.getMessage());
        Halves.run(n, n, (from, to) -> { });  // and the helper still works afterwards
    }
}
