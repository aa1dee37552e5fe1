package tinyfm.report;

import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tinyfm.comparison.Comparison;
import tinyfm.comparison.Comparison.Method;
import tinyfm.comparison.Comparison.Run;
import tinyfm.data.Task;
import tinyfm.util.AtomicFiles;
import tinyfm.util.Json;
import tinyfm.util.UserError;

/**
 * Writes the comparison's results.json, and derives from it results.csv, report.md and the charts,
 * into one folder. {@code tinyfm report --from DIR} derives them again from a committed results.json,
 * so every number a document cites comes from one file.
 */
public final class Report {
    private Report() {}

    /**
     * What the runs were made with: the base, its pretraining cost, the plan, the machine, chance on
     * each task, and a line that says which run this is (the demo's small run, or the grid).
     */
    public record Context(String base, String baseSha256, double pretrainSeconds, String model, Comparison.Plan plan, JsonObject machine,
                          Map<String, TimeViews.Chance> chance, String run) {

        /** The context of a comparison of {@code base} (read from {@code basePath}) under {@code plan}, on this machine. */
        public static Context of(Path basePath, tinyfm.base.ModelFile base, Comparison.Plan plan, String run) {
            return new Context(basePath.toString(), tinyfm.util.Sha256.ofFile(basePath), Report.pretrainSeconds(base.provenance()), base.config().summary(), plan,
                    tinyfm.base.Provenance.machine(), Report.chance(plan.tasks()), run);
        }
    }

    /** Chance on each task, from its validation and test splits. */
    public static Map<String, TimeViews.Chance> chance(List<String> tasks) {
        Map<String, TimeViews.Chance> out = new LinkedHashMap<>();
        for (String name : tasks) {
            Task t = Task.load(name);
            out.put(t.name(), new TimeViews.Chance(t.chance("val"), t.chance("test")));
        }
        return out;
    }

    /** Writes results.json, results.csv, report.md and the charts; returns the charts' names. */
    public static List<String> write(Path dir, Context context, List<Run> runs) {
        JsonObject json = new JsonObject();
        json.add("context", Json.GSON.toJsonTree(context));
        json.add("runs", Json.GSON.toJsonTree(runs));
        json.add("summary", Json.GSON.toJsonTree(Summary.cells(runs)));
        AtomicFiles.writeString(dir.resolve(RESULTS), Json.GSON.toJson(json));
        return rewrite(dir, context, runs);
    }

    /** The file every table and chart of a comparison is derived from. */
    public static final String RESULTS = "results.json";

    /** A comparison's context and runs, read back from its results.json. */
    public record Results(Context context, List<Run> runs) {}

