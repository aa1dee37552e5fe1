package tinyfm.cli;

import java.io.PrintWriter;
import tinyfm.comparison.Experiment;
import tinyfm.comparison.Run;

/** A comparison's progress bar, shared by {@code compare} and {@code demo}: models trained so far, and optionally a line for each. */
final class ComparisonProgress implements Experiment.Listener {
    private final ProgressLine bar;
    private final String unit;
    private final boolean linePerRun;
    private int total, done;

    ComparisonProgress(PrintWriter out, String label, String unit, boolean linePerRun) {
        this.bar = new ProgressLine(out, label);
        this.unit = unit;
        this.linePerRun = linePerRun;
    }

    int total() {
        return total;
    }

    int done() {
        return done;
    }

    @Override
    public void started(int totalRuns) {
        total = totalRuns;
        bar.update(0, total, "0/" + total + " " + unit, true);
    }

    @Override
    public void finished(Run r, int done) {
        this.done = done;
        if (linePerRun) {
            bar.message("  " + r.describe());
        }
        bar.update(done, total, done + "/" + total + " " + unit, true);
    }

    @Override
    public void resumed(int done, int totalRuns) {
        this.done = done;
        bar.countFrom(done);
        bar.update(done, totalRuns, done + "/" + totalRuns + " " + unit, true);
    }

    void finish() {
        bar.finish();
    }
}
