package tinyfm.model;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.random.impl.BernoulliDistribution;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Randomly zeroes activations during training (and scales the rest up) so the model cannot lean on
 * any single unit. Off at inference. The mask comes from ND4J's generator, which the trainer
 * reseeds every step from (seed, step), so a resumed run draws the same masks.
 */
final class Dropout {
    private final double p;
    private final String name;
    private INDArray mask;

    Dropout(String name, double p) {
        this.name = name;
        this.p = p;
    }

    void forward(INDArray x, boolean training, Workspace ws) {
        mask = null;
        if (!training || p == 0) {
            return;
        }
        mask = ws.get(name + ".mask", x.shape());
        Nd4j.getExecutioner().exec(new BernoulliDistribution(mask, 1 - p), Nd4j.getRandom());
        mask.muli(1.0 / (1 - p));
        x.muli(mask);
    }

    void backward(INDArray dx) {
        if (mask != null) {
            dx.muli(mask);
        }
    }
}
