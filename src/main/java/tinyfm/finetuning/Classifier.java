package tinyfm.finetuning;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.factory.Nd4j;
import tinyfm.model.Gpt;
import tinyfm.model.Parameters;

/**
 * A pretrained body with a new classification head: the language model's head (next-token scores)
 * is replaced by a small matrix that scores the task's labels from the hidden state at the
 * end-of-text token appended to each text: a token the base saw after every document in
 * pretraining. Attention is causal, so that last position has seen the whole text.
 */
public final class Classifier {
    private final Gpt body;
    private final Parameters head;
    private final Parameters.Param weight; // [C, K]
    private final Parameters.Param bias;   // [K]
    private final int labels;

    public Classifier(Gpt body, int labels) {
        this.body = body;
        this.labels = labels;
        Parameters.Builder b = new Parameters.Builder();
        int c = body.config().embedDim();
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

    /** A batch of encoded examples, right-padded; {@code last[b]} is the position of example b's end-of-text token. */
    public record Batch(int[] tokens, int batch, int time, int[] last, int[] labels) {}

    /** Class probabilities [batch, K]; with {@code targets}, also the mean cross-entropy and (if backward) gradients. */
    public Output forward(Batch b, boolean training, boolean backward, boolean trainBody) {
        INDArray hidden = body.forwardHidden(b.tokens(), b.batch(), b.time(), training && trainBody);
        INDArray pooled = Nd4j.create(hidden.dataType(), b.batch(), hidden.columns());
        for (int i = 0; i < b.batch(); i++) {
            pooled.putRow(i, hidden.getRow((long) i * b.time() + b.last()[i]));
        }
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
                INDArray dPooled = dLogits.mmul(weight.value.transpose());
                INDArray dHidden = Nd4j.zeros(hidden.dataType(), hidden.rows(), hidden.columns());
                for (int i = 0; i < b.batch(); i++) {
                    dHidden.putRow((long) i * b.time() + b.last()[i], dPooled.getRow(i));
                }
                body.backwardHidden(dHidden);
            }
        }
        return new Output(probs, loss);
    }

    public record Output(INDArray probabilities, double loss) {}
}
