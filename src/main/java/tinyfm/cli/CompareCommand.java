package tinyfm.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tinyfm.base.ModelFile;
import tinyfm.comparison.Comparison;
import tinyfm.comparison.ComparisonJournal;
import tinyfm.report.Report;
import tinyfm.util.OutputLock;
import tinyfm.util.ShutdownHooks;
import tinyfm.util.UsageError;
import tinyfm.util.UserError;

@Command(name = "compare", sortOptions = false, description = {
        "Measure transfer learning: the pretrained base against the same model trained from scratch.",
        "For every task, label budget and seed: fine-tune the base (full and head only), fit a linear probe on its frozen features, train the identical model from scratch, and a bag-of-words baseline; and prompt the base zero-shot and few-shot. Writes results.json, results.csv, report.md and charts."})
final class CompareCommand implements Callable<Integer> {
    @Option(names = "--base", required = true, description = "The pretrained base.")
    Path base;

    @Option(names = "--tasks", defaultValue = "topic,sentiment,spam", split = ",", description = "Tasks (bundled names or folders). Default: ${DEFAULT-VALUE}.")
    List<String> tasks;

    @Option(names = "--labels", defaultValue = "16,32,100,300,all", split = ",", description = "Label budgets: numbers of training examples, or all. Default: ${DEFAULT-VALUE}.")
    List<String> labels;

    @Option(names = "--seeds", defaultValue = "5", paramLabel = "N|1,2,...", description = "Seeds per cell, as a count N or as the list of "
            + "seeds 1 to N (a comparison numbers its seeds from 1); tables show mean ± std, and the paired difference pretrained − scratch "
            + "with its 95%% confidence interval (every method sees the same labelled examples for a seed). Default: ${DEFAULT-VALUE}.")
    String seedsOption;

    @Option(names = "--epochs", defaultValue = "3", description = "Epochs for every neural run (more when labels are few). Default: ${DEFAULT-VALUE}.")
    int epochs;

    @Option(names = "--methods", defaultValue = "full,head,probe,zero,few,scratch,bow", split = ",", description = "Which arms to run: full (fine-tune every weight), head (frozen body, new head), probe (logistic regression on the frozen base's pooled states), zero and few (prompt the base with no training: zero-shot, and with 4 labelled examples in the prompt), scratch (the same model from random weights), bow (bag-of-words). Default: ${DEFAULT-VALUE}.")
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

    @Option(names = "--resume", description = "Continue an interrupted comparison in --out: cells already in its runs.jsonl are kept, the rest are trained (the options must be the same).")
    boolean resume;

    @Option(names = "--out", defaultValue = "results", description = "Output folder (created if missing). Default: ${DEFAULT-VALUE}.")
    Path out;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        int seeds = seedCount(seedsOption);
        List<Integer> budgets = new ArrayList<>();
        for (String l : labels) {
            budgets.add(FinetuneCommand.labelBudget(l));
        }
        if (budgetSeconds != null && !(budgetSeconds > 0)) {
            throw new UsageError("--budget-seconds must be > 0, got " + budgetSeconds);
        }
        ModelFile baseFile = ModelFile.load(base, ModelFile.Kind.BASE, "--base needs a pretrained base from 'tinyfm pretrain'");
        tasks.forEach(tinyfm.data.Task::load); // fail early on a bad task, before any training
        List<Comparison.Method> arms = methods.stream().map(String::trim).map(Comparison.Method::byId).distinct().toList();
        Outputs.ensureFolder(out);
        Comparison.Plan plan = new Comparison.Plan(tasks, budgets, seeds, epochs, Comparison.MIN_EXAMPLES_SEEN,
                budgetSeconds == null ? Double.MAX_VALUE : budgetSeconds, tinyfm.finetuning.FineTuneConfig.DEFAULT_VALIDATIONS, arms,
                FinetuneCommand.readout(readout)).with(tinyfm.finetuning.Recipe.parse(recipe), FinetuneCommand.learningRate(learningRate));
        try (OutputLock lock = OutputLock.acquire(out.resolve(ComparisonJournal.FILE))) {
            ComparisonJournal journal = ComparisonJournal.open(out, plan, tinyfm.util.Sha256.ofFile(base), resume);
            return compare(spec.commandLine().getOut(), spec.commandLine().getErr(), baseFile, plan, journal);
        }
    }

    /** The summary and the files written go to stdout; the intro, progress, each run's line and interruptions to stderr. */
    /** --seeds as a count ("5") or as the seeds themselves ("1,2,3,4,5"); the comparison's seeds are always 1 to N. */
    static int seedCount(String value) {
        List<Integer> seeds = new ArrayList<>();
        try {
            for (String part : value.split(",")) {
                seeds.add(Integer.parseInt(part.trim()));
            }
        } catch (NumberFormatException e) {
            throw new UsageError("--seeds takes a count or the list 1,2,...,N, got '" + value + "'");
        }
        if (seeds.size() == 1) {
            UsageError.check(seeds.get(0) >= 1, "--seeds must be at least 1, got " + value);
            return seeds.get(0);
        }
        UsageError.check(seeds.equals(java.util.stream.IntStream.rangeClosed(1, seeds.size()).boxed().toList()),
                "--seeds: a comparison runs seeds 1 to N, so that two comparisons draw the same labelled examples; "
                        + "give N, or the list 1,2,...,N, got '" + value + "'");
        return seeds.size();
    }

    private int compare(java.io.PrintWriter stdout, java.io.PrintWriter stderr, ModelFile baseFile, Comparison.Plan plan, ComparisonJournal journal) {
        stderr.println("Transfer learning vs. from scratch: the same model, with and without the pretrained weights.");
        if (resume) {
            stderr.printf("Resuming: %d runs already in %s are kept.%n", journal.runsDone(), out.resolve(ComparisonJournal.FILE));
        }
        ComparisonProgress progress = new ComparisonProgress(stderr, "compare", "runs", true);
        Thread interrupted = ShutdownHooks.add(() -> {
            stderr.printf("%nInterrupted: %d of %d runs are kept in %s; rerun the same command with --resume to continue.%n",
                    journal.runsDone(), progress.total(), out.resolve(ComparisonJournal.FILE));
            stderr.flush();
        });
        List<Comparison.Run> runs;
        try {
            runs = new Comparison(baseFile, base, plan).run(progress, journal);
        } finally {
            ShutdownHooks.remove(interrupted);
        }
        progress.finish();
        String run = String.format(java.util.Locale.ROOT, "The comparison grid: %d seed%s per cell, at least %d examples seen per neural run.",
                plan.seeds(), plan.seeds() == 1 ? "" : "s", plan.minExamplesSeen());
        Report.Context ctx = Report.Context.of(base, baseFile, plan, run);
        List<String> charts = Report.write(out, ctx, runs);
        stdout.print(Report.summaryText(runs, ctx));
        stdout.printf("Wrote %s: report.md, results.json, results.csv and %d charts (PNG and SVG).%n", out, charts.size());
        return 0;
    }
}
