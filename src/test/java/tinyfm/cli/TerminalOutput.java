package tinyfm.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a terminal shows: lines that fit, and no markdown syntax (that belongs in report.md). */
public final class TerminalOutput {
    private TerminalOutput() {}

    public static void check(String out) {
        for (String line : out.split("\n")) {
            assertTrue(line.length() <= TextTable.MAX_WIDTH, "wider than " + TextTable.MAX_WIDTH + " columns (" + line.length() + "): " + line);
            assertFalse(line.contains("**") || line.contains("|---") || line.contains("| ") || line.startsWith("#"),
                    "markdown on a terminal: " + line);
        }
    }
}
