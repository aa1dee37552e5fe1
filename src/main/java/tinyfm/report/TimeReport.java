package tinyfm.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tinyfm.comparison.Comparison.Method;
import tinyfm.comparison.Comparison.Run;

/** The four time views ({@link TimeViews}) as markdown tables, for report.md, compare's summary and the demo. */
public final class TimeReport {
    private TimeReport() {}

    /** The (task, labels) pairs where both the fine-tuned base and training from scratch ran. */
    static List<String[]> pairs(List<Run> runs) {
        List<String[]> out = new ArrayList<>();
        for (String task : Summary.tasks(runs)) {
            for (String labels : Summary.labelOrder(runs)) {
                if (!TimeViews.arm(runs, task, labels, Method.PRETRAINED_FULL).isEmpty()
                        && !TimeViews.arm(runs, task, labels, Method.SCRATCH).isEmpty()) {
                    out.add(new String[] {task, labels});
                }
            }
        }
        return out;
    }

    public static String markdown(List<Run> runs, Map<String, TimeViews.Chance> chance, double pretrainSeconds) {
        return markdown(runs, chance, pretrainSeconds, null);
    }

    /** The four views; with {@code onlyLabels}, views 1, 2 and 4 at that label budget only (labels to match reads every budget). */
    public static String markdown(List<Run> runs, Map<String, TimeViews.Chance> chance, double pretrainSeconds, String onlyLabels) {
        List<String[]> all = pairs(runs);
        List<String[]> pairs = onlyLabels == null ? all : all.stream().filter(p -> p[1].equals(onlyLabels)).toList();
        if (pairs.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        sb.append("**Accuracy at equal training time.** Validation accuracy (the best so far, mean over seeds) of both arms after the same ")
                .append("seconds of training on the same labelled examples: at the first moment every run had been validated, and at the end of the shorter arm's run.\n\n");
        sb.append("| task | labels | after | fine-tuned base | from scratch | chance |\n|---|---:|---:|---:|---:|---:|\n");
        for (String[] p : pairs) {
            for (TimeViews.EqualTime e : TimeViews.equalTime(runs, p[0], p[1], chance.get(p[0]))) {
                sb.append(String.format(Locale.ROOT, "| %s | %s | %.1f s | %s | %s | %.0f%% |%n", e.task(), e.labels(), e.seconds(),
                        pct(e.fineTuned()), pct(e.scratch()), 100 * e.chance()));
            }
        }
        sb.append("\n**Time to a fixed target.** The target is halfway between chance and the fine-tuned base's final validation accuracy; ")
                .append("times are training seconds until the validation accuracy first reached it, mean over the seeds that did. ")
                .append("A ratio is given only when both arms reached it in every seed.\n\n");
        sb.append("| task | labels | target (chance) | fine-tuned base | from scratch | time ratio |\n|---|---:|---:|---:|---:|---:|\n");
        for (String[] p : pairs) {
            TimeViews.TimeToTarget t = TimeViews.timeToTarget(runs, p[0], p[1], chance.get(p[0]));
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
        for (String[] p : all) {
            TimeViews.LabelsToMatch m = TimeViews.labelsToMatch(runs, p[0], p[1]);
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
        for (String[] p : pairs) {
            TimeViews.Cost c = TimeViews.cost(runs, p[0], p[1], chance.get(p[0]), pretrainSeconds);
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
