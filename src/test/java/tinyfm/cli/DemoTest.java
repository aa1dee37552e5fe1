package tinyfm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import tinyfm.util.Home;

/** The first thing a class runs: the quick demo tells every step of the story, in order, and writes its report. */
class DemoTest {
    @Test
    void theQuickDemoTellsEveryStepAndWritesItsReport() throws Exception {
        CliTest.Run r = CliTest.run("demo", "--quick");
        assertEquals(0, r.code(), r.err());
        String out = r.out();
        int at = -1;
        for (String step : new String[] {"1. Tokens", "2. Pretraining (self-supervised), live", "3. The foundation model", "4. Prompting",
                "5. Transfer learning with few labels", "6. What the base buys in time", "7. The report and charts"}) {
            int next = out.indexOf(step);
            assertTrue(next > at, "step '" + step + "' missing or out of order:\n" + out);
            at = next;
        }
        assertTrue(out.contains("pretrained for far longer"), "the live run hands over to the base, and says how they differ:\n" + out);
        assertTrue(out.contains("full − scratch (95% CI)"), out);
        assertTrue(out.contains("topic, 32 labels, test accuracy: the fine-tuned base"), out);
        assertTrue(out.contains("sentiment, 32 labels, test accuracy: the fine-tuned base"), "both bundled tasks:\n" + out);
        assertTrue(out.contains("The demo's small run: 2 seeds"), "the demo labels its own numbers:\n" + out);
        assertTrue(out.contains("**Time to a fixed target.**") && out.contains("**The cost side.**"), out);
        assertFalse(out.contains("0 of 1"), "no verdict that counts seeds it did not have:\n" + out);
        String samples = r.err(); // the live samples come with the progress bar, on stderr
        assertTrue(samples.contains("sample at step"), samples);
        assertFalse(samples.contains("·") || samples.contains("↵"), "samples use plain spaces and ' / ' for line breaks");
        Path report = Home.dir().resolve("results/demo-quick/report.md");
        assertTrue(Files.readString(report).contains("## Does the pretrained base transfer?"));
        assertTrue(Files.size(report.resolveSibling("data-efficiency-topic.png")) > 1000);
        assertTrue(Files.size(report.resolveSibling("data-efficiency-sentiment.png")) > 1000);
    }
}
