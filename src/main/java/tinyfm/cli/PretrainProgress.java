package tinyfm.cli;

import java.io.PrintWriter;
import tinyfm.pretraining.Pretrainer;
import tinyfm.pretraining.ReadingProbes;

/** Draws the pretraining progress bar and prints samples as the model learns. */
final class PretrainProgress implements Pretrainer.Listener {
    private final ProgressLine bar;
    private final int total;
    private String val = "val -";
    private double loss;
    private double tokensPerSecond;
    private int step;

    private final long deadlineMillis; // 0: the bar counts steps; else it counts the time until the deadline
    private final long startMillis = System.currentTimeMillis();

    PretrainProgress(PrintWriter out, int total) {
        this(out, total, 0);
    }

    /** A bar for a run that stops at a deadline: it fills with time, not steps. */
    PretrainProgress(PrintWriter out, int total, long deadlineMillis) {
        this.bar = new ProgressLine(out, "pretrain");
        this.total = total;
        this.deadlineMillis = deadlineMillis;
    }

    @Override
    public void started(int fromStep, int totalSteps, int tokensPerStep, boolean resumed) {
        if (resumed) {
            bar.message("Resuming from step " + fromStep + " of " + totalSteps);
            bar.countFrom(fromStep);
        }
    }

    @Override
    public void warned(String line) {
        bar.message(line);
    }

    @Override
    public void stepped(int step, double loss, double learningRate, double tokensPerSecond) {
        this.step = step;
        this.loss = loss;
        this.tokensPerSecond = tokensPerSecond;
        draw(false);
    }

    @Override
    public void evaluated(int step, double validationLoss, double bitsPerByte) {
        val = String.format("val %.3f (%.2f bits/byte)", validationLoss, bitsPerByte);
        draw(true);
    }

    @Override
    public void probed(int step, java.util.List<ReadingProbes.Point> points) {
        StringBuilder line = new StringBuilder(String.format("  probe at step %d (%,d tokens read):", step, points.get(0).tokensSeen()));
        for (ReadingProbes.Point p : points) {
            line.append(String.format(" %s %.1f%% (chance %.0f%%)", p.task(), 100 * p.meanAccuracy(), 100 * p.chance()));
        }
        bar.message(line.toString());
    }

    @Override
    public void sampled(int step, String text) {
        bar.message(String.format("  sample at step %d: %s", step, Terminal.oneLine(Pretrainer.SAMPLE_PROMPT + text)));
    }

    private void draw(boolean force) {
        if (deadlineMillis > 0) {
            bar.update(System.currentTimeMillis() - startMillis, deadlineMillis - startMillis,
                    String.format("step %d | loss %.3f | %s | %,.0f tok/s", step, loss, val, tokensPerSecond), force);
            return;
        }
        bar.update(step, total, String.format("step %d/%d | loss %.3f | %s | %,.0f tok/s", step, total, loss, val, tokensPerSecond), force);
    }

    void done() {
        bar.finish();
    }
}
