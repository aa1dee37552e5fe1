package tinyfm.model;

import org.nd4j.linalg.api.ndarray.INDArray;
import tinyfm.engine.Engine;

/**
 * The feed-forward half of a block: widen to 4C, apply GELU, project back to C. Attention moves
 * information between positions; the MLP transforms it at each position.
 *
 * <p>GELU here is x·sigmoid(1.702·x), the sigmoid approximation of the Gaussian error linear unit.
 */
final class Mlp {
    final Linear fc;
    final Linear proj;
    private final Dropout dropout;

    static final class Cache {
        INDArray x, hidden, sig, activated, mask;
    }

    Mlp(Parameters.Builder b, String name, GptConfig cfg) {
        int c = cfg.embedDim();
        this.fc = new Linear(b, name + ".fc", c, 4 * c, 0.02);
        this.proj = new Linear(b, name + ".proj", 4 * c, c, 0.02 / Math.sqrt(2.0 * cfg.layers()));
        this.dropout = new Dropout(cfg.dropout());
    }

    INDArray forward(Engine e, INDArray x, boolean training, Cache c) {
        c.x = x;
        c.hidden = fc.forward(e, x);                       // [N, 4C]
        c.sig = e.array(c.hidden.shape());
        c.activated = e.array(c.hidden.shape());
        e.gelu(c.hidden, c.sig, c.activated);              // GELU(h), keeping sigmoid(1.702 h)
        INDArray y = proj.forward(e, c.activated);         // [N, C]
        c.mask = dropout.forward(e, y, training);
        return y;
    }

    INDArray backward(Engine e, INDArray dy, Cache c) {
        Dropout.backward(dy, c.mask);
        INDArray dActivated = proj.backward(e, c.activated, dy);
        e.geluBackward(c.hidden, c.sig, dActivated);       // now dL/dhidden
        return fc.backward(e, c.x, dActivated);
    }
}
