package tinyfm.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tinyfm.base.Bases;
import tinyfm.base.ModelFile;
import tinyfm.data.Task;
import tinyfm.finetuning.Classifier;
import tinyfm.finetuning.FineTuneConfig;
import tinyfm.finetuning.LearningRateFinder;
import tinyfm.finetuning.Recipe;
import tinyfm.report.Charts;
import tinyfm.util.AtomicFiles;
import tinyfm.util.UsageError;

@Command(name = "lr-find", sortOptions = false, description = {
        "Find a fine-tuning learning rate: the learning-rate range test (ULMFiT's LR finder).",
        "A throwaway copy of the base is fine-tuned for a few dozen steps while the head's learning rate grows "
                + "exponentially; the loss falls, then blows up. The suggestion is a tenth of the rate where the smoothed loss was lowest. "
                + "Writes the curve (lr-find-<task>.csv) and its chart into --out."})
final class LrFindCommand implements Callable<Integer> {
    @Option(names = "--base", required = true, description = "The pretrained base.")
    Path base;

    @Option(names = "--task", required = true, description = "A bundled task (topic, sentiment, spam) or a task folder.")
    String task;

    @Option(names = "--labels", paramLabel = "N|all", defaultValue = "100", description = "Labelled examples to train on. Default: ${DEFAULT-VALUE}.")
    String labelsOption;

    @Option(names = "--recipe", defaultValue = "plain", description = "How the body's rates follow the head's: plain (a quarter of it) "
            + "or discriminative (top block at the head's rate, each lower one /2.6). Default: ${DEFAULT-VALUE}.")
    String recipe;

    @Option(names = "--from", defaultValue = "1e-6", description = "The first learning rate. Default: ${DEFAULT-VALUE}.")
    double from;

    @Option(names = "--to", defaultValue = "1", description = "The last learning rate. Default: ${DEFAULT-VALUE}.")
    double to;

    @Option(names = "--steps", defaultValue = "100", description = "Steps from the first rate to the last (fewer if the loss blows up). Default: ${DEFAULT-VALUE}.")
    int steps;

    @Option(names = "--seed", defaultValue = Main.DEFAULT_SEED, description = "Random seed (which examples, batch order). Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--out", defaultValue = "results", description = "Output folder (created if missing). Default: ${DEFAULT-VALUE}.")
    Path out;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        UsageError.check(from > 0 && to > from, "--from and --to must satisfy 0 < from < to, got " + from + " and " + to);
        UsageError.check(steps >= 2, "--steps must be at least 2, got " + steps);
        Recipe r = Recipe.parse(recipe);
        UsageError.check(!r.gradualUnfreezing() && r.schedule() == Recipe.Schedule.LINEAR_DECAY,
                "--recipe takes plain or discriminative here: the range test sets its own schedule and trains every block");
        int labels = OptionValues.labelBudget(labelsOption).count();
        ModelFile baseFile = ModelFile.load(base, ModelFile.Kind.BASE, "--base needs a pretrained base from 'tinyfm pretrain'");
        Task t = Task.load(task);
        Outputs.ensureFolder(out);
        FineTuneConfig config = FineTuneConfig.of(FineTuneConfig.Mode.FULL, 1, FineTuneConfig.DEFAULT_HEAD_LR, labels, seed).with(r);
        Classifier classifier = new Classifier(Bases.languageModel(baseFile, base), t.labels().size());
        classifier.head().initialize(seed);
        spec.commandLine().getErr().printf("Range test on %s (%s labels, recipe %s): the head's rate from %.0e to %.0e over %d steps...%n",
                t.name(), labelsOption, r.id(), from, to, steps);
        LearningRateFinder.Result result = LearningRateFinder.run(classifier, baseFile.tokenizer(), t, config, from, to, steps);

        StringBuilder csv = new StringBuilder("step,learning_rate,loss,smoothed_loss\n");
        for (int i = 0; i < result.points().size(); i++) {
            LearningRateFinder.Point p = result.points().get(i);
            csv.append(String.format(Locale.ROOT, "%d,%.6e,%.6f,%.6f%n", i, p.learningRate(), p.loss(), p.smoothedLoss()));
        }
        Path csvFile = out.resolve("lr-find-" + t.name() + ".csv");
        AtomicFiles.writeString(csvFile, csv.toString());
        Charts.save(Charts.learningRateRange(result, t.name(), t.labels().size()), out, "lr-find-" + t.name());

        var o = spec.commandLine().getOut();
        o.printf(Locale.ROOT, "%d steps%s; the smoothed loss was lowest at a head rate of %.2e.%n", result.points().size(),
                result.diverged() ? " (stopped: the loss blew up)" : "", result.lowestAt());
        o.printf(Locale.ROOT, "Suggested: --lr %.1e (a tenth of that; the default is %s).%n", result.suggested(), FineTuneConfig.DEFAULT_HEAD_LR);
        if (!result.caveat().isEmpty()) {
            o.println("Caution: " + result.caveat() + ".");
        }
        o.println("Wrote " + csvFile + " and " + out.resolve("lr-find-" + t.name() + ".png") + ".");
        return 0;
    }
}
