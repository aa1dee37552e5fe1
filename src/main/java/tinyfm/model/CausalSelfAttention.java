package tinyfm.model;

import org.nd4j.linalg.api.ndarray.INDArray;
import tinyfm.engine.Engine;

/**
 * Multi-head self-attention with a causal mask: each position mixes in information from itself and
 * earlier positions only, so the model can be trained to predict the next token at every position
 * at once without seeing the answer.
 *
 * <pre>
 *   q, k, v = split(x · W_qkv)                      each [B, H, T, D]
 *   att     = causal_softmax(q · kᵀ / √D)           [B, H, T, T]
 *   y       = merge(att · v) · W_proj               [B·T, C]
 * </pre>
 *
 * Decoding one token at a time uses the same code with a {@link KvCache}: the new keys and values
 * are appended to those of the earlier tokens, and the new queries attend to all of them.
 */
final class CausalSelfAttention {
    final Linear qkv;   // C -> 3C: queries, keys and values in one matrix product
    final Linear proj;  // C -> C: mixes the heads back together
    private final Dropout dropout;
    private final int layer, heads, headDim;
    private final double scale;

    /** What backward needs from forward. */
    static final class Cache {
        INDArray x, qkv, q, k, v, att, merged, mask;
        int batch, time;
    }

    CausalSelfAttention(Parameters.Builder b, String name, int layer, GptConfig cfg) {
        int c = cfg.embedDim();
        this.layer = layer;
        this.heads = cfg.heads();
        this.headDim = cfg.headDim();
        this.scale = 1.0 / Math.sqrt(headDim);
        this.qkv = new Linear(b, name + ".qkv", c, 3 * c, 0.02);
        this.proj = new Linear(b, name + ".proj", c, c, 0.02 / Math.sqrt(2.0 * cfg.layers()));
        this.dropout = new Dropout(cfg.dropout());
    }

    INDArray forward(Engine e, INDArray x, int batch, int time, KvCache kv, boolean training, Cache c) {
        c.x = x;
        c.batch = batch;
        c.time = time;
        c.qkv = qkv.forward(e, x);                                  // [B·T, 3C]
        c.q = e.heads(c.qkv, batch, time, heads, 0, 3);             // [B, H, T, D], views into qkv
        c.k = e.heads(c.qkv, batch, time, heads, 1, 3);
        c.v = e.heads(c.qkv, batch, time, heads, 2, 3);
        int past = 0;
        if (kv != null) {                                           // decoding: the cached past joins in
            past = kv.length();
            c.k = kv.append(e, layer, KvCache.KEYS, c.k);           // [B, H, past + T, D]
            c.v = kv.append(e, layer, KvCache.VALUES, c.v);
        }
        INDArray scores = e.array(batch, heads, time, past + time);
        e.matmul(c.q, false, c.k, true, scale, 0, scores);          // q · kᵀ / √D
        c.att = e.array(scores.shape());
        e.causalSoftmax(scores, past, c.att);                       // each query sees keys up to its own position
        c.merged = e.array((long) batch * time, (long) heads * headDim);
        e.matmul(c.att, false, c.v, false, 1, 0, e.heads(c.merged, batch, time, heads, 0, 1)); // att · v, each head into its columns
        INDArray y = proj.forward(e, c.merged);
        c.mask = dropout.forward(e, y, training);
        return y;
    }

    /** Backward of a training pass (no key/value cache). */
    INDArray backward(Engine e, INDArray dy, Cache c) {
        int batch = c.batch, time = c.time;
        Dropout.backward(dy, c.mask);
        INDArray dMerged = proj.backward(e, c.merged, dy);
        INDArray dOut = e.heads(dMerged, batch, time, heads, 0, 1);
        INDArray dqkv = e.array(c.qkv.shape());
        INDArray dAtt = e.array(c.att.shape());
        e.matmul(dOut, false, c.v, true, 1, 0, dAtt);                           // d att = d out · vᵀ
        e.matmul(c.att, true, dOut, false, 1, 0, e.heads(dqkv, batch, time, heads, 2, 3)); // d v = attᵀ · d out
        INDArray dScores = e.array(c.att.shape());
        e.causalSoftmaxBackward(c.att, dAtt, scale, 0, dScores);                // includes the 1/√D
        e.matmul(dScores, false, c.k, false, 1, 0, e.heads(dqkv, batch, time, heads, 0, 3)); // d q = d scores · k
        e.matmul(dScores, true, c.q, false, 1, 0, e.heads(dqkv, batch, time, heads, 1, 3));  // d k = d scoresᵀ · q
        return qkv.backward(e, c.x, dqkv);
    }
}
