package tinyfm.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tinyfm.base.ModelFile;
import tinyfm.data.Corpus;
import tinyfm.data.Example;
import tinyfm.data.Task;
import tinyfm.pretraining.Pretrainer;
import tinyfm.pretraining.ReadingProbes;
import tinyfm.pretraining.TrainingConfig;
import tinyfm.util.OutputLock;
import tinyfm.util.UsageError;

@Command(name = "adapt", sortOptions = false, description = {
        "Continue pretraining a base on new unlabelled text, and save the adapted base.",
        "Still self-supervised: with --task, the task's training texts are read and their labels ignored (task-adaptive pretraining); with --corpus, any text (domain-adaptive pretraining). The new base's provenance names its parent by sha256."})
final class AdaptCommand implements Callable<Integer> {
    @Option(names = "--base", required = true, description = "The parent base, from 'tinyfm pretrain' or an earlier 'adapt'.")
    Path base;

    @ArgGroup(multiplicity = "1")
    Text text;

    static final class Text {
        @Option(names = "--task", description = "A task (bundled name or folder): its training texts, without their labels.")
        String task;

        @Option(names = "--corpus", description = "A corpus (bundled name or a .txt/.txt.gz file or folder).")
        String corpus;
    }

    @Option(names = "--out", required = true, description = "Where to save the adapted base.")
    Path out;

    @Option(names = "--steps", defaultValue = "300", description = "Training steps. Default: ${DEFAULT-VALUE}.")
    int steps;

    @Option(names = "--lr", defaultValue = "5e-4", description = "Peak learning rate (lower than pretraining's, so the base is adjusted, not overwritten). Default: ${DEFAULT-VALUE}.")
    double lr;

    @Option(names = "--batch", defaultValue = "16", description = "Windows per step. Default: ${DEFAULT-VALUE}.")
    int batch;

    @Option(names = "--seed", defaultValue = Main.DEFAULT_SEED, description = "Random seed. Default: ${DEFAULT-VALUE}.")
    long seed;

    @CommandLine.Mixin
    ProbeOptions probe = new ProbeOptions();

    @Option(names = "--force", description = "Overwrite an existing file at --out.")
    boolean force;

    @Option(names = "--resume", description = "Continue from <out>.ckpt with the same options (checkpoints are written as it runs; Ctrl-C writes one).")
    boolean resume;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        UsageError.check(steps >= 1, "--steps must be at least 1, got " + steps);
        UsageError.check(lr > 0 && lr < 1, "--lr must be in (0, 1), got " + lr);
        UsageError.check(batch >= 1, "--batch must be at least 1, got " + batch);
        probe.check();
        Outputs.ensureWritable(out, force || resume);
        Path checkpoint = Path.of(out + ".ckpt");
        if (resume && !tinyfm.base.Checkpoint.exists(checkpoint)) {
            throw new tinyfm.util.UserError(checkpoint + ": no checkpoint to resume from; run without --resume to start afresh");
        }
        try (OutputLock lock = OutputLock.acquire(out)) {
            return adapt(spec.commandLine().getOut(), spec.commandLine().getErr());
        }
    }

    /** The result goes to stdout; the intro, progress and hint to stderr. */
    private int adapt(PrintWriter stdout, PrintWriter stderr) {
        ModelFile parent = ModelFile.load(base, ModelFile.Kind.BASE, "--base needs a pretrained base from 'tinyfm pretrain' or 'tinyfm adapt'");
        ReadingProbes probes = probe.load(); // a wrong task name fails now, not after the tokens are encoded
        Corpus corpus = text.task != null ? taskTexts(Task.load(text.task)) : Corpus.load(text.corpus);
        stderr.println("Adapting (continued self-supervised pretraining): the base keeps learning to predict the next token, now of this text.");
        stderr.printf("Parent %s; text %s: %.2f MB%n", base, corpus.name(), corpus.utf8Bytes() / 1e6);
        TrainingConfig training = TrainingConfig.defaults(batch, steps, lr, seed);
        PretrainProgress progress = new PretrainProgress(stderr, steps);
        Path checkpoint = Path.of(out + ".ckpt");
        Pretrainer.Result result;
        try (CleanStop stop = new CleanStop()) {
            Pretrainer pretrainer = new Pretrainer(corpus, parent.tokenizer(), parent.config(), training, checkpoint, progress)
                    .continueFrom(parent, tinyfm.util.Sha256.ofFile(base));
            if (probes != null) {
                pretrainer.withProbes(probes);
            }
            result = pretrainer.run(resume, null, stop.flag());
            progress.done();
            if (stop.requested()) {
                stderr.printf("Interrupted at step %d; checkpoint saved to %s. Continue with the same command plus --resume.%n", result.steps(), checkpoint);
                return 130;
            }
        }
        result.base().save(out);
        // the adapted base holds everything
        tinyfm.base.Checkpoint.deleteAll(checkpoint).forEach(f -> stderr.println("Note: could not remove the checkpoint " + f));
        Pretrainer.Point first = result.curve().get(0), last = result.curve().get(result.curve().size() - 1);
        stdout.printf("Saved the adapted base to %s.%nValidation on the new text: %.3f bits per byte before adapting, %.3f after %d steps.%n",
                out, first.validationBitsPerByte(), last.validationBitsPerByte(), result.steps());
        stderr.println("Fine-tune it like any base: ./tinyfm finetune --base " + out + " --task ...");
        return 0;
    }

    private static Corpus taskTexts(Task task) {
        return Corpus.ofTexts("task " + task.name() + " (training texts, labels unused)", task.train().stream().map(Example::text).toList());
    }
}
