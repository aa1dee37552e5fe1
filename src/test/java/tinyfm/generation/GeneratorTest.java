package tinyfm.generation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import tinyfm.model.Gpt;
import tinyfm.model.GptConfig;
import tinyfm.tokenizer.CharTokenizer;

/** Sampling's pieces, and generation past the context window. */
class GeneratorTest {
    @Test
    void kthLargestAgreesWithSorting() {
        SplittableRandom r = new SplittableRandom(3);
        for (int trial = 0; trial < 200; trial++) {
            double[] a = r.doubles(1 + r.nextInt(300), -5, 5).map(v -> r.nextInt(4) == 0 ? Math.rint(v) : v).toArray(); // with ties
            int k = 1 + r.nextInt(a.length);
            double[] sorted = a.clone();
            Arrays.sort(sorted);
            assertEquals(sorted[a.length - k], Generator.kthLargest(a.clone(), k), 0.0, "k = " + k + " of " + a.length);
        }
    }

    @Test
    void generationSlidesPastTheWindowAndIsReproducible() {
        GptConfig config = new GptConfig(40, 16, 2, 2, 16, 0.0);
        Gpt gpt = new Gpt(config);
        gpt.parameters().initialize(2);
        Generator g = new Generator(gpt, new CharTokenizer(IntStream.range('a', 'a' + 36).toArray()));
        String a = g.generate("abc", 50, new Sampling(0.8, 5, 9), s -> {}); // 50 tokens: three times the 16-token window
        String b = g.generate("abc", 50, new Sampling(0.8, 5, 9), s -> {});
        assertEquals(a, b, "the same seed, the same text, and the reused decoder starts clean");
        assertTrue(a.codePointCount(0, a.length()) >= 45, a);
    }
}
