package tinyfm.model;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Multi-head self-attention with a causal mask: each position mixes in information from itself and
 * earlier positions only, so the model can be trained to predict the next token at every position
 * at once without seeing the answer.
 *
 * <p>Shapes: N = B·T rows of width C, split into H heads of width D = C / H.
 */
final class CausalSelfAttention {
    private static final double MASKED = -1e9;
    final Linear qkv;   // C -> 3C: queries, keys and values in one matrix product
    final Linear proj;  // C -> C: mixes the heads back together
    private final Dropout dropout;
    private final int heads;
    private final String name;
    private final double scale;
    // kept from forward for backward
    private INDArray x, q, k, v, probs, merged;
    private int batch, time;

    CausalSelfAttention(Parameters.Builder b, String name, GptConfig cfg) {
        int c = cfg.embedDim();
        this.name = name;
        this.heads = cfg.heads();
        this.scale = 1.0 / Math.sqrt(cfg.headDim());
        this.qkv = new Linear(b, name + ".qkv", c, 3 * c, 0.02);
        this.proj = new Linear(b, name + ".proj", c, c, 0.02 / Math.sqrt(2.0 * cfg.layers()));
        this.dropout = new Dropout(name + ".dropout", cfg.dropout());
    }

    INDArray forward(INDArray x, int batch, int time, boolean training, Workspace ws) {
        this.x = x;
        this.batch = batch;
        this.time = time;
        long n = x.rows(), c = x.columns(), d = c / heads;
        INDArray qkvOut = ws.get(name + ".qkvOut", n, 3 * c);
        qkv.forward(x, qkvOut);
        // [B, T, 3, H, D] -> three [B, H, T, D] arrays, one per role
        INDArray split = qkvOut.reshape('c', batch, time, 3, heads, d).permute(2, 0, 3, 1, 4);
        q = ws.get(name + ".q", batch, heads, time, d).assign(split.slice(0));
        k = ws.get(name + ".k", batch, heads, time, d).assign(split.slice(1));
        v = ws.get(name + ".v", batch, heads, time, d).assign(split.slice(2));
        // scores[b, h, t, s] = q[t] · k[s] / sqrt(D), and -inf (almost) where s > t
        INDArray scores = ws.get(name + ".scores", batch, heads, time, time);
        Nd4j.matmul(q, k, scores, false, true, false);
        scores.muli(scale).addi(causalMask(batch, time, ws));
        probs = ws.get(name + ".probs", batch, heads, time, time);
        Nd4j.exec(new SoftMax(scores, probs, 3));
        INDArray attended = ws.get(name + ".attended", batch, heads, time, d);
        Nd4j.matmul(probs, v, attended, false, false, false);
        // [B, H, T, D] -> [B, T, H, D] = [N, C]
        merged = ws.get(name + ".merged", n, c);
        merged.reshape('c', batch, time, heads, d).assign(attended.permute(0, 2, 1, 3));
        INDArray out = ws.get(name + ".out", n, c);
        proj.forward(merged, out);
        dropout.forward(out, training, ws);
        return out;
    }

    private INDArray causalMask(int batch, int time, Workspace ws) {
        INDArray mask = ws.get(name + ".mask", batch, heads, time, time);
        if (mask.getDouble(0, 0, 0, time - 1) != MASKED || time == 1) {
            double[][] m = new double[time][time];
            for (int t = 0; t < time; t++) {
                for (int s = t + 1; s < time; s++) {
                    m[t][s] = MASKED;
                }
            }
            INDArray one = Nd4j.create(m).castTo(ws.type());
            for (int b = 0; b < batch; b++) {
                for (int h = 0; h < heads; h++) {
                    mask.slice(b).slice(h).assign(one);
                }
            }
        }
        return mask;
    }

    INDArray backward(INDArray dout, Workspace ws) {
        long n = dout.rows(), c = dout.columns(), d = c / heads;
        dropout.backward(dout);
        INDArray dMerged = ws.get(name + ".dMerged", n, c);
        proj.backward(merged, dout, dMerged, ws);
        INDArray dAttended = ws.get(name + ".dAttended", batch, heads, time, d);
        dAttended.assign(dMerged.reshape('c', batch, time, heads, d).permute(0, 2, 1, 3));
        // attended = probs · v
        INDArray dProbs = ws.get(name + ".dProbs", batch, heads, time, time);
        Nd4j.matmul(dAttended, v, dProbs, false, true, false);
        INDArray dqkvHeads = ws.get(name + ".dqkvHeads", 3, batch, heads, time, d);
        INDArray dq = dqkvHeads.slice(0), dk = dqkvHeads.slice(1), dv = dqkvHeads.slice(2);
        Nd4j.matmul(probs, dAttended, dv, true, false, false);
        // softmax backward: dScores = probs * (dProbs - sum(dProbs * probs))
        long rows = (long) batch * heads * time;
        INDArray dScores = ws.get(name + ".dScores", batch, heads, time, time);
        INDArray rowSum = ws.get(name + ".rowSum", rows);
        dScores.assign(dProbs).muli(probs);
        dScores.reshape('c', rows, time).sum(rowSum, 1);
        dScores.assign(dProbs).reshape('c', rows, time).subiColumnVector(rowSum);
        dScores.muli(probs).muli(scale);
        // scores = q · k^T
        Nd4j.matmul(dScores, k, dq, false, false, false);
        Nd4j.matmul(dScores, q, dk, true, false, false);
        // three [B, H, T, D] -> [B, T, 3, H, D] = [N, 3C]
        INDArray dqkv = ws.get(name + ".dqkv", n, 3 * c);
        dqkv.reshape('c', batch, time, 3, heads, d).assign(dqkvHeads.permute(1, 3, 0, 2, 4));
        INDArray dx = ws.get(name + ".dx", n, c);
        qkv.backward(x, dqkv, dx, ws);
        return dx;
    }
}
