package tinyfm.report;

import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tinyfm.comparison.Arms;
import tinyfm.comparison.ExperimentSpec;
import tinyfm.comparison.FullFineTuneArm;
import tinyfm.comparison.LabelBudget;
import tinyfm.comparison.PromptedArm;
import tinyfm.comparison.Run;
import tinyfm.comparison.Trial;
import tinyfm.data.Task;
import tinyfm.finetuning.FineTuneConfig;
import tinyfm.util.AtomicFiles;
import tinyfm.util.Json;
import tinyfm.util.UserError;

/**
 * Writes an experiment's results.json, and derives from it results.csv, report.md and the charts,
 * into its folder. {@code tinyfm report --from DIR} derives them again from a committed results.json,
 * so every number a document cites comes from one file.
 */
public final class Report {
    private Report() {}

    /** The file every table and chart of an experiment is derived from. */
    public static final String RESULTS = "results.json";

    /**
     * What the runs were made with: the spec, the base's checksum and pretraining cost, the model,
     * the machine, and chance on each task.
     */
    public record Context(ExperimentSpec spec, String baseSha256, double pretrainSeconds, String model, JsonObject machine,
                          Map<String, TimeViews.Chance> chance) {

        /** The context of running {@code spec} on {@code base}, on this machine. */
        public static Context of(ExperimentSpec spec, Trial.Base base) {
            return new Context(spec, tinyfm.util.Sha256.ofFile(base.path()), tinyfm.base.Provenance.Pretraining.of(base.file().provenance()).seconds(),
                    base.file().config().summary(), tinyfm.base.Provenance.machine(), Report.chance(spec));
        }

        /** The pair the time views and the charts read: the spec's first, or null if it pairs nothing. */
        public ExperimentSpec.Pair timedPair() {
            return spec.pairs().isEmpty() ? null : spec.pairs().get(0);
        }
    }

    /** An experiment's context and runs, as results.json holds them. */
    public record Results(Context context, List<Run> runs) {
        /** The main table: every trained arm, and each pair of the spec with its 95% interval. */
        public String table() {
            return mainTable(runs, context.spec().pairs());
        }

        /** A sentence per task and label budget for each pair of the spec: beats, trails, or cannot be told apart. */
        public List<String> findings() {
            List<String> out = new ArrayList<>();
            context.spec().pairs().forEach(p -> out.addAll(Summary.findings(runs, p)));
            return out;
        }

        /** The pair the time views read: the spec's first (by default, fine-tuned against from scratch). */
        public ExperimentSpec.Pair timedPair() {
            return context.timedPair();
        }
    }

    /** Chance on each task, from its validation (as the experiment's runs see it) and test splits. */
    public static Map<String, TimeViews.Chance> chance(tinyfm.comparison.ExperimentSpec spec) {
        Map<String, TimeViews.Chance> out = new LinkedHashMap<>();
        for (String name : spec.tasks()) {
            Task t = spec.task(name);
            out.put(t.name(), new TimeViews.Chance(t.chance("val"), t.chance("test")));
        }
        return out;
    }

    /** Writes results.json, then derives results.csv, report.md and the charts from it; returns the charts' names. */
    public static List<String> write(Path dir, Results results) {
        JsonObject json = new JsonObject();
        json.add("context", Json.GSON.toJsonTree(results.context()));
        json.add("runs", Json.GSON.toJsonTree(results.runs()));
        json.add("summary", Json.GSON.toJsonTree(Summary.cells(results.runs())));
        AtomicFiles.writeString(dir.resolve(RESULTS), Json.GSON.toJson(json) + "\n");
        return rewrite(dir, results);
    }

