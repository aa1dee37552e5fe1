package tinyfm.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tinyfm.comparison.Arms;
import tinyfm.comparison.ExperimentSpec.Pair;
import tinyfm.comparison.LabelBudget;
import tinyfm.comparison.Run;

/** The four time views ({@link TimeViews}) as markdown tables, for report.md, compare's summary and the demo. */
public final class TimeReport {
    private TimeReport() {}

    /** A task and label budget where both arms of the pair ran. */
    record Slot(String task, LabelBudget labels) {}

    static List<Slot> slots(List<Run> runs, Pair pair) {
        List<Slot> out = new ArrayList<>();
        for (String task : Summary.tasks(runs)) {
            for (LabelBudget labels : Summary.labelOrder(runs)) {
                if (!TimeViews.arm(runs, task, labels, pair.arm()).isEmpty() && !TimeViews.arm(runs, task, labels, pair.against()).isEmpty()) {
                    out.add(new Slot(task, labels));
                }
            }
        }
        return out;
    }

    public static String markdown(List<Run> runs, Pair pair, Map<String, TimeViews.Chance> chance, double pretrainSeconds) {
        return markdown(runs, pair, chance, pretrainSeconds, null);
    }

    /** The four views; with {@code onlyLabels}, views 1, 2 and 4 at that label budget only (labels to match reads every budget). */
    public static String markdown(List<Run> runs, Pair pair, Map<String, TimeViews.Chance> chance, double pretrainSeconds, LabelBudget onlyLabels) {
        List<Slot> all = slots(runs, pair);
        List<Slot> pairs = onlyLabels == null ? all : all.stream().filter(p -> p.labels().equals(onlyLabels)).toList();
        String a = Arms.label(pair.arm()), b = Arms.label(pair.against());
        if (pairs.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        sb.append("**Accuracy at equal training time.** Validation accuracy (the best so far, mean over seeds) of both arms after the same ")
                .append("seconds of training on the same labelled examples: at the first moment every run had been validated, and at the end of the shorter arm's run.\n\n");
        sb.append("| task | labels | after | " + a + " | " + b + " | chance |\n|---|---:|---:|---:|---:|---:|\n");
        for (Slot p : pairs) {
            for (TimeViews.EqualTime e : TimeViews.equalTime(runs, pair, p.task(), p.labels(), chance.get(p.task()))) {
                sb.append(String.format(Locale.ROOT, "| %s | %s | %.1f s | %s | %s | %.0f%% |%n", e.task(), e.labels(), e.seconds(),
                        pct(e.fineTuned()), pct(e.scratch()), 100 * e.chance()));
            }
        }
        sb.append("\n**Time to a fixed target.** The target is halfway between chance and the fine-tuned base's final validation accuracy; ")
                .append("times are training seconds until the validation accuracy first reached it, mean over the seeds that did. ")
                .append("A ratio is given only when both arms reached it in every seed.\n\n");
        sb.append("| task | labels | target (chance) | " + a + " | " + b + " | time ratio |\n|---|---:|---:|---:|---:|---:|\n");
        for (Slot p : pairs) {
            TimeViews.TimeToTarget t = TimeViews.timeToTarget(runs, pair, p.task(), p.labels(), chance.get(p.task()));
            sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s |%n", t.task(), t.labels(),
                    t.defined() ? String.format(Locale.ROOT, "%.1f%% (%.0f%%)", 100 * t.target(), 100 * t.chance())
                            : String.format(Locale.ROOT, "none: the base ends near chance (%.0f%%)", 100 * t.chance()),
                    t.defined() ? arm(t.fineTuned()) : "–", t.defined() ? arm(t.scratch()) : "–",
                    Double.isFinite(t.ratio()) ? String.format(Locale.ROOT, "%.2f", t.ratio()) : "–"));
        }
        sb.append("\n**Labels to match.** How many labels training from scratch needs before its mean test accuracy reaches ")
                .append("what the fine-tuned base reaches, read from this run's label budgets.\n\n");
        sb.append("| task | the base with | reaches (test) | from scratch needs | its accuracy | training seconds: base / scratch |\n")
                .append("|---|---:|---:|---:|---:|---:|\n");
        for (Slot p : all) {
            TimeViews.LabelsToMatch m = TimeViews.labelsToMatch(runs, pair, p.task(), p.labels());
            sb.append(String.format(Locale.ROOT, "| %s | %s labels | %s | %s | %s | %s |%n", m.task(), m.labels(), pct(m.fineTunedAccuracy()),
                    m.scratchLabels() == null ? String.format(Locale.ROOT, "not reached even with %s (%,d examples)", m.largestLabels(), m.largestExamples())
                            : String.format(Locale.ROOT, "%s labels (%,d examples)", m.scratchLabels(), m.scratchExamples()),
                    m.scratchLabels() == null ? "–" : pct(m.scratchAccuracy()),
                    m.scratchLabels() == null ? String.format(Locale.ROOT, "%.1f / –", m.fineTunedSeconds())
                            : String.format(Locale.ROOT, "%.1f / %.1f", m.fineTunedSeconds(), m.scratchSeconds())));
        }
        sb.append("\n**The cost side.** Pretraining is paid once; each task then pays for its own fine-tuning. A number of tasks to pay back ")
                .append("is given only where it is defined: both arms reached the target in every seed, and the base got there sooner.\n\n");
        sb.append("| task | labels | pretraining, once | fine-tune, per task | from scratch, per task | tasks to pay back |\n|---|---:|---:|---:|---:|---:|\n");
        List<String> notes = new ArrayList<>();
        for (Slot p : pairs) {
            TimeViews.Cost c = TimeViews.cost(runs, pair, p.task(), p.labels(), chance.get(p.task()), pretrainSeconds);
            sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %.1f s | %.1f s | %s |%n", c.task(), c.labels(),
                    Double.isFinite(c.pretrainSeconds()) ? String.format(Locale.ROOT, "%.1f min", c.pretrainSeconds() / 60) : "not recorded",
                    c.fineTuneSeconds(), c.scratchSeconds(), c.defined() ? paysBack(c) : "not defined"));
            if (!c.defined()) {
                notes.add(String.format("%s, %s labels: %s.", c.task(), c.labels(), c.whyUndefined()));
            }
        }
        if (!notes.isEmpty()) {
            sb.append('\n').append("Not defined where: ").append(String.join(" ", notes)).append('\n');
        }
        return sb.toString();
    }

    private static String paysBack(TimeViews.Cost c) {
        return String.format(Locale.ROOT, "%,d (over %d seeds: %,.0f to %s)", c.tasksToPayBack(), c.seeds(), c.fewestTasks(),
                Double.isInfinite(c.mostTasks()) ? "never" : String.format(Locale.ROOT, "%,.0f", c.mostTasks()));
    }

    private static String arm(TimeViews.Arm a) {
        return a.reached() == 0 ? String.format("not reached within the run (0/%d seeds)", a.seeds())
                : String.format(Locale.ROOT, "%.1f s (%d/%d seeds)", a.meanSeconds(), a.reached(), a.seeds());
    }

    private static String pct(double x) {
        return Double.isNaN(x) ? "–" : String.format(Locale.ROOT, "%.1f%%", 100 * x);
    }
}
