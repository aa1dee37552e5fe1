package tinyfm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import tinyfm.comparison.ExperimentSpec;
import tinyfm.util.Home;

/** The first thing a class runs: the quick demo tells every step of the story, in order, on a terminal, and writes its experiment folder. */
class DemoTest {
    @Test
    void theQuickDemoTellsEveryStepInPlainTextAndWritesItsExperiment() throws Exception {
        CliTest.Run r = CliTest.run("demo", "--quick");
        assertEquals(0, r.code(), r.err());
        String out = r.out();
        int at = -1;
        for (String step : new String[] {"1. Tokens", "2. Pretraining (self-supervised), live", "3. The foundation model", "4. Prompting",
                "5. Transfer learning with few labels", "6. What the base buys in time", "7. The report"}) {
            int next = out.indexOf(step);
            assertTrue(next > at, "step '" + step + "' missing or out of order:\n" + out);
            at = next;
        }
        assertTrue(out.contains("pretrained for far longer"), "the live run hands over to the base, and says how they differ:\n" + out);
        assertTrue(out.contains("fine-tuned − from scratch") && out.contains("fine-tuned − bag-of-words"), "both pairs, paired by seed:\n" + out);
        assertTrue(out.matches("(?s).*\\n +topic: the fine-tuned base (beats|trails|is level with) training from scratch.*"), out);
        assertTrue(out.matches("(?s).*\\n +sentiment: the fine-tuned base .* the bag-of-words baseline.*"),
                "the terminal says the sentiment / bag-of-words result in words:\n" + out);
        TerminalOutput.check(out);
        assertTrue(out.lines().count() <= 70, "a demo that fits a screen or two: " + out.lines().count() + " lines\n" + out);
        assertFalse(out.contains("0 of 1"), "no verdict that counts seeds it did not have:\n" + out);
        String samples = r.err(); // the live samples come with the progress bar, on stderr
        assertTrue(samples.contains("sample at step"), samples);
        assertFalse(samples.contains("·") || samples.contains("↵"), "samples use plain spaces and ' / ' for line breaks");
        Path folder = Home.dir().resolve("results/demo-quick");
        assertTrue(Files.readString(folder.resolve("report.md")).contains("## The fine-tuned base against training from scratch"));
        assertEquals("demo-quick", ExperimentSpec.read(folder.resolve(ExperimentSpec.FILE)).name(), "the folder holds the spec that ran");
        assertTrue(Files.size(folder.resolve("data-efficiency-topic.png")) > 1000);
        assertTrue(Files.size(folder.resolve("data-efficiency-sentiment.png")) > 1000);
    }
}
