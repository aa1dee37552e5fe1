package tinyfm.cli;

import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tinyfm.base.ModelFile;
import tinyfm.base.Provenance;
import tinyfm.comparison.LabelBudget;
import tinyfm.data.Task;
import tinyfm.finetuning.Classifier;
import tinyfm.finetuning.FineTuneConfig;
import tinyfm.finetuning.FineTunedModel;
import tinyfm.finetuning.FineTuner;
import tinyfm.finetuning.Metrics;
import tinyfm.util.Json;
import tinyfm.util.Sha256;
import tinyfm.util.OutputLock;
import tinyfm.util.UserError;

@Command(name = "finetune", sortOptions = false, description = {
        "Adapt a pretrained base to a labelled task (transfer learning).",
        "A new classification head replaces the language-model head, and the model trains on the task's examples. With --from-scratch, the identical model starts from random weights instead, for comparison."})
final class FinetuneCommand implements Callable<Integer> {
    @Option(names = "--base", required = true, description = "The base file (also gives the tokenizer and architecture for --from-scratch).")
    Path base;

    @Option(names = "--task", required = true, description = "A bundled task (topic, sentiment, spam) or a task folder with train/val/test.jsonl.")
    String task;

    @Option(names = "--out", required = true, description = "Where to save the fine-tuned model.")
    Path out;

    @Option(names = "--mode", defaultValue = "full", description = "full (all weights; body at a quarter of the head's rate), head (body frozen: a linear probe), unfreeze (top block first). Default: ${DEFAULT-VALUE}.")
    String mode;

    @Option(names = "--epochs", defaultValue = "" + FineTuneConfig.DEFAULT_EPOCHS, description = "Passes over the training examples; the best epoch by validation accuracy is kept. Default: ${DEFAULT-VALUE}.")
    int epochs;

    @Option(names = "--lr", defaultValue = "" + FineTuneConfig.DEFAULT_HEAD_LR, description = "Learning rate of the head. Default: ${DEFAULT-VALUE}.")
    double lr;

    @Option(names = "--recipe", defaultValue = "plain", description = "How the body's rates are set: plain, ulmfit, or some of discriminative "
            + "(top block at the head's rate, each lower block /2.6), slanted (slanted triangular schedule), unfreeze (gradual unfreezing, "
            + "as --mode unfreeze). Default: ${DEFAULT-VALUE}.")
    String recipe;

    @Option(names = "--batch", defaultValue = "" + FineTuneConfig.DEFAULT_BATCH, description = "Texts per step. Default: ${DEFAULT-VALUE}.")
    int batch;

    @Option(names = "--max-length", paramLabel = "TOKENS", description = "Tokens read per text, the end-of-text token included; "
            + "a longer text keeps its beginning. At most the base's context. Default: the base's context.")
    Integer maxLength;

    @Option(names = "--weight-decay", paramLabel = "DECAY", defaultValue = "" + FineTuneConfig.DEFAULT_WEIGHT_DECAY,
            description = "AdamW's decoupled weight decay. Default: ${DEFAULT-VALUE}.")
    double weightDecay;

    @Option(names = "--warmup-fraction", paramLabel = "FRACTION", defaultValue = "" + FineTuneConfig.DEFAULT_WARMUP_FRACTION, description = "The fraction of the run's "
            + "steps over which the learning rate rises linearly to its peak, before it decays linearly to zero. Default: ${DEFAULT-VALUE}.")
    double warmupFraction;

    @Option(names = "--labels", paramLabel = "N|all", defaultValue = "all", description = "Train on a stratified subset of N labelled examples, or all of them. Default: ${DEFAULT-VALUE}.")
    String labelsOption;

    @Option(names = "--seed", defaultValue = Main.DEFAULT_SEED, description = "Random seed. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--readout", defaultValue = "pooled", description = "What the head reads: pooled (mean, maximum and last hidden state) or last (the end-of-text state). Default: ${DEFAULT-VALUE}.")
    String readout;

    @Option(names = "--from-scratch", description = "Train the identical architecture from random weights, with the base's tokenizer.")
    boolean fromScratch;