    public static Results read(Path dir) {
        Path file = dir.resolve(RESULTS);
        if (!Files.isRegularFile(file)) {
            throw new UserError(file + ": not found; give a folder that 'tinyfm compare' or 'tinyfm demo' wrote");
        }
        try {
            JsonObject json = com.google.gson.JsonParser.parseString(Files.readString(file)).getAsJsonObject();
            Context context = Json.GSON.fromJson(json.get("context"), Context.class);
            List<Run> runs = List.of(Json.GSON.fromJson(json.get("runs"), Run[].class));
            if (context == null || context.spec() == null || context.chance() == null || runs.isEmpty() || runs.get(0).arm() == null) {
                throw new UserError(file + ": no spec, chance or runs; it was written by an older tinyfm, rerun the experiment");
            }
            return new Results(context, runs);
        } catch (java.io.IOException | RuntimeException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof UserError u) {
                    throw u.getMessage().startsWith(file.toString()) ? u : new UserError(file + ": " + u.getMessage());
                }
            }
            throw new UserError(file + ": not a tinyfm results file (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
        }
    }

    /** Derives results.csv, report.md and every chart from the results; the same results give the same files. */
    public static List<String> rewrite(Path dir, Results results) {
        Context context = results.context();
        List<Run> runs = results.runs();
        List<Summary.Cell> cells = Summary.cells(runs);
        List<String> tasks = Summary.tasks(runs);
        LabelBudget largest = Summary.largestLabels(runs);
        ExperimentSpec.Pair timed = context.timedPair();
        AtomicFiles.writeString(dir.resolve("results.csv"), csv(runs));
        List<String> charts = new ArrayList<>();
        List<String> wanted = context.spec().charts();
        for (String task : tasks) {
            TimeViews.Chance chance = context.chance().get(task);
            if (timed != null && wanted.contains("learning-curves")) {
                Charts.save(Charts.learningCurves(runs, timed, task, largest, chance), dir, "learning-curves-" + task);
                charts.add("learning-curves-" + task);
            }
            if (timed != null && wanted.contains("data-efficiency")) {
                Charts.save(Charts.dataEfficiency(runs, timed, task, chance), dir, "data-efficiency-" + task);
                charts.add("data-efficiency-" + task);
            }
            if (timed != null && wanted.contains("cost")) {
                Charts.save(Charts.cost(cells, timed, task, largest, context.pretrainSeconds()), dir, "cost-" + task);
                charts.add("cost-" + task);
            }
        }
        if (timed != null && !TimeReport.slots(runs, timed).isEmpty()) {
            if (wanted.contains("transfer-gain")) {
                Charts.save(Charts.transferGain(runs, timed), dir, "transfer-gain");
                charts.add("transfer-gain");
            }
        }
        AtomicFiles.writeString(dir.resolve("report.md"), markdown(context, runs, charts));
        return charts;
    }

    static String csv(List<Run> runs) {
        StringBuilder sb = new StringBuilder("task,labels,train_examples,seed,arm,epochs,validation_accuracy,test_accuracy,test_macro_f1,train_seconds\n");
        for (Run r : runs) {
            sb.append(String.format(Locale.ROOT, "%s,%s,%d,%d,%s,%d,%.4f,%.4f,%.4f,%.2f%n", r.task(), r.labels(), r.trainExamples(), r.seed(),
                    r.arm(), r.epochs(), r.validationAccuracy(), r.testAccuracy(), r.testMacroF1(), r.trainSeconds()));
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

    static String difference(Summary.Difference d) {
        return d.inPoints("–");
    }

    /** The main table: test accuracy and training time per trained arm, then each pair's paired difference, per task and label budget. */
    public static String mainTable(List<Run> runs, List<ExperimentSpec.Pair> pairs) {
        List<Summary.Cell> cells = Summary.cells(runs);
        List<String> arms = Summary.armsIn(runs);
        StringBuilder sb = new StringBuilder("| task | labels |");
        for (String arm : arms) {
            sb.append(' ').append(Arms.label(arm)).append(" |");
        }
        for (ExperimentSpec.Pair pair : pairs) {
            sb.append(' ').append(pair).append(" (95% CI) |");
        }
        sb.append("\n|---|---:|").append("---:|".repeat(arms.size() + pairs.size())).append('\n');
        for (String task : Summary.tasks(runs)) {
            for (LabelBudget labels : Summary.labelOrder(runs)) {
                sb.append("| ").append(task).append(" | ").append(labels).append(" |");
                for (String arm : arms) {
                    Summary.Cell c = Summary.find(cells, task, labels, arm);
                    sb.append(' ').append(c == null ? "–" : pct(c.testAccuracy()) + "% (" + secs(c.trainSeconds()) + " s)").append(" |");
                }
                for (ExperimentSpec.Pair pair : pairs) {
                    sb.append(' ').append(difference(Summary.paired(runs, task, labels, pair))).append(" |");
                }
                sb.append('\n');
            }
        }
        return sb.toString();
    }

    /** Prompting the base with no training: zero-shot and few-shot test accuracy per task, or "" if those arms did not run. */
    public static String promptingTable(List<Run> runs) {
        List<Summary.Cell> cells = Summary.cells(runs).stream().filter(c -> !Arms.trained(c.arm())).toList();
        if (cells.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder("| task | prompted, zero-shot | prompted, " + PromptedArm.SHOTS + "-shot (mean ± std over seeds) |\n|---|---:|---:|\n");
        for (String task : Summary.tasks(runs)) {
            Summary.Cell zero = cells.stream().filter(c -> c.task().equals(task) && c.arm().equals(PromptedArm.ZERO_SHOT)).findFirst().orElse(null);
            Summary.Cell few = cells.stream().filter(c -> c.task().equals(task) && c.arm().equals(PromptedArm.FEW_SHOT)).findFirst().orElse(null);
            sb.append(String.format(Locale.ROOT, "| %s | %s | %s |%n", task, zero == null ? "–" : pct(zero.testAccuracy()) + "%",
                    few == null ? "–" : pct(few.testAccuracy()) + "%"));
        }
        return sb.toString();
    }

    static String markdown(Context ctx, List<Run> runs, List<String> charts) {
        ExperimentSpec spec = ctx.spec();
        List<String> tasks = Summary.tasks(runs);
        StringBuilder sb = new StringBuilder();
        sb.append("# ").append(spec.name()).append("\n\n");
        if (!spec.description().isEmpty()) {
            sb.append(spec.description()).append("\n\n");
        }
        sb.append(String.format(Locale.ROOT, "Base `%s` (sha256 `%s…`): %s, pretrained in %.0f s. Tasks: %s. Label budgets: %s. Seeds: %d. "
                        + "Arms: %s.%n%n", spec.base(), ctx.baseSha256().substring(0, 12), ctx.model(), ctx.pretrainSeconds(),
                String.join(", ", tasks), String.join(", ", Summary.labelOrder(runs).stream().map(LabelBudget::toString).toList()), spec.seeds(),
                String.join(", ", spec.arms().stream().map(ExperimentSpec.ArmSpec::arm).toList())));
        sb.append("Machine: ").append(tinyfm.base.Provenance.describe(ctx.machine())).append(".\n\n");
        sb.append("Chance (the most common label's share of the test set): ");
        sb.append(String.join(", ", tasks.stream().map(t -> String.format(Locale.ROOT, "%s %.0f%%", t, 100 * ctx.chance().get(t).test())).toList()));
        sb.append(".\n\n## Test accuracy (mean ± std over seeds, %) and training time (s)\n\n");
        sb.append(mainTable(runs, spec.pairs())).append('\n');
        String prompting = promptingTable(runs);
        if (!prompting.isEmpty()) {
            sb.append("## Prompting the base, no training\n\nEach label's word is scored as the continuation of the task's prompt template")
                    .append(PromptedArm.CALIBRATION == tinyfm.prompting.Prompts.Calibration.CALIBRATED ? ", minus its score after a content-free text (calibration)" : "")
                    .append("; a few-shot prompt first shows labelled examples from the training split.\n\n").append(prompting).append('\n');
        }
        for (ExperimentSpec.Pair pair : spec.pairs()) {
            List<String> findings = Summary.findings(runs, pair);
            if (findings.isEmpty()) {
                continue;
            }
            String a = Arms.noun(pair.arm());
            sb.append("## ").append(Character.toUpperCase(a.charAt(0))).append(a.substring(1)).append(" against ")
                    .append(Arms.noun(pair.against())).append("\n\n");
            findings.forEach(line -> sb.append("- ").append(line).append('\n'));
            sb.append('\n');
        }
        sb.append("Each difference compares, seed by seed, two models trained on the same labelled examples; ")
                .append("the interval is Student's t over the seeds.\n");
        String time = ctx.timedPair() == null ? "" : TimeReport.markdown(runs, ctx.timedPair(), ctx.chance(), ctx.pretrainSeconds());
        if (!time.isEmpty()) {
            sb.append("\n## What the base buys in time\n\n");
            sb.append(String.format(Locale.ROOT, "Read from the validation curves: %d validations per run at the largest label budget, %d below it, "
                    + "so a time is only as fine as those checkpoints%s.%n%n", spec.validations(), Math.min(Trial.FEW_LABEL_VALIDATIONS, spec.validations()),
                    spec.validationExamples() == null ? "" : String.format(Locale.ROOT, "; each on a stratified %d of the task's validation examples",
                            spec.validationExamples())));
            sb.append(time);
        }
        sb.append("\n## How this was measured\n\n");
        sb.append("- The from-scratch model is the **identical architecture with the same tokenizer** (the base's), the same data, optimiser, schedule ")
                .append("and number of epochs; the only difference is that its weights start random instead of pretrained.\n");
        spec.arms().stream().filter(a -> a.arm().equals(FullFineTuneArm.ID) && !a.options().isEmpty()).findFirst().ifPresent(a -> {
            FullFineTuneArm full = (FullFineTuneArm) Arms.make(a);
            sb.append(String.format(Locale.ROOT, "- **The full fine-tune alone** used %s, at a head learning rate of %s; every other arm, "
                    + "from scratch included, used one body rate and a linear decay at %s.%n", full.recipe().describe(), full.learningRate(),
                    FineTuneConfig.DEFAULT_HEAD_LR));
        });
        sb.append(String.format(Locale.ROOT, "- Every neural run trains for at least %d epochs, and with few labels for as many as it takes to see %d examples; "
                + "the best epoch by validation accuracy is kept.%n", spec.epochs(), spec.minExamplesSeen()));
        sb.append("- Texts longer than the context window are truncated to their beginning. Times are training seconds on the machine named above, ")
                .append("excluding evaluation. The bag-of-words baseline is a logistic regression on word presence.\n");
        sb.append("- The linear probe is a logistic regression on the frozen base's hidden states, pooled over each text (mean, maximum and ")
                .append("last position); only the regression is trained, so it measures what pretraining alone put into the features. ")
                .append("Its time counts the forward passes over its training examples and the fit.\n");
        sb.append("- Seeds are paired: for a given seed every arm trains on the same labelled examples.\n");
        sb.append("- The experiment is `spec.json`; every table and chart here is derived from `results.json` by `tinyfm report --from <this folder>`.\n\n");
        if (!charts.isEmpty()) {
            sb.append("## Charts\n\n");
            for (String c : charts) {
                sb.append("![").append(c).append("](").append(c).append(".png)\n");
            }
        }
        return sb.toString();
    }
}
