package tinyfm.pretraining;

import tinyfm.model.Gpt;
import tinyfm.tokenizer.Tokenizer;

/**
 * How well a language model predicts held-out text: the mean loss in nats per token, and the same
 * in bits per UTF-8 byte, which compares models whatever their tokenizer. Measured on the same
 * fixed windows of the validation split every time, without dropout.
 */
public record Validation(double loss, double bitsPerByte) {
    public static Validation measure(Gpt gpt, TokenData data, Tokenizer tokenizer, int windows, int batchSize) {
        double nats = 0;
        long tokens = 0, bytes = 0;
        for (TokenData.Batch b : data.validationBatches(windows, batchSize, gpt.config().contextLength())) {
            double[] losses = gpt.languageModelLoss(b.inputs(), b.targets(), b.batch(), b.time(), false, false);
            for (int i = 0; i < losses.length; i++) {
                nats += losses[i];
                bytes += tokenizer.byteLength(b.targets()[i]);
            }
            tokens += losses.length;
        }
        return new Validation(nats / tokens, nats / Math.log(2) / Math.max(1, bytes));
    }
}
