package tinyfm.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import tinyfm.comparison.Arms;
import tinyfm.comparison.ExperimentSpec;
import tinyfm.comparison.LabelBudget;
import tinyfm.comparison.PromptedArm;
import tinyfm.comparison.Run;
import tinyfm.report.Report;
import tinyfm.report.Summary;
import tinyfm.report.TimeViews;

/**
 * An experiment's results as a terminal shows them: aligned plain-text tables of at most
 * {@link TextTable#MAX_WIDTH} columns and plain sentences. report.md has the same numbers in markdown.
 */
final class ResultsText {
    private ResultsText() {}

    /** The end of a compare (or report --from): what ran, the tables, what they showed, and the time views at the largest budget. */
    static List<String> summary(Report.Results results) {
        List<String> out = new ArrayList<>(wrap(results.context().spec().description(), ""));
        out.add("");
        out.add("Test accuracy, mean ± std over seeds:");
        out.addAll(accuracy(results).lines("  "));
        TextTable prompting = prompting(results);
        if (!prompting.isEmpty()) {
            out.add("");
            out.add("Prompting the base, no training (test accuracy):");
            out.addAll(prompting.lines("  "));
        }
        if (!results.context().spec().pairs().isEmpty()) {
            out.add("");
            out.add("Paired by seed, in points, with the 95% interval:");
            out.addAll(pairs(results).lines("  "));
            LabelBudget largest = Summary.largestLabels(results.runs());
            out.add("");
            out.add("With " + largest + " labels:");
            verdicts(results, largest).forEach(v -> out.addAll(wrap(v, "  ")));
            out.add("");
            out.add("Time to a target halfway from chance to the " + Arms.shortLabel(results.context().timedPair().arm()) + " arm's final accuracy:");
            out.addAll(timeToTarget(results, largest).lines("  "));
        }
        return out;
    }

