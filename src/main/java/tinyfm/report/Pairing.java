package tinyfm.report;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import tinyfm.comparison.BagOfWordsArm;
import tinyfm.comparison.FullFineTuneArm;
import tinyfm.comparison.LabelBudget;
import tinyfm.comparison.LinearProbeArm;
import tinyfm.comparison.Run;
import tinyfm.util.UserError;

/**
 * Two bases compared on the same cells, seed by seed. A seed draws the same labelled examples
 * whatever the base, so for each task, label budget and seed the two fine-tunes (and the two probes)
 * saw the same data, and their difference is about the bases, not the draw. Bag-of-words uses no
 * base: where both comparisons ran it, its accuracy must agree seed by seed, which checks the pairing.
 */
public final class Pairing {
    private Pairing() {}

    /** The arms that use the base, in the table's order. */
    static final List<String> ARMS = List.of(FullFineTuneArm.ID, LinearProbeArm.ID);
    private static final Map<String, String> NAMES = Map.of(FullFineTuneArm.ID, "full fine-tune", LinearProbeArm.ID, "linear probe");

    /** The markdown table of A − B, with its 95% Student-t interval, for every cell both comparisons hold. */
    public static String markdown(String nameA, Report.Results a, String nameB, Report.Results b) {
        Map<String, Double> byA = accuracies(a.runs()), byB = accuracies(b.runs());
        int checked = checkSameDraws(nameA, a.runs(), nameB, byB);
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "A: `%s` (base `%s`)  %nB: `%s` (base `%s`)%n%n", nameA, fileName(a.context().spec().base()),
                nameB, fileName(b.context().spec().base())));
        sb.append(checked > 0
                ? String.format(Locale.ROOT, "Bag-of-words, which uses no base, agrees seed by seed in all %d shared cells: each seed drew the same labelled examples for both.%n%n", checked)
                : "The two comparisons share no bag-of-words arm, so that each seed drew the same examples for both is assumed, not checked.\n\n");
        sb.append("| task | labels | arm | A | B | A − B (95% CI) | seeds |\n|---|---:|---|---:|---:|---:|---:|\n");
        int rows = 0;
        for (String task : Summary.tasks(a.runs())) {
            for (LabelBudget labels : Summary.labelOrder(a.runs())) {
                for (String method : ARMS) {
                    List<Integer> seeds = a.runs().stream().filter(r -> r.task().equals(task) && r.labels().equals(labels) && r.arm().equals(method))
                            .map(Run::seed).filter(s -> byB.containsKey(key(task, labels, method, s))).distinct().sorted().toList();
                    if (seeds.isEmpty()) {
                        continue;
                    }
                    List<Double> xa = seeds.stream().map(s -> byA.get(key(task, labels, method, s))).toList();
                    List<Double> xb = seeds.stream().map(s -> byB.get(key(task, labels, method, s))).toList();
                    sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %.1f%% | %.1f%% | %s | %d |%n", task, labels, NAMES.get(method),
                            100 * Summary.Stat.of(xa).mean(), 100 * Summary.Stat.of(xb).mean(),
                            Report.difference(Summary.paired(xa, xb)), seeds.size()));
                    rows++;
                }
            }
        }
        if (rows == 0) {
            throw new UserError(nameA + " and " + nameB + ": no task, label budget and seed has a fine-tune or a probe in both, so nothing pairs");
        }
        return sb.toString();
    }

    /** The number of cells whose bag-of-words runs agree with B's ({@code byB}); a clear error at the first that does not. */
    static int checkSameDraws(String nameA, List<Run> a, String nameB, Map<String, Double> byB) {
        Set<String> cells = new HashSet<>();
        for (Run r : a) {
            Double other = r.arm().equals(BagOfWordsArm.ID) ? byB.get(key(r.task(), r.labels(), r.arm(), r.seed())) : null;
            if (other == null) {
                continue;
            }
            if (Math.abs(other - r.testAccuracy()) > 1e-9) {
                throw new UserError(String.format(Locale.ROOT, "%s and %s: bag-of-words differs at %s, %s labels, seed %d (%.1f%% against %.1f%%), "
                        + "so the seeds did not draw the same labelled examples and the runs cannot be paired", nameA, nameB, r.task(), r.labels(),
                        r.seed(), 100 * r.testAccuracy(), 100 * other));
            }
            cells.add(r.task() + "|" + r.labels());
        }
        return cells.size();
    }

    private static Map<String, Double> accuracies(List<Run> runs) {
        Map<String, Double> out = new LinkedHashMap<>();
        runs.forEach(r -> out.put(key(r.task(), r.labels(), r.arm(), r.seed()), r.testAccuracy()));
        return out;
    }

    private static String key(String task, LabelBudget labels, String method, int seed) {
        return task + "|" + labels + "|" + method + "|" + seed;
    }

    private static String fileName(String path) {
        return path.substring(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
    }
}
