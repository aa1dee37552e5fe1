package tinyfm.model;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The feed-forward half of a block: widen to 4C, apply GELU, project back to C. Attention moves
 * information between positions; the MLP transforms it at each position.
 *
 * <p>GELU here is x·sigmoid(1.702·x), the sigmoid approximation of the Gaussian error linear unit
 * (ND4J's GELU op computes the same).
 */
final class Mlp {
    final Linear fc;
    final Linear proj;
    private final Dropout dropout;
    private final String name;
    private INDArray x, hidden, sigmoid, activated;

    Mlp(Parameters.Builder b, String name, GptConfig cfg) {
        int c = cfg.embedDim();
        this.name = name;
        this.fc = new Linear(b, name + ".fc", c, 4 * c, 0.02);
        this.proj = new Linear(b, name + ".proj", 4 * c, c, 0.02 / Math.sqrt(2.0 * cfg.layers()));
        this.dropout = new Dropout(name + ".dropout", cfg.dropout());
    }

    INDArray forward(INDArray x, boolean training, Workspace ws) {
        this.x = x;
        long n = x.rows(), c = x.columns();
        hidden = ws.get(name + ".hidden", n, 4 * c);
        sigmoid = ws.get(name + ".sigmoid", n, 4 * c);
        activated = ws.get(name + ".activated", n, 4 * c);
        fc.forward(x, hidden);
        Kernels.geluForward(hidden, sigmoid, activated);
        INDArray out = ws.get(name + ".out", n, c);
        proj.forward(activated, out);
        dropout.forward(out, training, ws);
        return out;
    }

    INDArray backward(INDArray dout, Workspace ws) {
        long n = dout.rows(), c = dout.columns();
        dropout.backward(dout);
        INDArray dActivated = ws.get(name + ".dActivated", n, 4 * c);
        proj.backward(activated, dout, dActivated, ws);
        Kernels.geluBackward(hidden, sigmoid, dActivated);
        INDArray dx = ws.get(name + ".dx", n, c);
        fc.backward(x, dActivated, dx, ws);
        return dx;
    }
}
