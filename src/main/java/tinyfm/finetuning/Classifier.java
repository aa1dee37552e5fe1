package tinyfm.finetuning;

import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.factory.Nd4j;
import tinyfm.data.Example;
import tinyfm.engine.OffHeap;
import tinyfm.model.Gpt;
import tinyfm.model.Parameters;
import tinyfm.tokenizer.Tokenizer;

/**
 * A pretrained body with a new classification head: the language model's head (next-token scores)
 * is replaced by a small matrix that scores the task's labels from a summary of the body's hidden
 * states over the text (the readout). Each text ends with the end-of-text token, a token the base
 * saw after every document in pretraining.
 */
public final class Classifier {
    /**
     * What the head reads. {@code LAST}: the state at the end-of-text token; attention is causal,
     * so that position has seen the whole text. {@code POOLED}: the mean, the maximum and the last
     * state side by side (ULMFiT's concat pooling), so no single position has to carry everything.
     */
    public enum Readout {
        LAST(1), POOLED(3);

        /** How many embedding widths the head reads. */
        public final int widths;

        Readout(int widths) {
            this.widths = widths;
        }
    }

    /** Chosen by measurement: README, "Transfer: what moved it". */
    public static final Readout DEFAULT_READOUT = Readout.POOLED;

    private final Gpt body;
    private final Readout readout;
    private final Parameters head;
    private final Parameters.Param weight; // [widths × C, K]
    private final Parameters.Param bias;   // [K]
    private final int labels;
    private final int maxTokens;

    public Classifier(Gpt body, int labels) {
        this(body, labels, DEFAULT_READOUT);
    }

    public Classifier(Gpt body, int labels, Readout readout) {
        this(body, labels, readout, FineTuneConfig.WHOLE_CONTEXT);
    }

    /** A classifier that reads at most {@code maxTokens} tokens of each text, end-of-text included (at most the body's context). */
    public Classifier(Gpt body, int labels, Readout readout, int maxTokens) {
        this.body = body;
        this.labels = labels;
        this.readout = readout;
        this.maxTokens = Math.min(maxTokens, body.config().contextLength());
        Parameters.Builder b = new Parameters.Builder();
        int c = body.config().embedDim() * readout.widths;
        this.weight = b.add("head.weight", Parameters.Init.NORMAL, 0.02, true, c, labels);
        this.bias = b.add("head.bias", Parameters.Init.ZEROS, 0, false, labels);
        this.head = b.build(body.parameters().values().dataType());
    }

    public Gpt body() {
        return body;
    }

    public Parameters head() {
        return head;
    }

    public int labels() {
        return labels;
    }

    public Readout readout() {
        return readout;
    }

    /** Tokens read per text, end-of-text included: the same when training, evaluating and classifying. */
    public int maxTokens() {
        return maxTokens;
    }

    /** A text as this classifier reads it: its first tokens, then end-of-text. */
    public int[] encode(Tokenizer tokenizer, String text) {
        return Batches.encode(tokenizer, text, maxTokens);
    }

    /** The class probabilities for one text: what {@code tinyfm classify} prints. */
    public double[] classify(Tokenizer tokenizer, String text) {
        int context = body.config().contextLength();
        Batch one = Batches.of(List.of(encode(tokenizer, text)), null, tokenizer, context);
        return forward(one, false, false, false).probabilities().getRow(0).toDoubleVector();
    }

    /** Predicts every example (in batches, no dropout) and scores the predictions. */
    public Metrics evaluate(Tokenizer tokenizer, List<String> labels, List<Example> examples) {
        int context = body.config().contextLength();
        List<int[]> encoded = examples.stream().map(e -> encode(tokenizer, e.text())).toList();
        int[] truth = examples.stream().mapToInt(e -> labels.indexOf(e.label())).toArray();
        int[] predicted = new int[examples.size()];
        for (int[] part : Batches.inOrderOfLength(encoded, 32)) {
            INDArray probs = forward(Batches.select(part, encoded, null, tokenizer, context), false, false, false).probabilities();
            for (int i = 0; i < part.length; i++) {
                predicted[part[i]] = probs.getRow(i).argMax().getInt(0);
            }
        }
        return Metrics.of(labels, truth, predicted);
    }

