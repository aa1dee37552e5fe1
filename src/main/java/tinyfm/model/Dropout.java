package tinyfm.model;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.random.impl.BernoulliDistribution;
import org.nd4j.linalg.factory.Nd4j;
import tinyfm.engine.Engine;

/**
 * Randomly zeroes activations during training (and scales the rest up) so the model cannot lean on
 * any single unit. Off at inference. The mask comes from ND4J's generator, which the trainer
 * reseeds every step from (seed, step), so a resumed run draws the same masks.
 */
final class Dropout {
    private final double p;

    Dropout(double p) {
        this.p = p;
    }

    /** Applies dropout to x in place; returns the mask backward needs, or null when nothing was dropped. */
    INDArray forward(Engine e, INDArray x, boolean training) {
        if (!training || p == 0) {
            return null;
        }
        INDArray mask = e.array(x.shape());
        Nd4j.getExecutioner().exec(new BernoulliDistribution(mask, 1 - p), Nd4j.getRandom());
        mask.muli(1.0 / (1 - p));
        x.muli(mask);
        return mask;
    }

    static void backward(INDArray dx, INDArray mask) {
        if (mask != null) {
            dx.muli(mask);
        }
    }
}
