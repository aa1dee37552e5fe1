package tinyfm.model;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import tinyfm.engine.Engine;

/**
 * A decoder-only Transformer language model, GPT-style: token and position embeddings, a stack of
 * pre-LayerNorm blocks, a final LayerNorm, and an LM head that scores every token of the vocabulary
 * as the next one. The LM head reuses the token embedding matrix (weight tying), as GPT-2 does.
 *
 * <p>Forward and backward are written out layer by layer in the operations of an {@link Engine}:
 * the fast engine in training, the reference engine in the float64 gradient checks, the same layer
 * code on both. A forward pass returns a {@link Pass}, the per-call cache its backward consumes, so
 * one model can serve several threads at once, each with its own engine.
 */
public final class Gpt {
    private final GptConfig config;
    private final Parameters parameters;
    private final Parameters.Param tokenEmbedding;    // [V, C], also the LM head
    private final Parameters.Param positionEmbedding; // [T, C]
    private final Dropout embeddingDropout;
    private final List<Block> blocks = new ArrayList<>();
    private final LayerNorm finalNorm;
    private final DataType type;
    private final Engine engine;   // for the single-threaded methods below
    private final java.util.Map<Long, INDArray> positionViews = new java.util.concurrent.ConcurrentHashMap<>();
    private Pass last;

    public Gpt(GptConfig config) {
        this(config, DataType.FLOAT);
    }

    public Gpt(GptConfig config, DataType type) {
        this.config = config;
        this.type = type;
        Parameters.Builder b = new Parameters.Builder();
        tokenEmbedding = b.add("embedding.token", Parameters.Init.NORMAL, 0.02, true, config.vocabSize(), config.embedDim());
        positionEmbedding = b.add("embedding.position", Parameters.Init.NORMAL, 0.02, true, config.contextLength(), config.embedDim());
        embeddingDropout = new Dropout(config.dropout());
        for (int i = 0; i < config.layers(); i++) {
            blocks.add(new Block(b, "block." + i, i, config));
        }
        finalNorm = new LayerNorm(b, "final_norm", config.embedDim());
        parameters = b.build(type);
        engine = newEngine();
    }

    public GptConfig config() {
        return config;
    }

    public Parameters parameters() {
        return parameters;
    }

    /** An engine for this model's precision; give each thread its own. */
    public Engine newEngine() {
        return Engine.forType(type);
    }

    /** One forward pass: its input, every layer's cache, and the hidden states it produced. */
    public final class Pass {
        final Engine engine;
        final int[] tokens;
        final int batch, time;
        final Block.Cache[] blocks = new Block.Cache[config.layers()];
        final LayerNorm.Cache finalNorm = new LayerNorm.Cache();
        INDArray embeddingMask, hidden;

        Pass(Engine engine, int[] tokens, int batch, int time) {
            this.engine = engine;
            this.tokens = tokens;
            this.batch = batch;
            this.time = time;
        }

        /** The final hidden states, [batch·time, C]. */
        public INDArray hidden() {
            return hidden;
        }
    }

    /**
     * Runs the Transformer body: tokens [batch × time, row-major] -> hidden states [batch·time, C].
     * With a key/value cache, the tokens continue the cached ones (positions start at its length).
     */
    public Pass forward(Engine e, int[] tokens, int batch, int time, boolean training, KvCache kv) {
        int past = kv == null ? 0 : kv.length();
        if (past + time > config.contextLength()) {
            throw new IllegalArgumentException("sequence of " + (past + time) + " tokens exceeds the context length " + config.contextLength());
        }
        if (tokens.length != batch * time) {
            throw new IllegalArgumentException("expected " + batch * time + " tokens, got " + tokens.length);
        }
        e.newPass();
        Pass p = new Pass(e, checkedIds(tokens), batch, time);
        INDArray x = e.array((long) batch * time, config.embedDim());
        e.gatherRows(tokenEmbedding.value, tokens, x);                  // token embeddings
        INDArray positions = positions(past, time);
        for (int b = 0; b < batch; b++) {                               // plus position embeddings
            INDArray sequence = batch == 1 ? x : rowsOf(x, b * time, time);
            e.add(sequence, positions, sequence);
        }
        p.embeddingMask = embeddingDropout.forward(e, x, training);
        for (int i = 0; i < blocks.size(); i++) {
            p.blocks[i] = new Block.Cache();
            x = blocks.get(i).forward(e, x, batch, time, kv, training, p.blocks[i]);
        }
        if (kv != null) {
            kv.advance(time);
        }
        p.hidden = finalNorm.forward(e, x, p.finalNorm);
        return p;
    }

