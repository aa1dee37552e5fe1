package tinyfm.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tinyfm.comparison.Comparison.Method;
import tinyfm.comparison.Comparison.Run;

/** Means and spreads over seeds, time to target, and whether pretraining pays back. */
public final class Summary {
    private Summary() {}

    public record Stat(double mean, double std, int n) {
        public static Stat of(List<Double> xs) {
            List<Double> finite = xs.stream().filter(Double::isFinite).toList();
            if (finite.isEmpty()) {
                return new Stat(Double.NaN, Double.NaN, 0);
            }
            double mean = finite.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
            double var = finite.stream().mapToDouble(x -> (x - mean) * (x - mean)).sum() / Math.max(1, finite.size() - 1);
            return new Stat(mean, Math.sqrt(var), finite.size());
        }
    }

    /** One task × label budget × method, over seeds. */
    public record Cell(String task, String labels, int trainExamples, Method method, Stat testAccuracy, Stat trainSeconds,
                       Stat secondsToTarget, int reachedTarget, int seeds) {}

    public static List<Cell> cells(List<Run> runs) {
        Map<String, List<Run>> groups = new LinkedHashMap<>();
        for (Run r : runs) {
            groups.computeIfAbsent(r.task() + "|" + r.labels() + "|" + r.method(), k -> new ArrayList<>()).add(r);
        }
        List<Cell> cells = new ArrayList<>();
        for (List<Run> g : groups.values()) {
            Run first = g.get(0);
            cells.add(new Cell(first.task(), first.labels(), first.trainExamples(), first.method(),
                    Stat.of(g.stream().map(Run::testAccuracy).toList()),
                    Stat.of(g.stream().map(Run::trainSeconds).toList()),
                    Stat.of(g.stream().map(Run::secondsToTarget).toList()),
                    (int) g.stream().filter(r -> Double.isFinite(r.secondsToTarget())).count(), g.size()));
        }
        return cells;
    }

    public static Cell find(List<Cell> cells, String task, String labels, Method method) {
        return cells.stream().filter(c -> c.task().equals(task) && c.labels().equals(labels) && c.method() == method).findFirst().orElse(null);
    }

    /**
     * Payback, at the largest label budget: pretraining costs {@code pretrainSeconds} once; each task
     * then saves (scratch's time to its best) − (pretrained's time to the same accuracy). After how
     * many tasks do the savings cover the one-off cost? Never, if pretrained does not reach scratch's
     * accuracy or is not faster.
     */
    public record Payback(double pretrainSeconds, String labels, Map<String, Double> savingPerTask, double meanSaving,
                          int tasksToPayBack, String verdict) {}

    public static Payback payback(List<Cell> cells, List<String> tasks, String labels, double pretrainSeconds) {
        Map<String, Double> savings = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (String task : tasks) {
            Cell scratch = find(cells, task, labels, Method.SCRATCH), pre = find(cells, task, labels, Method.PRETRAINED_FULL);
            if (scratch == null || pre == null) {
                continue;
            }
            if (pre.reachedTarget() < pre.seeds()) {
                problems.add(String.format("on %s the pretrained model reached from-scratch accuracy in only %d of %d seeds",
                        task, pre.reachedTarget(), pre.seeds()));
                savings.put(task, Double.NaN);
            } else {
                savings.put(task, scratch.secondsToTarget().mean() - pre.secondsToTarget().mean());
            }
        }
        double mean = savings.values().stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        if (!problems.isEmpty()) {
            return new Payback(pretrainSeconds, labels, savings, Double.NaN, -1,
                    "Pretraining does not pay back at this scale: " + String.join("; ", problems) + ".");
        }
        if (!(mean > 0)) {
            return new Payback(pretrainSeconds, labels, savings, mean, -1, String.format(
                    "Pretraining does not pay back at this scale: fine-tuning from the base is not faster than training from scratch "
                            + "(mean saving %.1f s per task), so the %.0f s of pretraining is never recovered in time.", mean, pretrainSeconds));
        }
        int n = (int) Math.ceil(pretrainSeconds / mean);
        return new Payback(pretrainSeconds, labels, savings, mean, n, String.format(
                "Pretraining (%.0f s, once) pays back after %d task(s) like these: each saves %.1f s on average to reach from-scratch accuracy.",
                pretrainSeconds, n, mean));
    }

    /** The tasks in the order they were run. */
    public static List<String> tasks(List<Run> runs) {
        return runs.stream().map(Run::task).distinct().toList();
    }

    public static List<String> labelOrder(List<Run> runs) {
        return runs.stream().map(Run::labels).distinct().toList();
    }

    public static String largestLabels(List<Run> runs) {
        List<String> order = labelOrder(runs);
        return order.contains("all") ? "all" : order.stream().max(java.util.Comparator.comparingInt(Integer::parseInt)).orElse("all");
    }
}
