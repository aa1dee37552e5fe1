package tinyfm.engine;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** Blas.gemm against ND4J's own matrix product, on whole arrays, on views with an offset, and on blocks. */
class BlasTest {
    enum Type { FLOAT, DOUBLE }

    /** Products this large are split into two halves on two threads; the result must not change. */
    @ParameterizedTest
    @EnumSource(Type.class)
    void splitProductsMatchNd4jForEveryTranspose(Type t) {
        DataType type = DataType.valueOf(t.name());
        Nd4j.getRandom().setSeed(8);
        for (int[] mkn : new int[][] {{301, 64, 70}, {9, 130, 1001}}) {  // taller than wide, then wider than tall
            INDArray a = Nd4j.rand(type, mkn[0], mkn[1]), b = Nd4j.rand(type, mkn[1], mkn[2]), c = Nd4j.rand(type, mkn[0], mkn[2]);
            assertTrue((long) mkn[0] * mkn[1] * mkn[2] >= Blas.SPLIT_WORK);
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    INDArray got = c.dup('c');
                    Blas.gemm(ta, tb, 0.5, ta ? a.transpose().dup('c') : a, tb ? b.transpose().dup('c') : b, 2, got);
                    assertTrue(a.mmul(b).muli(0.5).addi(c.mul(2)).equalsWithEps(got, 1e-4), "transA=" + ta + " transB=" + tb + " " + java.util.Arrays.toString(mkn));
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Type.class)
    void matchesNd4jForEveryTransposeAndOnViews(Type t) {
        DataType type = DataType.valueOf(t.name());
        Nd4j.getRandom().setSeed(7);
        INDArray a = Nd4j.rand(type, 5, 3), b = Nd4j.rand(type, 3, 4), c = Nd4j.rand(type, 5, 4);
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                INDArray x = ta ? a.transpose().dup('c') : a, y = tb ? b.transpose().dup('c') : b;
                INDArray expected = a.mmul(b).muli(0.5).addi(c.mul(2));
                INDArray got = c.dup('c');
                Blas.gemm(ta, tb, 0.5, x, y, 2, got);
                assertTrue(expected.equalsWithEps(got, 1e-5), "transA=" + ta + " transB=" + tb);
            }
        }
        // a view that starts part-way into a flat array, as every parameter does
        INDArray flat = Nd4j.rand(type, 100);
        INDArray w = flat.get(NDArrayIndex.interval(37, 49)).reshape('c', 3, 4);
        INDArray out = Nd4j.create(type, 5, 4);
        Blas.gemm(false, false, 1, a, w, 0, out);
        assertTrue(a.mmul(w).equalsWithEps(out, 1e-5), "view with offset");
        // a block: rows 1..3 and columns 2..3 of a 5 x 4 matrix, times a 2 x 2
        INDArray big = Nd4j.rand(type, 5, 4), m = Nd4j.rand(type, 2, 2), blockOut = Nd4j.create(type, 3, 2);
        Blas.gemm(false, false, 1, Blas.Matrix.of(big).block(1, 2, 3, 2), Blas.Matrix.of(m), 0, Blas.Matrix.of(blockOut));
        INDArray block = big.get(NDArrayIndex.interval(1, 4), NDArrayIndex.interval(2, 4));
        assertTrue(block.mmul(m).equalsWithEps(blockOut, 1e-5), "block");
    }
}
