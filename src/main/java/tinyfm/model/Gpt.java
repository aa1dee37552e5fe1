package tinyfm.model;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A decoder-only Transformer language model, GPT-style: token and position embeddings, a stack of
 * pre-LayerNorm blocks, a final LayerNorm, and an LM head that scores every token of the vocabulary
 * as the next one. The LM head reuses the token embedding matrix (weight tying), as GPT-2 does.
 *
 * <p>Forward and backward passes are written out by hand on ND4J arrays, layer by layer, so a
 * student can read exactly what each gradient is; tests check them against numerical gradients.
 */
public final class Gpt {
    private final GptConfig config;
    private final Parameters parameters;
    private final Parameters.Param tokenEmbedding;    // [V, C], also the LM head
    private final Parameters.Param positionEmbedding; // [T, C]
    private final Dropout embeddingDropout;
    private final List<Block> blocks = new ArrayList<>();
    private final LayerNorm finalNorm;
    private final Workspace ws;
    private int[] tokens;
    private int batch, time;
    private INDArray hidden;

    public Gpt(GptConfig config) {
        this(config, DataType.FLOAT);
    }

    public Gpt(GptConfig config, DataType type) {
        this.config = config;
        Parameters.Builder b = new Parameters.Builder();
        tokenEmbedding = b.add("embedding.token", Parameters.Init.NORMAL, 0.02, true, config.vocabSize(), config.embedDim());
        positionEmbedding = b.add("embedding.position", Parameters.Init.NORMAL, 0.02, true, config.contextLength(), config.embedDim());
        embeddingDropout = new Dropout("embedding.dropout", config.dropout());
        for (int i = 0; i < config.layers(); i++) {
            blocks.add(new Block(b, "block." + i, config));
        }
        finalNorm = new LayerNorm(b, "final_norm", config.embedDim());
        parameters = b.build(type);
        ws = new Workspace(type);
    }

    public GptConfig config() {
        return config;
    }

    public Parameters parameters() {
        return parameters;
    }

    /** Runs the Transformer body: tokens [batch × time, row-major] -> hidden states [batch·time, C]. */
    public INDArray forwardHidden(int[] tokens, int batch, int time, boolean training) {
        if (time > config.contextLength()) {
            throw new IllegalArgumentException("sequence of " + time + " tokens exceeds the context length " + config.contextLength());
        }
        if (tokens.length != batch * time) {
            throw new IllegalArgumentException("expected " + batch * time + " tokens, got " + tokens.length);
        }
        this.tokens = tokens;
        this.batch = batch;
        this.time = time;
        long c = config.embedDim();
        INDArray x = ws.get("embedding.out", (long) batch * time, c);
        Nd4j.pullRows(tokenEmbedding.value, x, 1, checkedIds(tokens));
        INDArray positions = positionEmbedding.value.get(NDArrayIndex.interval(0, time), NDArrayIndex.all());
        x.reshape('c', batch, time * c).addiRowVector(positions.reshape('c', 1, time * c));
        embeddingDropout.forward(x, training, ws);
        for (Block block : blocks) {
            x = block.forward(x, batch, time, training, ws);
        }
        hidden = finalNorm.forward(x, ws);
        return hidden;
    }

    private int[] checkedIds(int[] ids) {
        for (int id : ids) {
            if (id < 0 || id >= config.vocabSize()) {
                throw new IllegalArgumentException("token id " + id + " is outside the vocabulary of " + config.vocabSize());
            }
        }
        return ids;
    }

    /** Backpropagates dL/dhidden through the body; gradients accumulate in {@code parameters().grads()}. */
    public void backwardHidden(INDArray dHidden) {
        INDArray dx = finalNorm.backward(dHidden, ws);
        for (int i = blocks.size() - 1; i >= 0; i--) {
            dx = blocks.get(i).backward(dx, ws);
        }
        embeddingDropout.backward(dx);
        long c = config.embedDim();
        INDArray posSum = ws.get("embedding.posSum", 1, time * c);
        dx.reshape('c', batch, time * c).sum(posSum, 0);
        positionEmbedding.grad.get(NDArrayIndex.interval(0, time), NDArrayIndex.all()).addi(posSum.reshape('c', time, c));
        Kernels.addRowsAt(tokenEmbedding.grad, tokens, dx);
    }

    /** Next-token logits for every position: [batch·time, V]. */
    public INDArray logits(int[] tokens, int batch, int time) {
        INDArray h = forwardHidden(tokens, batch, time, false);
        INDArray logits = ws.get("lm.logits", h.rows(), config.vocabSize());
        Blas.gemm(false, true, 1, h, tokenEmbedding.value, 0, logits);
        return logits;
    }

