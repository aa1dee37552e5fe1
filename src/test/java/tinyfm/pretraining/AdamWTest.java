package tinyfm.pretraining;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The one-pass float32 AdamW gives what ND4J's AdamUpdater plus composed weight decay give in float64. */
class AdamWTest {
    @Test
    void fusedFloatStepMatchesNd4jUpdater() {
        Nd4j.getRandom().setSeed(5);
        int n = 50;
        INDArray params = Nd4j.randn(DataType.DOUBLE, n), mask = Nd4j.rand(DataType.DOUBLE, n).gt(0.5).castTo(DataType.DOUBLE);
        INDArray pWide = params.dup(), pNarrow = params.castTo(DataType.FLOAT);
        INDArray gWide = Nd4j.create(DataType.DOUBLE, n), gNarrow = Nd4j.create(DataType.FLOAT, n);
        AdamW wide = new AdamW(pWide, gWide, mask, 0, n, 0.9, 0.99, 0.1);
        AdamW narrow = new AdamW(pNarrow, gNarrow, mask.castTo(DataType.FLOAT), 0, n, 0.9, 0.99, 0.1);
        for (int step = 0; step < 5; step++) {
            INDArray g = Nd4j.randn(DataType.DOUBLE, n);
            gWide.assign(g);
            gNarrow.assign(g.castTo(DataType.FLOAT));
            wide.step(1e-2);
            narrow.step(1e-2);
        }
        assertTrue(pWide.castTo(DataType.FLOAT).equalsWithEps(pNarrow, 1e-5), "parameters differ:\n" + pWide + "\n" + pNarrow);
        assertTrue(!pWide.equalsWithEps(params, 1e-3), "the parameters moved");
        assertTrue(wide.state()[1].castTo(DataType.FLOAT).equalsWithEps(narrow.state()[1], 1e-6), "second moments differ");
    }
}
