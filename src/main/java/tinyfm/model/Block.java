package tinyfm.model;

import org.nd4j.linalg.api.ndarray.INDArray;
import tinyfm.engine.Engine;

/** One Transformer block: x + attention(LN(x)), then + MLP(LN(.)). Residual paths let gradients flow through depth. */
final class Block {
    final LayerNorm ln1;
    final CausalSelfAttention attention;
    final LayerNorm ln2;
    final Mlp mlp;

    /** The block's per-call cache: one for each of its layers. */
    static final class Cache {
        final LayerNorm.Cache ln1 = new LayerNorm.Cache(), ln2 = new LayerNorm.Cache();
        final CausalSelfAttention.Cache attention = new CausalSelfAttention.Cache();
        final Mlp.Cache mlp = new Mlp.Cache();
    }

    Block(Parameters.Builder b, String name, int index, GptConfig cfg) {
        this.ln1 = new LayerNorm(b, name + ".ln1", cfg.embedDim());
        this.attention = new CausalSelfAttention(b, name + ".attention", index, cfg);
        this.ln2 = new LayerNorm(b, name + ".ln2", cfg.embedDim());
        this.mlp = new Mlp(b, name + ".mlp", cfg);
    }

    INDArray forward(Engine e, INDArray x, int batch, int time, KvCache kv, boolean training, Cache c) {
        INDArray mid = e.add(x, attention.forward(e, ln1.forward(e, x, c.ln1), batch, time, kv, training, c.attention));
        return e.add(mid, mlp.forward(e, ln2.forward(e, mid, c.ln2), training, c.mlp));
    }

    INDArray backward(Engine e, INDArray dy, Cache c) {
        INDArray dMid = e.add(dy, ln2.backward(e, mlp.backward(e, dy, c.mlp), c.ln2));
        return e.add(dMid, ln1.backward(e, attention.backward(e, dMid, c.attention), c.ln1));
    }
}
