package tinyfm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** What reaches a terminal: a progress bar that never wraps, and generated text that cannot drive the terminal. */
class TerminalTest {
    @Test
    void theProgressBarIsRedrawnWithinTheTerminalsWidth() {
        StringWriter out = new StringWriter();
        ProgressLine bar = new ProgressLine(new PrintWriter(out), "pretrain", true, 60);
        String details = "step 5/10 | loss 3.210 | val 3.456 (1.23 bits/byte) | 12,345 tok/s";
        for (int step = 0; step <= 10; step++) {
            bar.update(step, 10, details, true);
        }
        bar.message("  a message between redraws");
        bar.update(10, 10, "done", true);
        bar.finish();
        for (String redraw : out.toString().split("[\r\n]")) {
            assertTrue(redraw.length() < 60, "a redraw of " + redraw.length() + " columns: '" + redraw + "'");
        }
        assertTrue(out.toString().contains("pretrain [####"), out.toString());
        assertTrue(out.toString().contains("elapsed, ETA"), "the time left survives the cut: " + out);
    }

    @Test
    void aBarThatIsNotRedrawnKeepsItsWholeLine() {
        StringWriter out = new StringWriter();
        new ProgressLine(new PrintWriter(out), "compare", false, 40).update(1, 2, "1/2 runs and a long tail of details", true);
        assertTrue(out.toString().strip().endsWith("1/2 runs and a long tail of details"), out.toString());
    }

    @Test
    void theTimeLeftOfAResumedRunComesFromTheWorkDoneSinceItResumed() {
        long[] now = {0};
        StringWriter out = new StringWriter();
        ProgressLine bar = new ProgressLine(new PrintWriter(out), "pretrain", false, 200, () -> now[0]);
        bar.countFrom(600); // resumed at step 600 of 1,000
        now[0] = 100_000_000_000L; // 100 s later, 100 more steps: the 300 steps left take 300 s
        bar.update(700, 1000, "", true);
        assertTrue(out.toString().contains("ETA 5m00s"), out.toString());
    }

    @Test
    void controlCharactersInGeneratedTextAreEscaped() {
        assertEquals("red \\x1b[31mtext\\x1b[0m", Terminal.printable("red \u001b[31mtext\u001b[0m"));
        assertEquals("a\\x0db \\x07 \\x7f \\x9b", Terminal.printable("a\rb \u0007 \u007f \u009b"));
        assertEquals("lines\nand\ttabs, é and 字 stay", Terminal.printable("lines\nand\ttabs, é and 字 stay"));
        assertEquals("The cat / sat \\x1b]0;title\\x07", Terminal.oneLine("The cat\r\nsat \u001b]0;title\u0007"));
    }
}