    /** A long line folded at spaces to fit {@link TextTable#MAX_WIDTH} with its indent. */
    static List<String> wrap(String text, String indent) {
        int width = TextTable.MAX_WIDTH - indent.length();
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" ")) {
            if (line.length() > 0 && line.length() + 1 + word.length() > width) {
                lines.add(indent + line);
                line.setLength(0);
            }
            line.append(line.length() == 0 ? "" : " ").append(word);
        }
        lines.add(indent + line);
        return lines;
    }

    /** Test accuracy per trained arm, mean ± std over seeds, with chance. */
    static TextTable accuracy(Report.Results results) {
        List<Run> runs = results.runs();
        List<String> arms = Summary.armsIn(runs);
        List<String> header = new ArrayList<>(List.of("task", "labels"));
        arms.forEach(a -> header.add(Arms.shortLabel(a)));
        header.add("chance");
        TextTable table = new TextTable(header.toArray(String[]::new));
        List<Summary.Cell> cells = Summary.cells(runs);
        for (String task : Summary.tasks(runs)) {
            for (LabelBudget labels : Summary.labelOrder(runs)) {
                List<String> row = new ArrayList<>(List.of(task, labels.toString()));
                for (String arm : arms) {
                    Summary.Cell c = Summary.find(cells, task, labels, arm);
                    row.add(c == null ? "-" : percent(c.testAccuracy()));
                }
                row.add(String.format(Locale.ROOT, "%.0f%%", 100 * results.context().chance().get(task).test()));
                table.row(row.toArray(String[]::new));
            }
        }
        return table;
    }

    /** Each pair of the spec, paired seed by seed: the difference in points with its 95% interval. */
    static TextTable pairs(Report.Results results) {
        List<Run> runs = results.runs();
        List<ExperimentSpec.Pair> pairs = results.context().spec().pairs();
        List<String> header = new ArrayList<>(List.of("task", "labels"));
        pairs.forEach(p -> header.add(Arms.shortLabel(p.arm()) + " − " + Arms.shortLabel(p.against())));
        TextTable table = new TextTable(header.toArray(String[]::new));
        for (String task : Summary.tasks(runs)) {
            for (LabelBudget labels : Summary.labelOrder(runs)) {
                List<String> row = new ArrayList<>(List.of(task, labels.toString()));
                pairs.forEach(p -> row.add(difference(Summary.paired(runs, task, labels, p))));
                table.row(row.toArray(String[]::new));
            }
        }
        return table;
    }

    /** Zero-shot and few-shot test accuracy per task, or an empty table if no prompted arm ran. */
    static TextTable prompting(Report.Results results) {
        List<Summary.Cell> cells = Summary.cells(results.runs()).stream().filter(c -> !Arms.trained(c.arm())).toList();
        TextTable table = new TextTable("task", "zero-shot", PromptedArm.SHOTS + "-shot (mean ± std)", "chance");
        for (String task : cells.stream().map(Summary.Cell::task).distinct().toList()) {
            String zero = cells.stream().filter(c -> c.task().equals(task) && c.arm().equals(PromptedArm.ZERO_SHOT)).findFirst()
                    .map(c -> percent(c.testAccuracy())).orElse("-");
            String few = cells.stream().filter(c -> c.task().equals(task) && c.arm().equals(PromptedArm.FEW_SHOT)).findFirst()
                    .map(c -> percent(c.testAccuracy())).orElse("-");
            table.row(task, zero, few, String.format(Locale.ROOT, "%.0f%%", 100 * results.context().chance().get(task).test()));
        }
        return table;
    }

    /**
     * What the experiment showed at one label budget, a sentence per task: the first arm of the first
     * pair against every arm it is paired with ("beats", "trails", or "is level with").
     */
    static List<String> verdicts(Report.Results results, LabelBudget labels) {
        List<ExperimentSpec.Pair> pairs = results.context().spec().pairs();
        List<String> out = new ArrayList<>();
        if (pairs.isEmpty()) {
            return out;
        }
        String arm = pairs.get(0).arm();
        for (String task : Summary.tasks(results.runs())) {
            List<String> parts = new ArrayList<>();
            for (ExperimentSpec.Pair p : pairs.stream().filter(p -> p.arm().equals(arm)).toList()) {
                Summary.Difference d = Summary.paired(results.runs(), task, labels, p);
                if (d.n() > 0) {
                    parts.add(verdict(d) + " " + Arms.noun(p.against()) + " (" + difference(d) + ")");
                }
            }
            if (!parts.isEmpty()) {
                String said = Arms.noun(arm);
                out.add(task + ": " + said + " " + String.join(", and ", parts) + ".");
            }
        }
        return out;
    }

    /** "beats", "trails", or "is level with": only an interval that excludes zero says more than level. */
    static String verdict(Summary.Difference d) {
        if (d.n() < 2) {
            return d.mean() >= 0 ? "is ahead of (one seed, no interval)" : "is behind (one seed, no interval)";
        }
        return d.low() > 0 ? "beats" : d.high() < 0 ? "trails" : "is level with";
    }

    /** Views 1 and 2 of the time views at one budget: accuracy at equal time, and time to a target. */
    static TextTable equalTime(Report.Results results, LabelBudget labels) {
        ExperimentSpec.Pair pair = results.context().timedPair();
        TextTable table = new TextTable("task", "after", Arms.shortLabel(pair.arm()), Arms.shortLabel(pair.against()), "chance");
        for (String task : Summary.tasks(results.runs())) {
            for (TimeViews.EqualTime e : TimeViews.equalTime(results.runs(), pair, task, labels, results.context().chance().get(task))) {
                table.row(task, String.format(Locale.ROOT, "%.1f s", e.seconds()), percent(e.fineTuned()), percent(e.scratch()),
                        String.format(Locale.ROOT, "%.0f%%", 100 * e.chance()));
            }
        }
        return table;
    }

    static TextTable timeToTarget(Report.Results results, LabelBudget labels) {
        ExperimentSpec.Pair pair = results.context().timedPair();
        TextTable table = new TextTable("task", "target", Arms.shortLabel(pair.arm()), Arms.shortLabel(pair.against()));
        for (String task : Summary.tasks(results.runs())) {
            TimeViews.TimeToTarget t = TimeViews.timeToTarget(results.runs(), pair, task, labels, results.context().chance().get(task));
            table.row(task, t.defined() ? percent(t.target()) : "none", t.defined() ? reach(t.fineTuned()) : "-",
                    t.defined() ? reach(t.scratch()) : "-");
        }
        return table;
    }

    private static String reach(TimeViews.Arm a) {
        return a.reached() == 0 ? String.format(Locale.ROOT, "never (0/%d seeds)", a.seeds())
                : String.format(Locale.ROOT, "%.1f s (%d/%d seeds)", a.meanSeconds(), a.reached(), a.seeds());
    }

    static String percent(Summary.Stat s) {
        if (Double.isNaN(s.mean())) {
            return "-";
        }
        return s.n() > 1 ? String.format(Locale.ROOT, "%.1f ± %.1f%%", 100 * s.mean(), 100 * s.std())
                : String.format(Locale.ROOT, "%.1f%%", 100 * s.mean());
    }

    static String percent(double x) {
        return Double.isNaN(x) ? "-" : String.format(Locale.ROOT, "%.1f%%", 100 * x);
    }

    static String difference(Summary.Difference d) {
        return d.inPoints("-");
    }
}
