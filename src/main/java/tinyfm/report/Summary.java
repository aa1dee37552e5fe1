package tinyfm.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tinyfm.comparison.Arms;
import tinyfm.comparison.ExperimentSpec;
import tinyfm.comparison.LabelBudget;
import tinyfm.comparison.Run;

/** Means and spreads over seeds, and paired differences between arms. */
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

        /** Half the width of the 95% confidence interval of the mean (Student's t); 0 for one value. */
        public double halfWidth95() {
            return n < 2 ? 0 : tQuantile975(n - 1) * std / Math.sqrt(n);
        }
    }

    /** One task × label budget × arm, over seeds. */
    public record Cell(String task, LabelBudget labels, int trainExamples, String arm, Stat testAccuracy, Stat trainSeconds, int seeds) {}

    public static List<Cell> cells(List<Run> runs) {
        Map<String, List<Run>> groups = new LinkedHashMap<>();
        for (Run r : runs) {
            groups.computeIfAbsent(r.task() + "|" + r.labels() + "|" + r.arm(), k -> new ArrayList<>()).add(r);
        }
        List<Cell> cells = new ArrayList<>();
        for (List<Run> g : groups.values()) {
            Run first = g.get(0);
            cells.add(new Cell(first.task(), first.labels(), first.trainExamples(), first.arm(),
                    Stat.of(g.stream().map(Run::testAccuracy).toList()),
                    Stat.of(g.stream().map(Run::trainSeconds).toList()), g.size()));
        }
        return cells;
    }

    /**
     * The paired difference a − b in test accuracy over seeds, with a 95% confidence interval
     * (Student's t). Paired: for each seed both methods trained on the same labelled examples, so
     * the luck of the draw cancels and the interval is about the arms, not the draw.
     */
    public record Difference(double mean, double low, double high, int n) {
        /** True when the whole interval lies above zero. */
        public boolean clearlyPositive() {
            return n > 1 && low > 0;
        }

        /** "+12.3 [+8.1, +16.5]" points, the mean alone with one seed, or {@code none} with no seeds. */
        public String inPoints(String none) {
            if (n == 0) {
                return none;
            }
            return n < 2 ? String.format(Locale.ROOT, "%+.1f", 100 * mean)
                    : String.format(Locale.ROOT, "%+.1f [%+.1f, %+.1f]", 100 * mean, 100 * low, 100 * high);
        }
    }

    public static Difference paired(List<Run> runs, String task, LabelBudget labels, ExperimentSpec.Pair pair) {
        Map<Integer, Double> byA = new LinkedHashMap<>(), byB = new LinkedHashMap<>();
        for (Run r : runs) {
            if (r.task().equals(task) && r.labels().equals(labels)) {
                if (r.arm().equals(pair.arm())) {
                    byA.put(r.seed(), r.testAccuracy());
                } else if (r.arm().equals(pair.against())) {
                    byB.put(r.seed(), r.testAccuracy());
                }
            }
        }
        List<Integer> seeds = byA.keySet().stream().filter(byB::containsKey).toList();
        return paired(seeds.stream().map(byA::get).toList(), seeds.stream().map(byB::get).toList());
    }

    /** The paired difference a[i] − b[i] over seeds, with its 95% confidence interval (Student's t). */
    public static Difference paired(List<Double> a, List<Double> b) {
        if (a.size() != b.size()) {
            throw new IllegalArgumentException("paired values need the same seeds: " + a.size() + " against " + b.size());
        }
        List<Double> diffs = java.util.stream.IntStream.range(0, a.size()).mapToObj(i -> a.get(i) - b.get(i)).toList();
        Stat stat = Stat.of(diffs);
        if (stat.n() < 2) {
            return new Difference(stat.mean(), Double.NaN, Double.NaN, stat.n());
        }
        double half = tQuantile975(stat.n() - 1) * stat.std() / Math.sqrt(stat.n());
        return new Difference(stat.mean(), stat.mean() - half, stat.mean() + half, stat.n());
    }

    /** Student's t, two-sided 95% (the 0.975 quantile), for df degrees of freedom. */
    public static double tQuantile975(int df) {
        double[] table = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131,
            2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};
        return df <= table.length ? table[df - 1] : 1.960;
    }

    public static Cell find(List<Cell> cells, String task, LabelBudget labels, String arm) {
        return cells.stream().filter(c -> c.task().equals(task) && c.labels().equals(labels) && c.arm().equals(arm)).findFirst().orElse(null);
    }

    /**
     * One plain sentence per task and label budget: on the test set, is the pair's arm ahead of the
     * arm it is set against, behind it, or can the seeds not tell?
     */
    public static List<String> findings(List<Run> runs, ExperimentSpec.Pair pair) {
        List<String> out = new ArrayList<>();
        String otherName = Arms.noun(pair.against());
        for (String task : tasks(runs)) {
            for (LabelBudget labels : labelOrder(runs)) {
                Difference d = paired(runs, task, labels, pair);
                if (d.n() == 0) {
                    continue;
                }
                double points = 100 * d.mean();
                String finding;
                if (d.n() < 2) {
                    finding = String.format(Locale.ROOT, "%s %s by %.1f points (one seed, so no confidence interval)",
                            points >= 0 ? "beats" : "trails", otherName, Math.abs(points));
                } else if (d.low() > 0 || d.high() < 0) {
                    finding = String.format(Locale.ROOT, "%s %s by %.1f points (95%% interval %+.1f to %+.1f over %d paired seeds)",
                            points > 0 ? "beats" : "trails", otherName, Math.abs(points), 100 * d.low(), 100 * d.high(), d.n());
                } else {
                    finding = String.format(Locale.ROOT, "cannot be told from %s: %+.1f points, with a 95%% interval "
                            + "(%+.1f to %+.1f over %d paired seeds) that includes zero", otherName, points, 100 * d.low(), 100 * d.high(), d.n());
                }
                out.add(String.format(Locale.ROOT, "%s, %s labels, test accuracy: %s %s.", task, labels, Arms.noun(pair.arm()), finding));
            }
        }
        return out;
    }

    /** The trained arms that ran, in run order (prompting has its own table). */
    public static List<String> armsIn(List<Run> runs) {
        return runs.stream().map(Run::arm).filter(Arms::trained).distinct().toList();
    }

    /** The tasks in the order they were run. */
    public static List<String> tasks(List<Run> runs) {
        return runs.stream().map(Run::task).distinct().toList();
    }

    /** The label budgets of the trained arms, in run order (a prompt's shots are not a budget). */
    public static List<LabelBudget> labelOrder(List<Run> runs) {
        return runs.stream().filter(r -> Arms.trained(r.arm())).map(Run::labels).distinct().toList();
    }

    public static LabelBudget largestLabels(List<Run> runs) {
        return labelOrder(runs).stream().max(LabelBudget::compareTo).orElse(LabelBudget.ALL);
    }
}
