package tinyfm.cli;

import java.io.PrintWriter;
import java.util.function.LongSupplier;

/**
 * A one-line progress bar: redrawn in place on a terminal, printed as plain lines (at most every
 * few seconds) when the output goes to a file or a notebook.
 */
final class ProgressLine {
    private static final int WIDTH = 24;
    private static final double ETA_AFTER_SECONDS = 15;
    private final PrintWriter out;
    private final String label;
    private final boolean interactive;
    private final int width;
    private final LongSupplier clock;
    private final long startNanos;
    private long countedFrom; // work done before this process began (a resumed run): not part of the rate
    private long lastPrint;
    private int lastLength;

    ProgressLine(PrintWriter out, String label) {
        this(out, label, System.console() != null && !"dumb".equals(System.getenv("TERM")), Terminal.width());
    }

    /** A bar of at most {@code width - 1} columns: a line that filled the last column would wrap, and {@code \r} could not redraw it. */
    ProgressLine(PrintWriter out, String label, boolean interactive, int width) {
        this(out, label, interactive, width, System::nanoTime);
    }

    ProgressLine(PrintWriter out, String label, boolean interactive, int width, LongSupplier clock) {
        this.out = out;
        this.label = label;
        this.interactive = interactive;
        this.width = width;
        this.clock = clock;
        this.startNanos = clock.getAsLong();
    }

    /** Work already done when this bar starts (a resumed run): the time left is estimated from the work done since. */
    void countFrom(long done) {
        countedFrom = done;
    }

    /** Updates the bar; {@code force} prints even a non-interactive line right away. */
    void update(long done, long total, String details, boolean force) {
        long now = clock.getAsLong();
        if (!force && now - lastPrint < (interactive ? 200_000_000L : 10_000_000_000L)) {
            return;
        }
        lastPrint = now;
        double fraction = total == 0 ? 1 : Math.min(1, (double) done / total);
        int filled = (int) Math.round(fraction * WIDTH);
        double elapsed = (now - startNanos) / 1e9;
        // an estimate from the first seconds is mostly start-up cost: wait for a fair sample of the work
        long doneHere = done - countedFrom;
        String eta = done >= total ? duration(0)
                : doneHere <= 0 || elapsed < ETA_AFTER_SECONDS ? "estimating" : duration(elapsed / doneHere * (total - done));
        // the details last: on a narrow terminal they are what is cut, not the time left
        String line = String.format("%s [%s%s] %3.0f%% %s elapsed, ETA %s | %s", label, "#".repeat(filled), "-".repeat(WIDTH - filled),
                fraction * 100, duration(elapsed), eta, details);
        if (interactive) {
            line = line.length() < width ? line : line.substring(0, width - 1);
            out.print("\r" + line + " ".repeat(Math.max(0, lastLength - line.length())));
            lastLength = line.length();
        } else {
            out.println(line);
        }
        out.flush();
    }

    /** Leaves the bar and moves to a new line, so other output can follow. */
    void finish() {
        if (interactive && lastLength > 0) {
            out.println();
        }
        lastLength = 0;
        out.flush();
    }

    /** Prints a message on its own line without breaking the bar. */
    void message(String text) {
        if (interactive && lastLength > 0) {
            out.print("\r" + " ".repeat(lastLength) + "\r");
            lastLength = 0;
        }
        out.println(text);
        out.flush();
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format("%dh%02dm", s / 3600, s / 60 % 60) : s >= 60 ? String.format("%dm%02ds", s / 60, s % 60) : s + "s";
    }
}