    /** A batch of encoded examples, right-padded; {@code last[b]} is the position of example b's end-of-text token. */
    public record Batch(int[] tokens, int batch, int time, int[] last, int[] labels) {}

    /** Class probabilities [batch, K]; with {@code targets}, also the mean cross-entropy and (if backward) gradients. */
    public Output forward(Batch b, boolean training, boolean backward, boolean trainBody) {
        INDArray hidden = body.forwardHidden(b.tokens(), b.batch(), b.time(), training && trainBody);
        Pool pool = pool(hidden, b);
        INDArray pooled = pool.features();
        INDArray logits = pooled.mmul(weight.value).addiRowVector(bias.value);
        INDArray probs = Nd4j.exec(new SoftMax(logits, logits.ulike(), 1))[0];
        double loss = 0;
        if (b.labels() != null) {
            for (int i = 0; i < b.batch(); i++) {
                loss -= Math.log(Math.max(probs.getDouble(i, b.labels()[i]), 1e-30));
            }
            loss /= b.batch();
        }
        if (backward) {
            INDArray dLogits = probs.dup();
            for (int i = 0; i < b.batch(); i++) {
                dLogits.putScalar(i, b.labels()[i], dLogits.getDouble(i, b.labels()[i]) - 1);
            }
            dLogits.muli(1.0 / b.batch());
            weight.grad.addi(pooled.transpose().mmul(dLogits));
            bias.grad.addi(dLogits.sum(0));
            if (trainBody) {
                body.backwardHidden(unpool(dLogits.mmul(weight.value.transpose()), pool, b, hidden));
            }
        }
        return new Output(probs, loss);
    }

    public record Output(INDArray probabilities, double loss) {}

    /** The readout's features [B, widths × C], and for the maximum, which position won each column. */
    private record Pool(INDArray features, int[][] argmax) {}

    private Pool pool(INDArray hidden, Batch b) {
        int c = (int) hidden.columns(), w = c * readout.widths;
        double[] h = OffHeap.toDoubles(hidden); // [B·T, C], one bulk copy
        double[] f = new double[b.batch() * w];
        int[][] argmax = new int[b.batch()][c];
        for (int i = 0; i < b.batch(); i++) {
            int first = i * b.time(), n = b.last()[i] + 1, lastRow = (first + n - 1) * c;
            if (readout == Readout.LAST) {
                System.arraycopy(h, lastRow, f, i * w, c);
                continue;
            }
            for (int j = 0; j < c; j++) {
                double sum = 0, max = Double.NEGATIVE_INFINITY;
                for (int t = 0; t < n; t++) {
                    double v = h[(first + t) * c + j];
                    sum += v;
                    if (v > max) {
                        max = v;
                        argmax[i][j] = t;
                    }
                }
                f[i * w + j] = sum / n;              // mean
                f[i * w + c + j] = max;              // maximum
                f[i * w + 2 * c + j] = h[lastRow + j]; // last: the end-of-text state
            }
        }
        return new Pool(OffHeap.matrix(f, b.batch(), w, hidden.dataType()), argmax);
    }

    /** The gradient of the readout, sent back to the positions it read. */
    private INDArray unpool(INDArray dPooled, Pool pool, Batch b, INDArray hidden) {
        int c = (int) hidden.columns(), w = c * readout.widths;
        double[] d = OffHeap.toDoubles(dPooled);
        double[] dh = new double[(int) hidden.rows() * c];
        int lastFrom = readout == Readout.LAST ? 0 : 2 * c;
        for (int i = 0; i < b.batch(); i++) {
            int first = i * b.time(), n = b.last()[i] + 1, lastRow = (first + n - 1) * c;
            for (int j = 0; j < c; j++) {
                dh[lastRow + j] += d[i * w + lastFrom + j];
                if (readout == Readout.POOLED) {
                    double mean = d[i * w + j] / n;
                    for (int t = 0; t < n; t++) {
                        dh[(first + t) * c + j] += mean;
                    }
                    dh[(first + pool.argmax()[i][j]) * c + j] += d[i * w + c + j];
                }
            }
        }
        return OffHeap.matrix(dh, hidden.rows(), c, hidden.dataType());
    }
}
