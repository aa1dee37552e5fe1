package tinyfm.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tinyfm.comparison.ComparisonJournal;
import tinyfm.comparison.ExperimentSpec;
import tinyfm.finetuning.Recipe;
import tinyfm.report.ExperimentFolder;
import tinyfm.report.Report;
import tinyfm.util.ShutdownHooks;
import tinyfm.util.UsageError;

@Command(name = "compare", sortOptions = false, description = {
        "Run an experiment: the pretrained base against the same model trained from scratch, and against the other arms.",
        "An experiment is a spec (spec.json: base, tasks, label budgets, seeds, arms, pairs) and a folder. Give the spec as a file "
                + "(--spec), or build it from the options below. For every task, label budget and seed every trained arm sees the same "
                + "labelled examples: fine-tune the base (full and head only), fit a linear probe on its frozen features, train the "
                + "identical model from scratch, and a bag-of-words baseline; and prompt the base zero-shot and few-shot.",
        "It writes spec.json, results.json, results.csv, report.md and the charts to --out."})
final class CompareCommand implements Callable<Integer> {
    @Option(names = "--spec", paramLabel = "FILE", description = "Run this experiment spec (a spec.json; docs/results holds one per "
            + "committed experiment). The options that build a spec cannot be given with it.")
    Path specFile;

    @Option(names = "--base", description = "The pretrained base (needed unless --spec is given).")
    Path base;

    @Option(names = "--tasks", defaultValue = "topic,sentiment,spam", split = ",", description = "Tasks (bundled names or folders). Default: ${DEFAULT-VALUE}.")
    List<String> tasks;

    @Option(names = "--labels", defaultValue = "16,32,100,300,all", split = ",", description = "Label budgets: numbers of training examples, or all. Default: ${DEFAULT-VALUE}.")
    List<String> labels;

    @Option(names = "--seeds", defaultValue = "5", paramLabel = "N|1,2,...", description = "Seeds per cell, as a count N or as the list of "
            + "seeds 1 to N (an experiment numbers its seeds from 1); tables show mean ± std, and the paired difference pretrained − scratch "
            + "with its 95%% confidence interval (every arm sees the same labelled examples for a seed). Default: ${DEFAULT-VALUE}.")
    String seedsOption;

    @Option(names = "--epochs", defaultValue = "3", description = "Epochs for every neural run (more when labels are few). Default: ${DEFAULT-VALUE}.")
    int epochs;

    @Option(names = {"--methods", "--arms"}, defaultValue = "full,head,probe,zero,few,scratch,bow", split = ",", description = "Which arms to run: full (fine-tune every weight), head (frozen body, new head), probe (logistic regression on the frozen base's pooled states), zero and few (prompt the base with no training: zero-shot, and with 4 labelled examples in the prompt), scratch (the same model from random weights), bow (bag-of-words). Default: ${DEFAULT-VALUE}.")
    List<String> methods;

    @Option(names = "--readout", defaultValue = "pooled", description = "What the fine-tuned head reads: pooled (mean, maximum and last hidden state) or last (the end-of-text state). Default: ${DEFAULT-VALUE}.")
    String readout;

    @Option(names = "--recipe", defaultValue = "plain", description = "How the full fine-tune sets its rates: plain, ulmfit, or some of "
            + "discriminative (top block at the head's rate, each lower block /2.6), slanted (slanted triangular schedule), "
            + "unfreeze (gradual unfreezing). Every other arm keeps the plain recipe. Default: ${DEFAULT-VALUE}.")
    String recipe;

    @Option(names = "--lr", paramLabel = "LR", description = "The full fine-tune's head learning rate (see 'tinyfm lr-find'); every other arm keeps "
            + "the default. Default: " + tinyfm.finetuning.FineTuneConfig.DEFAULT_HEAD_LR + ".")
    Double learningRate;

    @Option(names = "--budget-seconds", description = "Also stop each neural run after this many seconds of training. Default: no limit.")
    Double budgetSeconds;

    @Option(names = "--resume", description = "Continue an interrupted experiment in --out: cells already in its runs.jsonl are kept, the rest are trained (the spec must be the same).")
    boolean resume;

    @Option(names = "--jobs", paramLabel = "N", description = "Cells to run at once, each on its own thread with its own models; the accuracies are the same "
            + "as one after another, the seconds of runs that share the cores are longer. Default: one per two cores (${DEFAULT-VALUE} here).")
    int jobs = tinyfm.comparison.Experiment.defaultJobs();