    public static Results read(Path dir) {
        Path file = dir.resolve(RESULTS);
        if (!Files.isRegularFile(file)) {
            throw new UserError(file + ": not found; give a folder that 'tinyfm compare' or 'tinyfm demo' wrote");
        }
        try {
            JsonObject json = com.google.gson.JsonParser.parseString(Files.readString(file)).getAsJsonObject();
            Context context = Json.GSON.fromJson(json.get("context"), Context.class);
            List<Run> runs = List.of(Json.GSON.fromJson(json.get("runs"), Run[].class));
            if (context == null || context.chance() == null || runs.isEmpty()) {
                throw new UserError(file + ": no context with chance, or no runs; it was written by an older tinyfm, rerun the comparison");
            }
            return new Results(context, runs);
        } catch (java.io.IOException | RuntimeException e) {
            if (e instanceof UserError u) {
                throw u;
            }
            throw new UserError(file + ": not a tinyfm results file (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
        }
    }

    /** Derives results.csv, report.md and every chart from the runs; the same runs give the same files. */
    public static List<String> rewrite(Path dir, Context context, List<Run> runs) {
        List<Summary.Cell> cells = Summary.cells(runs);
        List<String> tasks = Summary.tasks(runs);
        String largest = Summary.largestLabels(runs);
        AtomicFiles.writeString(dir.resolve("results.csv"), csv(runs));
        List<String> charts = new java.util.ArrayList<>();
        for (String task : tasks) {
            TimeViews.Chance chance = context.chance().get(task);
            Charts.save(Charts.learningCurves(runs, task, largest, chance), dir, "learning-curves-" + task);
            Charts.save(Charts.dataEfficiency(cells, task, chance), dir, "data-efficiency-" + task);
            charts.add("learning-curves-" + task);
            charts.add("data-efficiency-" + task);
        }
        if (!TimeReport.pairs(runs).isEmpty()) {
            Charts.save(Charts.transferGain(runs), dir, "transfer-gain");
            charts.add("transfer-gain");
            Charts.save(Charts.time(cells, tasks, largest, context.pretrainSeconds()), dir, "time");
            charts.add("time");
        }
        AtomicFiles.writeString(dir.resolve("report.md"), markdown(context, runs, cells, tasks, charts));
        return charts;
    }

    static String csv(List<Run> runs) {
        StringBuilder sb = new StringBuilder("task,labels,train_examples,seed,method,epochs,validation_accuracy,test_accuracy,test_macro_f1,train_seconds\n");
        for (Run r : runs) {
            sb.append(String.format(Locale.ROOT, "%s,%s,%d,%d,%s,%d,%.4f,%.4f,%.4f,%.2f%n", r.task(), r.labels(), r.trainExamples(), r.seed(),
                    r.method().name().toLowerCase(Locale.ROOT), r.epochs(), r.validationAccuracy(), r.testAccuracy(), r.testMacroF1(), r.trainSeconds()));
        }
        return sb.toString();
    }

    private static String pct(Summary.Stat s) {
        return Double.isNaN(s.mean()) ? "–" : s.n() > 1 ? String.format(Locale.ROOT, "%.1f ± %.1f", 100 * s.mean(), 100 * s.std())
                : String.format(Locale.ROOT, "%.1f", 100 * s.mean());
    }

    private static String secs(Summary.Stat s) {
        return Double.isNaN(s.mean()) ? "–" : String.format(Locale.ROOT, "%.1f", s.mean());
    }

    /** What the CLI prints at the end of a comparison: the main table, the findings and the time views. */
    public static String summaryText(List<Run> runs, Context context) {
        String prompting = promptingTable(runs);
        return context.run() + "\n\n" + mainTable(runs) + "\n"
                + (prompting.isEmpty() ? "" : "Prompting the base, no training:\n" + prompting + "\n")
                + String.join("\n", Summary.transferFindings(runs)) + "\n\n"
                + TimeReport.markdown(runs, context.chance(), context.pretrainSeconds());
    }

    /** The base's recorded pretraining time, NaN for a base made before provenance recorded it. */
    public static double pretrainSeconds(JsonObject provenance) {
        if (!provenance.has("train_seconds")) {
            return Double.NaN;
        }
        double seconds = provenance.get("train_seconds").getAsDouble();
        // an adapted base cost its ancestors' pretraining too; "parent.train_seconds" holds all of it
        JsonObject parent = provenance.has("parent") ? provenance.getAsJsonObject("parent") : null;
        return parent != null && parent.has("train_seconds") ? seconds + parent.get("train_seconds").getAsDouble() : seconds;
    }

    /** The trained methods that ran, in the table's order (prompting has its own table). */
    static List<Method> methodsIn(List<Run> runs) {
        return java.util.Arrays.stream(Method.values()).filter(m -> !m.prompted())
                .filter(m -> runs.stream().anyMatch(r -> r.method() == m)).toList();
    }

    /** "+12.3 [+8.1, +16.5]" points, or the mean alone with a single seed. */
    static String difference(Summary.Difference d) {
        if (d.n() == 0) {
            return "–";
        }
        return d.n() < 2 ? String.format(Locale.ROOT, "%+.1f", 100 * d.mean())
                : String.format(Locale.ROOT, "%+.1f [%+.1f, %+.1f]", 100 * d.mean(), 100 * d.low(), 100 * d.high());
    }

    /** The main table: test accuracy and training time per method, for every task and label budget. */
    public static String mainTable(List<Run> runs) {
        return mainTable(Summary.cells(runs), runs, Summary.tasks(runs), Summary.labelOrder(runs));
    }

    static String mainTable(List<Summary.Cell> cells, List<Run> runs, List<String> tasks, List<String> labelOrder) {
        List<Method> methods = methodsIn(runs);
        StringBuilder sb = new StringBuilder("| task | labels |");
        for (Method m : methods) {
            sb.append(' ').append(m.label).append(" |");
        }
        sb.append(" full − scratch (95% CI) |\n|---|---:|");
        sb.append("---:|".repeat(methods.size() + 1)).append('\n');
        for (String task : tasks) {
            for (String labels : labelOrder) {
                if (Summary.find(cells, task, labels, Method.SCRATCH) == null) {
                    continue;
                }
                sb.append("| ").append(task).append(" | ").append(labels).append(" |");
                for (Method m : methods) {
                    Summary.Cell c = Summary.find(cells, task, labels, m);
                    sb.append(' ').append(c == null ? "–" : pct(c.testAccuracy()) + "% (" + secs(c.trainSeconds()) + " s)").append(" |");
                }
                sb.append(' ').append(difference(Summary.paired(runs, task, labels, Method.PRETRAINED_FULL, Method.SCRATCH))).append(" |\n");
            }
        }
        return sb.toString();
    }

    /** Prompting the base with no training: zero-shot and few-shot test accuracy per task, or "" if those arms did not run. */
    public static String promptingTable(List<Run> runs) {
        List<Summary.Cell> cells = Summary.cells(runs).stream()
                .filter(c -> c.method().prompted()).toList();
        if (cells.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder("| task | prompted, zero-shot | prompted, " + Comparison.SHOTS + "-shot (mean ± std over seeds) |\n|---|---:|---:|\n");
        for (String task : Summary.tasks(runs)) {
            Summary.Cell zero = cells.stream().filter(c -> c.task().equals(task) && c.method() == Method.PROMPT_ZERO).findFirst().orElse(null);
            Summary.Cell few = cells.stream().filter(c -> c.task().equals(task) && c.method() == Method.PROMPT_FEW).findFirst().orElse(null);
            sb.append(String.format(Locale.ROOT, "| %s | %s | %s |%n", task, zero == null ? "–" : pct(zero.testAccuracy()) + "%",
                    few == null ? "–" : pct(few.testAccuracy()) + "%"));
        }
        return sb.toString();
    }

    static String markdown(Context ctx, List<Run> runs, List<Summary.Cell> cells, List<String> tasks, List<String> charts) {
        List<String> labelOrder = Summary.labelOrder(runs);
        StringBuilder sb = new StringBuilder();
        sb.append("# Transfer vs. from scratch\n\n");
        sb.append(ctx.run()).append("\n\n");
        sb.append(String.format(Locale.ROOT, "Base `%s` (sha256 `%s…`): %s, pretrained in %.0f s. Tasks: %s. Label budgets: %s. Seeds: %d.%n%n",
                ctx.base(), ctx.baseSha256().substring(0, 12), ctx.model(), ctx.pretrainSeconds(), String.join(", ", tasks),
                String.join(", ", labelOrder), ctx.plan().seeds()));
        sb.append("Machine: ").append(tinyfm.base.Provenance.describe(ctx.machine())).append(".\n\n");
        sb.append("Chance (the most common label's share of the test set): ");
        sb.append(String.join(", ", tasks.stream().map(t -> String.format(Locale.ROOT, "%s %.0f%%", t, 100 * ctx.chance().get(t).test())).toList()));
        sb.append(".\n\n## Test accuracy (mean ± std over seeds, %) and training time (s)\n\n");
        sb.append(mainTable(cells, runs, tasks, labelOrder)).append('\n');
        String prompting = promptingTable(runs);
        if (!prompting.isEmpty()) {
            sb.append("## Prompting the base, no training\n\nEach label's word is scored as the continuation of the task's prompt template")
                    .append(Comparison.PROMPT_CALIBRATION == tinyfm.prompting.Prompts.Calibration.CALIBRATED ? ", minus its score after a content-free text (calibration)" : "")
                    .append("; a few-shot prompt first shows labelled examples from the training split.\n\n").append(prompting).append('\n');
        }
        sb.append("## Does the pretrained base transfer?\n\n");
        Summary.transferFindings(runs).forEach(line -> sb.append("- ").append(line).append('\n'));
        sb.append("\nThe paired difference compares, seed by seed, two models trained on the same labelled examples; ")
                .append("the interval is Student's t over the seeds.\n");
        List<String> baseline = Summary.baselineFindings(runs);
        if (!baseline.isEmpty()) {
            sb.append("\n## Does it beat bag-of-words?\n\n");
            sb.append("Bag-of-words knows which words a text holds and nothing else about English. The same pairing, fine-tuned base − bag-of-words:\n\n");
            baseline.forEach(line -> sb.append("- ").append(line).append('\n'));
        }
        String time = TimeReport.markdown(runs, ctx.chance(), ctx.pretrainSeconds());
        if (!time.isEmpty()) {
            sb.append("\n## What the base buys in time\n\n");
            sb.append(String.format(Locale.ROOT, "Read from the validation curves: %d validations per run at the largest label budget, %d below it, "
                    + "so a time is only as fine as those checkpoints.%n%n", ctx.plan().validations(),
                    Math.min(Comparison.FEW_LABEL_VALIDATIONS, ctx.plan().validations())));
            sb.append(time);
        }
        sb.append("\n## How this was measured\n\n");
        tinyfm.comparison.Comparison.Plan plan = ctx.plan();
        if (plan.recipe().equals(tinyfm.finetuning.Recipe.PLAIN) && plan.learningRate() == tinyfm.finetuning.FineTuneConfig.DEFAULT_HEAD_LR) {
            sb.append("- The from-scratch model is the **identical architecture with the same tokenizer** (the base's), the same data, optimiser, schedule ")
                    .append("and number of epochs; the only difference is that its weights start random instead of pretrained.\n");
        } else {
            sb.append("- The from-scratch model is the **identical architecture with the same tokenizer** (the base's), the same data and number ")
                    .append("of epochs; its weights start random instead of pretrained.\n");
            sb.append(String.format(Locale.ROOT, "- **The full fine-tune alone** used %s, at a head learning rate of %s; every other arm, "
                    + "from scratch included, used one body rate and a linear decay at %s.%n", plan.recipe().describe(), plan.learningRate(),
                    tinyfm.finetuning.FineTuneConfig.DEFAULT_HEAD_LR));
        }
        sb.append(String.format(Locale.ROOT, "- Every neural run trains for at least %d epochs, and with few labels for as many as it takes to see %d examples; "
                + "the best epoch by validation accuracy is kept.%n", ctx.plan().epochs(), ctx.plan().minExamplesSeen()));
        sb.append("- Texts longer than the context window are truncated to their beginning. Times are training seconds on this machine, ")
                .append("excluding evaluation. The bag-of-words baseline is a logistic regression on word presence.\n");
        sb.append("- The linear probe is a logistic regression on the frozen base's hidden states, pooled over each text (mean, maximum and ")
                .append("last position); only the regression is trained, so it measures what pretraining alone put into the features. ")
                .append("Its time counts the forward passes over its training examples and the fit.\n");
        sb.append("- Seeds are paired: for a given seed every method trains on the same labelled examples.\n");
        sb.append("- Every table and chart here is derived from `results.json` by `tinyfm report --from <this folder>`.\n\n");
        sb.append("## Charts\n\n");
        for (String c : charts) {
            sb.append("![").append(c).append("](").append(c).append(".png)\n");
        }
        return sb.toString();
    }
}
