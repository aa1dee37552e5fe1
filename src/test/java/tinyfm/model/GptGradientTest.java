package tinyfm.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The hand-written backward passes agree with numerical gradients, in double precision. */
class GptGradientTest {
    static final GptConfig CONFIG = new GptConfig(11, 6, 2, 2, 8, 0.0);

    static double meanLoss(Gpt gpt, int[] x, int[] y, int b, int t) {
        return Arrays.stream(gpt.languageModelLoss(x, y, b, t, false, false)).average().orElseThrow();
    }

    @Test
    void analyticGradientsMatchFiniteDifferences() {
        Gpt gpt = new Gpt(CONFIG, DataType.DOUBLE);
        gpt.parameters().initialize(7);
        // larger weights than the default init, so every path carries a visible gradient
        gpt.parameters().values().muli(8);
        SplittableRandom r = new SplittableRandom(3);
        int b = 2, t = 5;
        int[] x = r.ints(b * t, 0, 11).toArray(), y = r.ints(b * t, 0, 11).toArray();
        gpt.zeroGradients();
        gpt.languageModelLoss(x, y, b, t, true, true);
        INDArray analytic = gpt.parameters().grads().dup();
        INDArray values = gpt.parameters().values();
        double eps = 1e-5;
        int checked = 0;
        for (Parameters.Param p : gpt.parameters().list()) {
            for (int k = 0; k < 4; k++) {
                long i = p.offset + r.nextLong(p.size);
                if (p.name.equals("embedding.position") && (i - p.offset) / CONFIG.embedDim() >= t) {
                    continue; // positions beyond the window get no gradient, correctly
                }
                double v = values.getDouble(i);
                values.putScalar(i, v + eps);
                double plus = meanLoss(gpt, x, y, b, t);
                values.putScalar(i, v - eps);
                double minus = meanLoss(gpt, x, y, b, t);
                values.putScalar(i, v);
                double numeric = (plus - minus) / (2 * eps), got = analytic.getDouble(i);
                double tolerance = 1e-6 + 1e-4 * Math.max(Math.abs(numeric), Math.abs(got));
                assertEquals(numeric, got, tolerance, p.name + "[" + (i - p.offset) + "]");
                checked++;
            }
        }
        assertTrue(checked > 50, "checked " + checked);
    }

    @Test
    void decoderWithKeyValueCacheMatchesFullForward() {
        Gpt gpt = new Gpt(CONFIG, DataType.DOUBLE);
        gpt.parameters().initialize(11);
        gpt.parameters().values().muli(5);
        int[] x = {1, 4, 2, 9, 0, 3};
        INDArray full = gpt.logits(x, 1, x.length).dup();
        Gpt.Decoder decoder = gpt.new Decoder();
        for (int i = 0; i < x.length; i++) {
            INDArray step = decoder.step(x[i]);
            for (int v = 0; v < CONFIG.vocabSize(); v++) {
                assertEquals(full.getDouble(i, v), step.getDouble(v), 1e-9, "position " + i + " token " + v);
            }
        }
    }

    @Test
    void futureTokensDoNotChangePastLogits() {
        Gpt gpt = new Gpt(CONFIG, DataType.DOUBLE);
        gpt.parameters().initialize(5);
        int[] a = {1, 2, 3, 4, 5, 6};
        int[] b = {1, 2, 3, 9, 9, 9};
        INDArray la = gpt.logits(a, 1, 6).dup();
        INDArray lb = gpt.logits(b, 1, 6).dup();
        for (int t = 0; t < 3; t++) {
            assertEquals(la.getRow(t), lb.getRow(t), "position " + t + " saw the future");
        }
        assertTrue(la.getRow(3).distance2(lb.getRow(3)) > 1e-6, "position 3 should see its own token");
    }
}
