package tinyfm.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import tinyfm.engine.Engine;
import tinyfm.engine.ReferenceEngine;

/** The same layer code on both engines, and one model shared by two threads. */
class GptEnginesTest {
    static final GptConfig CONFIG = new GptConfig(50, 16, 2, 4, 32, 0.0);

    @Test
    void aTrainingStepOnTheFastEngineAgreesWithTheReferenceEngine() {
        Gpt gpt = new Gpt(CONFIG);
        gpt.parameters().initialize(3);
        gpt.parameters().values().muli(4); // larger weights, so every path carries a visible gradient
        SplittableRandom r = new SplittableRandom(1);
        int b = 3, t = 16;
        int[] x = r.ints(b * t, 0, 50).toArray(), y = r.ints(b * t, 0, 50).toArray();

        gpt.zeroGradients();
        double[] fast = gpt.languageModelLoss(gpt.newEngine(), x, y, b, t, false, true);
        INDArray fastGrads = gpt.parameters().grads().dup();
        gpt.zeroGradients();
        double[] reference = gpt.languageModelLoss(new ReferenceEngine(DataType.FLOAT), x, y, b, t, false, true);
        INDArray referenceGrads = gpt.parameters().grads().dup();

        assertArrayEquals(reference, fast, 1e-4, "losses");
        double scale = referenceGrads.norm2Number().doubleValue();
        double difference = fastGrads.sub(referenceGrads).norm2Number().doubleValue();
        assertTrue(scale > 1e-3 && difference < 1e-4 * scale, "gradients differ by " + difference + " (norm " + scale + ")");
    }

    @Test
    void oneModelServesTwoThreadsAtOnce() throws Exception {
        Gpt gpt = new Gpt(CONFIG);
        gpt.parameters().initialize(9);
        SplittableRandom r = new SplittableRandom(2);
        List<int[]> inputs = new ArrayList<>();
        List<INDArray> alone = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            int[] x = r.ints(2 * 16, 0, 50).toArray();
            inputs.add(x);
            alone.add(gpt.logits(x, 2, 16).dup());
        }
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int thread = 0; thread < 2; thread++) {
                results.add(pool.submit(() -> {
                    Engine e = gpt.newEngine();
                    for (int round = 0; round < 20; round++) {
                        for (int i = 0; i < inputs.size(); i++) {
                            INDArray logits = gpt.logits(e, gpt.forward(e, inputs.get(i), 2, 16, false, null).hidden());
                            if (!logits.equalsWithEps(alone.get(i), 1e-5)) {
                                return false;
                            }
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> f : results) {
                assertTrue(f.get(), "a thread saw different logits than the model computed alone");
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void feedingAPromptInOnePassEqualsFeedingItTokenByToken() {
        Gpt gpt = new Gpt(CONFIG);
        gpt.parameters().initialize(4);
        int[] prompt = {3, 14, 15, 9, 2, 6};
        Gpt.Decoder whole = gpt.new Decoder(), stepwise = gpt.new Decoder();
        INDArray a = whole.feed(prompt).dup(), b = null;
        for (int token : prompt) {
            b = stepwise.step(token);
        }
        assertTrue(a.equalsWithEps(b, 1e-5));
        assertEquals(prompt.length, whole.position());
        INDArray next = whole.step(7).dup();
        assertTrue(next.equalsWithEps(stepwise.step(7), 1e-5), "and decoding continues the same");
    }
}
