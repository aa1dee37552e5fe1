package tinyfm.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

    /** The unfreeze bug: a frozen layer's gradient must neither count in the clipping norm nor move its weights. */
    @Test
    void clippingCountsOnlyTheTrainableRange() {
        int n = 10, frozen = 6;
        INDArray params = Nd4j.zeros(DataType.FLOAT, n), grads = Nd4j.create(DataType.FLOAT, n), mask = Nd4j.ones(DataType.FLOAT, n);
        AdamW adam = new AdamW(params, grads, mask, 0, n, 0.9, 0.99, 0.0);
        for (int i = 0; i < n; i++) {
            grads.putScalar(i, i < frozen ? 1000 : 0.1); // huge gradients on the frozen prefix
        }
        double norm = AdamW.clipAndStep(1.0, new AdamW.Part(adam, 1e-2, frozen));
        assertEquals(0.2, norm, 1e-6, "the norm of the 4 trainable gradients of 0.1, not of the frozen 1000s");
        for (int i = 0; i < n; i++) {
            if (i < frozen) {
                assertEquals(0, params.getDouble(i), 0, "frozen weight " + i + " moved");
                assertEquals(1000, grads.getDouble(i), 1e-3, "frozen gradient " + i + " was scaled");
            } else {
                assertEquals(0.1, grads.getDouble(i), 1e-6, "a norm of 0.2 is under the clip: unscaled");
                assertTrue(params.getDouble(i) < 0, "trainable weight " + i + " moved against its gradient");
            }
        }
    }
}
