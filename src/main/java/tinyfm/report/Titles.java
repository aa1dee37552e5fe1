package tinyfm.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import tinyfm.comparison.Arms;
import tinyfm.comparison.ExperimentSpec.Pair;
import tinyfm.comparison.LabelBudget;
import tinyfm.comparison.Run;

/**
 * A chart's title states its finding, worked out from the numbers the chart draws, so a slide says
 * what it shows ("topic: fine-tuned beats from scratch at 5 of 5 label budgets"), not only what it plots.
 */
final class Titles {
    private Titles() {}

    /** The learning curves: who reached the target, and when. */
    static String equalTime(TimeViews.TimeToTarget t, Pair pair) {
        String head = t.task() + ", " + t.labels() + " labels: ";
        if (!t.defined()) {
            return head + Arms.shortLabel(pair.arm()) + " ends near chance, so no target to time";
        }
        return head + Arms.shortLabel(pair.arm()) + " reaches " + percent(t.target()) + " " + reach(t.fineTuned()) + "; "
                + Arms.shortLabel(pair.against()) + " " + reach(t.scratch());
    }

    private static String reach(TimeViews.Arm a) {
        if (a.everySeed()) {
            return String.format(Locale.ROOT, "in %.1f s", a.meanSeconds());
        }
        return a.reached() == 0 ? "never" : String.format(Locale.ROOT, "in %d of %d seeds", a.reached(), a.seeds());
    }

    /** Accuracy against labels: at how many budgets the pair's paired 95% interval lies above zero, or below. */
    static String dataEfficiency(List<Run> runs, Pair pair, String task) {
        Count c = count(runs, pair, task);
        String a = Arms.shortLabel(pair.arm()), b = Arms.shortLabel(pair.against());
        if (c.n() == 0) {
            return task + ": " + a + " and " + b + ", too few seeds to pair";
        }
        String where = c.n() == 1 ? "" : String.format(Locale.ROOT, " at %d of %d label budgets", c.above() > 0 ? c.above() : c.below(), c.n());
        if (c.above() > 0) {
            return task + ": " + a + " above " + b + where;
        }
        if (c.below() > 0) {
            return task + ": " + a + " below " + b + where;
        }
        return task + ": " + a + " level with " + b + (c.n() == 1 ? "" : " at every label budget");
    }

    /** The gain chart, every task: "fine-tuned − from scratch > 0 at 5/5 budgets on topic, 3/5 on sentiment". */
    static String transferGain(List<Run> runs, Pair pair) {
        List<String> parts = new ArrayList<>();
        for (String task : Summary.tasks(runs)) {
            Count c = count(runs, pair, task);
            parts.add(c.n() == 0 ? "no pairs on " + task : String.format(Locale.ROOT, "%d/%d budgets on %s", c.above(), c.n(), task));
        }
        return Arms.shortLabel(pair.arm()) + " − " + Arms.shortLabel(pair.against()) + " > 0 at " + String.join(", ", parts);
    }

    /** The cost chart: the accuracy the base adds, and from how many tasks it costs less per task. */
    static String cost(Summary.Cell base, Summary.Cell other, Pair pair, String task, LabelBudget labels, double pretrainSeconds) {
        String head = task + ", " + labels + " labels: ";
        if (base == null || other == null || !Double.isFinite(pretrainSeconds)) {
            return head + "no cost to set against the other arm";
        }
        String points = String.format(Locale.ROOT, "%+.1f points", 100 * (base.testAccuracy().mean() - other.testAccuracy().mean()));
        double saved = other.trainSeconds().mean() - base.trainSeconds().mean();
        if (!(saved > 0)) {
            return head + points + "; never cheaper per task than " + Arms.shortLabel(pair.against());
        }
        return head + points + String.format(Locale.ROOT, "; cheaper per task than %s from %,d tasks", Arms.shortLabel(pair.against()),
                (long) Math.ceil(pretrainSeconds / saved));
    }

    /** Paired intervals above zero, below zero, and in all, over the label budgets of one task. */
    record Count(int above, int below, int n) {}

    static Count count(List<Run> runs, Pair pair, String task) {
        int above = 0, below = 0, n = 0;
        for (LabelBudget labels : Summary.labelOrder(runs)) {
            Summary.Difference d = Summary.paired(runs, task, labels, pair);
            if (d.n() >= 2) {
                n++;
                above += d.low() > 0 ? 1 : 0;
                below += d.high() < 0 ? 1 : 0;
            }
        }
        return new Count(above, below, n);
    }

    private static String percent(double x) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * x);
    }
}
