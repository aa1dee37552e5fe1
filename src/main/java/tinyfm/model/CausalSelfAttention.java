package tinyfm.model;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Multi-head self-attention with a causal mask: each position mixes in information from itself and
 * earlier positions only, so the model can be trained to predict the next token at every position
 * at once without seeing the answer.
 *
 * <p>Shapes: N = B·T rows of width C, split into H heads of width D = C / H. Each head of each
 * sequence is one small matrix product, made on views of the shared arrays, so heads are never
 * copied out and back (see {@link Blas.Matrix}).
 */
final class CausalSelfAttention {
    final Linear qkv;   // C -> 3C: queries, keys and values in one matrix product
    final Linear proj;  // C -> C: mixes the heads back together
    private final Dropout dropout;
    private final int heads;
    private final String name;
    private final int headDim;
    private final double scale;
    // kept from forward for backward
    private INDArray x, qkvOut, probs, merged;
    private int batch, time;

    CausalSelfAttention(Parameters.Builder b, String name, GptConfig cfg) {
        int c = cfg.embedDim();
        this.name = name;
        this.heads = cfg.heads();
        this.headDim = cfg.headDim();
        this.scale = 1.0 / Math.sqrt(cfg.headDim());
        this.qkv = new Linear(b, name + ".qkv", c, 3 * c, 0.02);
        this.proj = new Linear(b, name + ".proj", c, c, 0.02 / Math.sqrt(2.0 * cfg.layers()));
        this.dropout = new Dropout(name + ".dropout", cfg.dropout());
    }

    INDArray forward(INDArray x, int batch, int time, boolean training, Workspace ws) {
        this.x = x;
        this.batch = batch;
        this.time = time;
        long n = x.rows(), c = x.columns();
        qkvOut = ws.get(name + ".qkvOut", n, 3 * c);
        qkv.forward(x, qkvOut);
        // scores[b, h, t, s] = q[t] · k[s] / sqrt(D); softmax over s <= t turns them into weights
        INDArray scores = ws.get(name + ".scores", (long) batch * heads * time, time);
        eachHead((b, h) -> Blas.gemmWhole(false, true, scale, query(b, h), key(b, h), 0, scoresOf(scores, b, h)));
        probs = ws.get(name + ".probs", (long) batch * heads * time, time);
        Kernels.causalSoftmax(scores, probs, time);
        // each head's output goes straight into its D columns of merged [N, C]
        merged = ws.get(name + ".merged", n, c);
        eachHead((b, h) -> Blas.gemmWhole(false, false, 1, scoresOf(probs, b, h), value(b, h), 0, headOf(merged, b, h)));
        INDArray out = ws.get(name + ".out", n, c);
        proj.forward(merged, out);
        dropout.forward(out, training, ws);
        return out;
    }

    private interface HeadWork {
        void run(int b, int h);
    }

    /** Runs work for every (sequence, head) pair; the pairs are independent, so two run at once. */
    private void eachHead(HeadWork work) {
        Halves.run(batch * heads, (long) batch * heads * time * time * headDim, (from, to) -> {
            for (int p = from; p < to; p++) {
                work.run(p / heads, p % heads);
            }
        });
    }

    // Views into [N, 3C] (queries, keys and values of every head side by side) and [N, C]: head h of
    // sequence b is a block of T rows and D columns, read in place.
    private Blas.Matrix query(int b, int h) {
        return Blas.Matrix.of(qkvOut).block(b * time, h * headDim, time, headDim);
    }

    private Blas.Matrix key(int b, int h) {
        return Blas.Matrix.of(qkvOut).block(b * time, (heads + h) * headDim, time, headDim);
    }

    private Blas.Matrix value(int b, int h) {
        return Blas.Matrix.of(qkvOut).block(b * time, (2 * heads + h) * headDim, time, headDim);
    }

    private Blas.Matrix headOf(INDArray rows, int b, int h) {
        return Blas.Matrix.of(rows).block(b * time, h * headDim, time, headDim);
    }

    /** The T × T attention matrix of head h of sequence b, inside [B·H·T, T]. */
    private Blas.Matrix scoresOf(INDArray all, int b, int h) {
        return Blas.Matrix.of(all).block((b * heads + h) * time, 0, time, time);
    }

    INDArray backward(INDArray dout, Workspace ws) {
        long n = dout.rows(), c = dout.columns();
        dropout.backward(dout);
        INDArray dMerged = ws.get(name + ".dMerged", n, c);
        proj.backward(merged, dout, dMerged, ws);
        // attended = probs · v, per head
        INDArray dProbs = ws.get(name + ".dProbs", (long) batch * heads * time, time);
        INDArray dqkv = ws.get(name + ".dqkv", n, 3 * c);
        Blas.Matrix dAll = Blas.Matrix.of(dqkv);
        eachHead((b, h) -> {
            Blas.gemmWhole(false, true, 1, headOf(dMerged, b, h), value(b, h), 0, scoresOf(dProbs, b, h));
            Blas.gemmWhole(true, false, 1, scoresOf(probs, b, h), headOf(dMerged, b, h), 0,
                    dAll.block(b * time, (2 * heads + h) * headDim, time, headDim));
        });
        INDArray dScores = ws.get(name + ".dScores", (long) batch * heads * time, time);
        Kernels.causalSoftmaxBackward(probs, dProbs, scale, dScores, time);
        // scores = q · k^T (the scale is already in dScores)
        eachHead((b, h) -> {
            Blas.gemmWhole(false, false, 1, scoresOf(dScores, b, h), key(b, h), 0, dAll.block(b * time, h * headDim, time, headDim));
            Blas.gemmWhole(true, false, 1, scoresOf(dScores, b, h), query(b, h), 0,
                    dAll.block(b * time, (heads + h) * headDim, time, headDim));
        });
        INDArray dx = ws.get(name + ".dx", n, c);
        qkv.backward(x, dqkv, dx, ws);
        return dx;
    }
}
