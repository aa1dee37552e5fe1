package tinyfm.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** Arrays in memory JavaCPP allocates behave as ND4J's own, and the copies out of them are exact. */
class OffHeapTest {
    @Test
    void anArrayOfItsOwnWorksWithNd4jOperations() {
        INDArray a = OffHeap.floats(12).reshape('c', 3, 4).assign(Nd4j.linspace(DataType.FLOAT, 1, 12, 1).reshape(3, 4));
        assertEquals(DataType.FLOAT, a.dataType());
        assertEquals(78f, a.sumNumber().floatValue());
        assertArrayEquals(new float[] {10, 26, 42}, a.sum(1).toFloatVector());
        INDArray plain = Nd4j.linspace(DataType.FLOAT, 1, 12, 1).reshape(3, 4);
        assertEquals(plain.mmul(plain.transpose()), a.mmul(a.transpose()));
    }

    @Test
    void copiesOutAreExactForWholeArraysAndViews() {
        INDArray x = Nd4j.randn(DataType.FLOAT, 6, 5);
        assertArrayEquals(x.dup('c').data().asFloat(), OffHeap.toFloats(x));
        INDArray rows = x.get(NDArrayIndex.interval(2, 5), NDArrayIndex.all()); // contiguous view
        assertArrayEquals(rows.dup('c').data().asFloat(), OffHeap.toFloats(rows));
        INDArray columns = x.get(NDArrayIndex.all(), NDArrayIndex.interval(1, 3)); // strided view
        assertArrayEquals(columns.dup('c').data().asFloat(), OffHeap.toFloats(columns));
        assertArrayEquals(x.transpose().dup('c').data().asDouble(), OffHeap.toDoubles(x.transpose()));
        INDArray wide = Nd4j.randn(DataType.DOUBLE, 3, 4);
        assertArrayEquals(wide.dup('c').data().asDouble(), OffHeap.toDoubles(wide));
    }

    @Test
    void aMatrixFromDoublesRoundsAsNd4jCasts() {
        double[] values = {0.1, -2.5e-9, 3.0000001, 1e10, -7, 1.0 / 3};
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            INDArray expected = Nd4j.createFromArray(values).reshape(2, 3).castTo(type), got = OffHeap.matrix(values, 2, 3, type);
            assertEquals(type, got.dataType());
            assertArrayEquals(expected.shape(), got.shape());
            assertArrayEquals(expected.data().asDouble(), got.dup('c').data().asDouble());
        }
    }

    @Test
    void aCopyIsEqualAndIndependent() {
        INDArray x = Nd4j.randn(DataType.FLOAT, 4, 3), copy = OffHeap.copy(x);
        assertEquals(x, copy);
        x.addi(1);
        assertNotEquals(x, copy);
        INDArray wide = Nd4j.randn(DataType.DOUBLE, 2, 2);
        assertEquals(wide, OffHeap.copy(wide));
    }
}