    /**
     * The self-supervised objective: the mean cross-entropy of predicting targets[i] from inputs[0..i].
     * With {@code backward}, also computes all gradients. Returns the loss (nats) of each position.
     */
    public double[] languageModelLoss(int[] inputs, int[] targets, int batch, int time, boolean training, boolean backward) {
        INDArray h = forwardHidden(inputs, batch, time, training);
        long n = h.rows();
        INDArray logits = ws.get("lm.logits", n, config.vocabSize());
        Blas.gemm(false, true, 1, h, tokenEmbedding.value, 0, logits);
        INDArray probs = ws.get("lm.probs", n, config.vocabSize());
        Nd4j.exec(new SoftMax(logits, probs, 1));
        double[] losses = new double[(int) n];
        for (int i = 0; i < n; i++) {
            losses[i] = -Math.log(Math.max(probs.getDouble(i, targets[i]), 1e-30));
        }
        if (backward) {
            // dL/dlogits = (softmax - onehot(target)) / n
            for (int i = 0; i < n; i++) {
                probs.putScalar(i, targets[i], probs.getDouble(i, targets[i]) - 1.0);
            }
            probs.muli(1.0 / n);
            INDArray dHidden = ws.get("lm.dHidden", n, config.embedDim());
            Blas.gemm(false, false, 1, probs, tokenEmbedding.value, 0, dHidden);
            Blas.gemm(true, false, 1, probs, h, 1, tokenEmbedding.grad);
            backwardHidden(dHidden);
        }
        return losses;
    }

    public void zeroGradients() {
        parameters.grads().assign(0);
    }

    /**
     * Generates one token at a time with a key/value cache: each new token attends to the cached keys
     * and values of the tokens before it, so a step costs one row of work instead of the whole window.
     */
    public final class Decoder {
        private final INDArray[] keys = new INDArray[blocks.size()];
        private final INDArray[] values = new INDArray[blocks.size()];
        private final Workspace stepWs = new Workspace(ws.type());
        private int position;

        public Decoder() {
            int h = config.heads(), t = config.contextLength(), d = config.headDim();
            for (int i = 0; i < blocks.size(); i++) {
                keys[i] = Nd4j.create(ws.type(), h, t, d);
                values[i] = Nd4j.create(ws.type(), h, t, d);
            }
        }

        public int position() {
            return position;
        }

        public boolean full() {
            return position >= config.contextLength();
        }

        public void reset() {
            position = 0;
        }

        /** Feeds one token at the next position; returns the logits [V] for the token after it. */
        public INDArray step(int token) {
            if (full()) {
                throw new IllegalStateException("the context window is full; reset and feed a shorter window");
            }
            int c = config.embedDim(), h = config.heads(), d = config.headDim();
            INDArray x = stepWs.get("x", 1, c);
            x.assign(tokenEmbedding.value.getRow(checkedIds(new int[] {token})[0]).reshape(1, c))
                    .addi(positionEmbedding.value.getRow(position).reshape(1, c));
            for (int i = 0; i < blocks.size(); i++) {
                Block block = blocks.get(i);
                INDArray a = block.ln1.forward(x, stepWs);
                INDArray qkv = stepWs.get("qkv", 1, 3 * c);
                block.attention.qkv.forward(a, qkv);
                INDArray parts = qkv.reshape('c', 3, h, d);
                keys[i].get(NDArrayIndex.all(), NDArrayIndex.point(position), NDArrayIndex.all()).assign(parts.slice(1));
                values[i].get(NDArrayIndex.all(), NDArrayIndex.point(position), NDArrayIndex.all()).assign(parts.slice(2));
                INDArray k = keys[i].get(NDArrayIndex.all(), NDArrayIndex.interval(0, position + 1), NDArrayIndex.all());
                INDArray v = values[i].get(NDArrayIndex.all(), NDArrayIndex.interval(0, position + 1), NDArrayIndex.all());
                INDArray q = parts.slice(0).reshape('c', h, 1, d).mul(1.0 / Math.sqrt(d));
                INDArray scores = Nd4j.matmul(q, k, false, true, false);            // [H, 1, t]
                INDArray probs = Nd4j.exec(new SoftMax(scores, scores.ulike(), 2))[0];
                INDArray attended = Nd4j.matmul(probs, v);                            // [H, 1, D]
                INDArray attnOut = stepWs.get("attnOut", 1, c);
                block.attention.proj.forward(attended.reshape('c', 1, c), attnOut);
                INDArray mid = stepWs.get("mid", 1, c);
                mid.assign(x).addi(attnOut);
                INDArray mlpOut = block.mlp.forward(block.ln2.forward(mid, stepWs), false, stepWs);
                x.assign(mid).addi(mlpOut);
            }
            INDArray hLast = finalNorm.forward(x, stepWs);
            INDArray logits = stepWs.get("logits", 1, config.vocabSize());
            Nd4j.gemm(hLast, tokenEmbedding.value, logits, false, true, 1.0, 0.0);
            position++;
            return logits.reshape(config.vocabSize());
        }
    }
}