    @Option(names = "--force", description = "Overwrite --out if it exists.")
    boolean force;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        FineTuneConfig.Mode m;
        try {
            m = FineTuneConfig.Mode.valueOf(mode.toUpperCase());
        } catch (IllegalArgumentException e) {
            throw new tinyfm.util.UsageError("--mode must be full, head or unfreeze, got '" + mode + "'");
        }
        int labels = OptionValues.labelBudget(labelsOption).count();
        FineTuneConfig config = FineTuneConfig.of(m, epochs, OptionValues.learningRate(lr), labels, seed)
                .with(batch, weightDecay, warmupFraction, maxLength != null ? maxLength : FineTuneConfig.WHOLE_CONTEXT)
                .with(tinyfm.finetuning.Recipe.parse(recipe));
        Outputs.ensureWritable(out, force);
        return finetune(spec.commandLine().getOut(), spec.commandLine().getErr(), m, config);
    }

    /** The result goes to stdout; the intro, each epoch's progress and the hint to stderr. */
    private int finetune(java.io.PrintWriter stdout, java.io.PrintWriter stderr, FineTuneConfig.Mode m, FineTuneConfig config) {
        ModelFile baseFile = ModelFile.load(base, ModelFile.Kind.BASE, "--base needs a pretrained base from 'tinyfm pretrain'");
        Task t = Task.load(task);
        int context = baseFile.config().contextLength();
        tinyfm.util.UsageError.check(maxLength == null || maxLength <= context,
                "--max-length " + maxLength + " is longer than the base's context of " + context + " tokens");
        config = config.with(config.batchSize(), config.weightDecay(), config.warmupFraction(), Math.min(config.maxTokens(), context));
        int labels = config.labelBudget();
        tinyfm.util.UsageError.check(labels == LabelBudget.ALL.count() || labels >= t.labels().size(), "--labels " + labels + " is fewer than the task's "
                + t.labels().size() + " labels: every label needs at least one example");
        try (OutputLock lock = OutputLock.acquire(out)) { // after every check: a refused run writes nothing
            return train(stdout, stderr, m, config, baseFile, t);
        }
    }

    private int train(java.io.PrintWriter stdout, java.io.PrintWriter stderr, FineTuneConfig.Mode m, FineTuneConfig config, ModelFile baseFile, Task t) {
        if (fromScratch) {
            stderr.println("From scratch: the same architecture and tokenizer as the base, but random weights; nothing is transferred.");
        } else {
            stderr.println("Fine-tuning (transfer learning): the base's weights are the starting point; a new head learns the labels " + t.labels() + ".");
        }
        FineTuner.Trained trained = FineTuner.fineTune(baseFile, base, t, config, OptionValues.readout(readout),
                fromScratch ? FineTuner.Start.RANDOM_WEIGHTS : FineTuner.Start.PRETRAINED_BASE, line -> stderr.println("  " + line));
        Classifier classifier = trained.classifier();
        FineTuner.Result r = trained.result();
        Metrics test = trained.test();

        JsonObject p = new JsonObject();
        p.addProperty("base", base.toString());
        p.addProperty("base_sha256", Sha256.ofFile(base));
        p.addProperty("from_scratch", fromScratch);
        p.addProperty("task", t.name());
        p.addProperty("mode", m.name().toLowerCase());
        p.addProperty("recipe", config.recipe().id());
        p.addProperty("train_examples", r.trainExamples());
        p.addProperty("best_epoch", r.bestEpoch());
        p.addProperty("validation_accuracy", r.validation().accuracy());
        p.addProperty("test_accuracy", test.accuracy());
        p.addProperty("test_macro_f1", test.macroF1());
        p.addProperty("train_seconds", r.trainSeconds());
        p.addProperty("readout", classifier.readout().name().toLowerCase(java.util.Locale.ROOT));
        p.addProperty("truncation", "first " + (classifier.maxTokens() - 1) + " tokens of each text, then <|endoftext|>");
        p.add("finetune", Json.GSON.toJsonTree(config));
        p.add("curve", Json.GSON.toJsonTree(r.curve()));
        p.add("base_provenance", baseFile.provenance());
        p.add("machine", Provenance.machine());
        new FineTunedModel(classifier, baseFile.tokenizer(), t.labels(), p).save(out);
        stdout.printf("Best at epoch %.2f: validation accuracy %.1f%%; test accuracy %.1f%%, macro-F1 %.3f; %s of training (%d examples)%n",
                r.bestEpoch(), 100 * r.validation().accuracy(), 100 * test.accuracy(), test.macroF1(),
                ProgressLine.duration(r.trainSeconds()), r.trainExamples());
        stdout.println("Saved to " + out + ".");
        stderr.println("Try: ./tinyfm classify --model " + out + " --text \"...\"");
        return 0;
    }
}