    /** Backpropagates dL/dhidden through the body; gradients accumulate in {@code parameters().grads()}. */
    public void backward(Pass p, INDArray dHidden) {
        Engine e = p.engine;
        INDArray dx = finalNorm.backward(e, dHidden, p.finalNorm);
        for (int i = blocks.size() - 1; i >= 0; i--) {
            dx = blocks.get(i).backward(e, dx, p.blocks[i]);
        }
        Dropout.backward(dx, p.embeddingMask);
        long c = config.embedDim();
        INDArray positionGrads = positionEmbedding.grad.get(NDArrayIndex.interval(0, p.time), NDArrayIndex.all());
        e.addColumnSums(dx.reshape('c', p.batch, p.time * c), positionGrads.reshape('c', 1, p.time * c));
        e.scatterAddRows(tokenEmbedding.grad, p.tokens, dx);
    }

    /** Next-token logits from hidden states: h · Eᵀ, [rows, V]. */
    public INDArray logits(Engine e, INDArray hidden) {
        INDArray logits = e.array(hidden.rows(), config.vocabSize());
        e.matmul(hidden, false, tokenEmbedding.value, true, 1, 0, logits);
        return logits;
    }

    /**
     * The self-supervised objective: the cross-entropy of predicting targets[i] from inputs[0..i], on
     * this engine. With {@code backward}, also computes all gradients. Returns the loss (nats) of each position.
     */
    public double[] languageModelLoss(Engine e, int[] inputs, int[] targets, int batch, int time, boolean training, boolean backward) {
        Pass p = forward(e, inputs, batch, time, training, null);
        INDArray logits = logits(e, p.hidden);
        INDArray dLogits = backward ? e.array(logits.shape()) : null;
        double[] losses = e.crossEntropy(logits, targets, dLogits);
        if (backward) {
            INDArray dHidden = e.array(p.hidden.shape());
            e.matmul(dLogits, false, tokenEmbedding.value, false, 1, 0, dHidden);       // dh = dlogits · E
            e.matmul(dLogits, true, p.hidden, false, 1, 1, tokenEmbedding.grad);        // dE += dlogitsᵀ · h
            backward(p, dHidden);
        }
        return losses;
    }

    // ---- for one thread: the model's own engine, and the last pass for backwardHidden ----

    public INDArray forwardHidden(int[] tokens, int batch, int time, boolean training) {
        last = forward(engine, tokens, batch, time, training, null);
        return last.hidden;
    }

    public void backwardHidden(INDArray dHidden) {
        backward(last, dHidden);
    }

    public INDArray logits(int[] tokens, int batch, int time) {
        return logits(engine, forwardHidden(tokens, batch, time, false));
    }

    public double[] languageModelLoss(int[] inputs, int[] targets, int batch, int time, boolean training, boolean backward) {
        return languageModelLoss(engine, inputs, targets, batch, time, training, backward);
    }

    public void zeroGradients() {
        parameters.grads().assign(0);
    }

    private int[] checkedIds(int[] ids) {
        for (int id : ids) {
            if (id < 0 || id >= config.vocabSize()) {
                throw new IllegalArgumentException("token id " + id + " is outside the vocabulary of " + config.vocabSize());
            }
        }
        return ids;
    }

    /** Rows [past, past + time) of the position embeddings; kept, since decoding asks for the same ones again. */
    private INDArray positions(int past, int time) {
        return positionViews.computeIfAbsent((long) past * (config.contextLength() + 1) + time,
                k -> positionEmbedding.value.get(NDArrayIndex.interval(past, past + time), NDArrayIndex.all()));
    }

    private static INDArray rowsOf(INDArray x, long from, long count) {
        return x.get(NDArrayIndex.interval(from, from + count), NDArrayIndex.all());
    }

    /**
     * Generates with a key/value cache: each new token runs through the same blocks as training,
     * attending to the cached keys and values of the tokens before it, so a step costs one position's
     * work instead of the whole window's. Has its own engine, so decoders on several threads may share a model.
     */
    public final class Decoder {
        private final Engine e = newEngine();
        private final KvCache cache = new KvCache(config, 1, type);
        private final java.util.Map<INDArray, INDArray> vectors = new java.util.IdentityHashMap<>();

        public int position() {
            return cache.length();
        }

        public boolean full() {
            return cache.length() >= config.contextLength();
        }

        public void reset() {
            cache.clear();
        }

        /** Feeds one token at the next position; returns the logits [V] for the token after it. */
        public INDArray step(int token) {
            return feed(new int[] {token});
        }

        /** Feeds several tokens in one pass (a prompt); returns the logits [V] for the token after the last. */
        public INDArray feed(int[] tokens) {
            if (cache.length() + tokens.length > config.contextLength()) {
                throw new IllegalStateException("the context window is full; reset and feed a shorter window");
            }
            Pass p = forward(e, tokens, 1, tokens.length, false, cache);
            INDArray lastState = tokens.length == 1 ? p.hidden : rowsOf(p.hidden, tokens.length - 1, 1);
            INDArray logits = logits(e, lastState);
            return vectors.computeIfAbsent(logits, l -> l.reshape(config.vocabSize()));
        }
    }
}