    @Option(names = "--out", defaultValue = "results", description = "Output folder (created if missing). Default: ${DEFAULT-VALUE}.")
    Path out;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ExperimentSpec experiment = specFile != null ? fromFile() : fromOptions();
        return run(spec.commandLine().getOut(), spec.commandLine().getErr(), experiment);
    }

    /** The spec in --spec; an option that would build a spec as well is refused rather than silently ignored. */
    private ExperimentSpec fromFile() {
        CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
        for (String option : List.of("--base", "--tasks", "--labels", "--seeds", "--epochs", "--methods", "--readout", "--recipe", "--lr",
                "--budget-seconds")) {
            UsageError.check(!parsed.hasMatchedOption(option), option + " cannot be given with --spec: the spec file says it; edit the file instead");
        }
        return ExperimentSpec.read(specFile);
    }

    private ExperimentSpec fromOptions() {
        UsageError.check(base != null, "--base is needed (or --spec FILE)");
        UsageError.check(budgetSeconds == null || budgetSeconds > 0, "--budget-seconds must be > 0, got " + budgetSeconds);
        UsageError.check(epochs >= 1, "--epochs must be at least 1, got " + epochs);
        int seeds = OptionValues.seedCount(seedsOption);
        List<tinyfm.comparison.LabelBudget> budgets = labels.stream().map(OptionValues::labelBudget).toList();
        String recipeId = Recipe.parse(recipe).id();
        double lr = OptionValues.learningRate(learningRate);
        List<ExperimentSpec.ArmSpec> arms = methods.stream().map(String::trim).distinct().map(id -> {
            UsageError.check(tinyfm.comparison.Arms.known(id), "--methods: unknown arm '" + id + "'; use some of "
                    + String.join(", ", tinyfm.comparison.Arms.ids()));
            boolean tuned = id.equals(tinyfm.comparison.FullFineTuneArm.ID) && (!recipeId.equals(Recipe.PLAIN.id()) || learningRate != null);
            return tuned ? new ExperimentSpec.ArmSpec(id, java.util.Map.of("recipe", recipeId, "learningRate", String.valueOf(lr)))
                    : ExperimentSpec.ArmSpec.of(id);
        }).toList();
        String name = out.toAbsolutePath().normalize().getFileName() == null ? "experiment" : out.toAbsolutePath().normalize().getFileName().toString();
        return ExperimentSpec.defaults(name, base.toString(), tasks)
                .withDescription(String.format(java.util.Locale.ROOT, "The comparison grid: %d seed%s per cell, at least %d examples seen per neural run.",
                        seeds, seeds == 1 ? "" : "s", ExperimentSpec.MIN_EXAMPLES_SEEN))
                .withLabels(budgets).withSeeds(seeds).withArms(arms)
                .withTraining(epochs, ExperimentSpec.MIN_EXAMPLES_SEEN, tinyfm.finetuning.FineTuneConfig.DEFAULT_VALIDATIONS, budgetSeconds,
                        OptionValues.readout(readout));
    }

    /** The summary and the files written go to stdout; the intro, progress, each run's line and interruptions to stderr. */
    private int run(java.io.PrintWriter stdout, java.io.PrintWriter stderr, ExperimentSpec experiment) {
        stderr.println("Transfer learning vs. from scratch: the same model, with and without the pretrained weights.");
        if (resume) {
            stderr.printf("Resuming: %d runs already in %s are kept.%n", ComparisonJournal.runsIn(out), out.resolve(ComparisonJournal.FILE));
        }
        Outputs.ensureFolder(out);
        ComparisonProgress progress = new ComparisonProgress(stderr, "compare", "runs", true);
        Thread interrupted = ShutdownHooks.add(() -> {
            stderr.printf("%nInterrupted: %d of %d runs are kept in %s; rerun the same command with --resume to continue.%n",
                    progress.done(), progress.total(), out.resolve(ComparisonJournal.FILE));
            stderr.flush();
        });
        Report.Results results;
        try {
            UsageError.check(jobs >= 1, "--jobs must be at least 1, got " + jobs);
            results = ExperimentFolder.run(experiment, out, progress, resume, jobs);
        } finally {
            ShutdownHooks.remove(interrupted);
        }
        progress.finish();
        ResultsText.summary(results).forEach(stdout::println);
        stdout.printf("%nWrote %s:%n  spec.json, results.json, results.csv, report.md (every table and view) and the charts.%n", out);
        return 0;
    }
}
