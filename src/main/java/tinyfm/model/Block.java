package tinyfm.model;

import org.nd4j.linalg.api.ndarray.INDArray;

/** One Transformer block: x + attention(LN(x)), then + MLP(LN(.)). Residual paths let gradients flow through depth. */
final class Block {
    final LayerNorm ln1;
    final CausalSelfAttention attention;
    final LayerNorm ln2;
    final Mlp mlp;
    private final String name;

    Block(Parameters.Builder b, String name, GptConfig cfg) {
        this.name = name;
        this.ln1 = new LayerNorm(b, name + ".ln1", cfg.embedDim());
        this.attention = new CausalSelfAttention(b, name + ".attention", cfg);
        this.ln2 = new LayerNorm(b, name + ".ln2", cfg.embedDim());
        this.mlp = new Mlp(b, name + ".mlp", cfg);
    }

    INDArray forward(INDArray x, int batch, int time, boolean training, Workspace ws) {
        INDArray mid = ws.get(name + ".mid", x.shape());
        Kernels.add(x, attention.forward(ln1.forward(x, ws), batch, time, training, ws), mid);
        INDArray out = ws.get(name + ".out", x.shape());
        Kernels.add(mid, mlp.forward(ln2.forward(mid, ws), training, ws), out);
        return out;
    }

    INDArray backward(INDArray dout, Workspace ws) {
        INDArray dMid = ws.get(name + ".dMid", dout.shape());
        Kernels.add(dout, ln2.backward(mlp.backward(dout, ws), ws), dMid);
        INDArray dx = ws.get(name + ".dx", dout.shape());
        Kernels.add(dMid, ln1.backward(attention.backward(dMid, ws), ws), dx);
        return dx;
    }
}
