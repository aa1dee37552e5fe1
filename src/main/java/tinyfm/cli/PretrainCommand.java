package tinyfm.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tinyfm.data.Corpus;
import tinyfm.model.GptConfig;
import tinyfm.pretraining.Pretrainer;
import tinyfm.pretraining.TokenData;
import tinyfm.pretraining.ReadingProbes;
import tinyfm.pretraining.TrainingConfig;
import tinyfm.tokenizer.Tokenizer;
import tinyfm.tokenizer.Tokenizers;
import tinyfm.util.Home;
import tinyfm.util.OutputLock;
import tinyfm.util.UsageError;
import tinyfm.util.UserError;

@Command(name = "pretrain", sortOptions = false, description = {
        "Pretrain a GPT on unlabelled text by next-token prediction, and save it as a base.",
        "Pretraining is self-supervised: the text is its own label. Ctrl-C saves a checkpoint; --resume continues it exactly."})
final class PretrainCommand implements Callable<Integer> {
    @Option(names = "--corpus", defaultValue = Corpus.DEFAULT, description = "Bundled corpus name or a path (.txt, .txt.gz or a folder). Default: ${DEFAULT-VALUE}.")
    String corpus;

    @Option(names = "--preset", defaultValue = "small", description = "Model size and training defaults: tiny, small, base, nanogpt. Default: ${DEFAULT-VALUE}.")
    String preset;

    @Option(names = "--out", description = "Where to save the base. Default: bases/PRESET.tfm, PRESET being the --preset. Checkpoints go beside it, with .ckpt added to its name.")
    Path out;

    @Option(names = "--steps", description = "Training steps (the length of the learning-rate schedule). Default: the preset's.")
    Integer steps;

    @Option(names = "--minutes", description = "Stop cleanly after this many minutes and save what was learned. Default: no time limit.")
    Double minutes;

    @Option(names = "--seed", defaultValue = Main.DEFAULT_SEED, description = "Random seed; the same seed gives the same model. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--resume", description = "Continue from <out>.ckpt with the same options.")
    boolean resume;

    @Option(names = "--force", description = "Overwrite an existing base at --out.")
    boolean force;

    @Option(names = "--tokenizer", description = "Use this tokenizer (a JSON file, or the one a base holds) instead of training one on the corpus.")
    Path tokenizerFile;

    @Option(names = "--tokenizer-kind", defaultValue = "bpe", description = "bpe or char, when the tokenizer is trained here. Default: ${DEFAULT-VALUE}.")
    String tokenizerKind;

    @CommandLine.Mixin
    ProbeOptions probe = new ProbeOptions();

    @Option(names = "--weight-decay", paramLabel = "DECAY", defaultValue = "" + TrainingConfig.DEFAULT_WEIGHT_DECAY,
            description = "AdamW's decoupled weight decay. Default: ${DEFAULT-VALUE}.")
    double weightDecay;

    @Option(names = "--warmup-steps", paramLabel = "STEPS", description = "Steps of linear learning-rate warm-up. Default: steps/10, at most 100.")
    Integer warmupSteps;

    @Option(names = "--min-lr", paramLabel = "LR", description = "The learning rate the cosine decay ends at. Default: the peak rate/10.")
    Double minLr;

    @Option(names = "--clip", paramLabel = "NORM", defaultValue = "" + TrainingConfig.DEFAULT_GRAD_CLIP,
            description = "Clip the gradient's global norm to this. Default: ${DEFAULT-VALUE}.")
    double clip;

    @CommandLine.ArgGroup(exclusive = false, heading = "%nOverrides of the preset:%n")
    Overrides overrides = new Overrides();

    static final class Overrides {
        @Option(names = "--vocab", description = "BPE vocabulary size. Default: the preset\'s.") Integer vocab;
        @Option(names = "--context", description = "Context length in tokens. Default: the preset\'s.") Integer context;
        @Option(names = "--layers", description = "Transformer blocks. Default: the preset\'s.") Integer layers;
        @Option(names = "--heads", description = "Attention heads. Default: the preset\'s.") Integer heads;
        @Option(names = "--embed", description = "Embedding width. Default: the preset\'s.") Integer embed;
        @Option(names = "--dropout", description = "Dropout probability. Default: the preset\'s.") Double dropout;
        @Option(names = "--batch", description = "Windows per step. Default: the preset\'s.") Integer batch;
        @Option(names = "--lr", description = "Peak learning rate. Default: the preset\'s.") Double lr;
        @Option(names = "--eval-every", description = "Validate (and show a sample) every N steps. Default: steps/8, at most 250.") Integer evalEvery;
        @Option(names = "--checkpoint-every", description = "Write a checkpoint every N steps. Default: steps/4, at most 250.") Integer checkpointEvery;
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        GptConfig.Preset p = GptConfig.preset(preset);
        Path base = out != null ? out : Path.of("bases", p.name() + ".tfm");
        Path checkpoint = Path.of(base + ".ckpt");
        Path dir = base.toAbsolutePath().getParent();
        if (out == null && !Files.isDirectory(dir)) {
            try {
                tinyfm.util.CrashPoints.createDirectories(dir);
            } catch (java.io.IOException e) {
                throw new UserError(dir + ": cannot create directory: " + e.getMessage());
            }
        }
        Outputs.ensureWritable(base, force || resume);
        return pretrain(spec.commandLine().getOut(), spec.commandLine().getErr(), p, base, checkpoint);
    }

    /**
     * The result goes to stdout; what the run is doing (intro, progress, samples, hints) to stderr.
     * Every option and input is checked before the output's lock is taken: a refused run writes nothing.
     */
    private int pretrain(PrintWriter stdout, PrintWriter stderr, GptConfig.Preset p, Path base, Path checkpoint) {
        checkOptions(p);
        if (resume && !tinyfm.base.Checkpoint.exists(checkpoint)) {
            throw new UserError(checkpoint + ": no checkpoint to resume from; run without --resume to start afresh");
        }
        ReadingProbes probes = probe.load(); // a wrong task name fails now, not after the tokenizer
        int totalSteps = steps != null ? steps : p.steps();
        Overrides v = overrides;
        TrainingConfig training = TrainingConfig.defaults(v.batch != null ? v.batch : p.batchSize(), totalSteps, v.lr != null ? v.lr : p.learningRate(), seed);
        if (v.evalEvery != null) {
            training = training.withValidation(v.evalEvery, training.evalWindows());
        }
        if (v.checkpointEvery != null) {
            training = training.withCheckpointEvery(v.checkpointEvery);
        }
        UsageError.check(minLr == null || minLr <= training.learningRate(),
                "--min-lr " + minLr + " is above the peak learning rate " + training.learningRate());
        training = training.withOptimizer(minLr != null ? minLr : training.minLearningRate(),
                warmupSteps != null ? warmupSteps : training.warmupSteps(), weightDecay, clip);
        int vocab = v.vocab != null ? v.vocab : p.vocabSize();
        // validate the architecture before reading any data
        GptConfig shape = new GptConfig(Math.max(2, vocab), v.context != null ? v.context : p.contextLength(), v.layers != null ? v.layers : p.layers(),
                v.heads != null ? v.heads : p.heads(), v.embed != null ? v.embed : p.embedDim(), v.dropout != null ? v.dropout : p.dropout());
        MemoryCheck.ensureFits(shape, training.batchSize());

        if (System.getenv("OMP_WAIT_POLICY") == null) {
            stderr.println("Tip: export OMP_WAIT_POLICY=passive (the ./tinyfm launcher does) for about 1.7x faster training.");
        }
        stderr.println("Pretraining (self-supervised): the model learns to predict the next token of unlabelled text; no labels are used.");
        Corpus c = Corpus.load(corpus);
        stderr.printf("Corpus %s: %,d documents in %d files, %.1f MB of text%n", c.name(), c.documentCount(), c.documents().size(), c.utf8Bytes() / 1e6);
        Tokenizer tokenizer;
        String sampled = null;
        if (tokenizerFile != null) {
            tokenizer = tinyfm.base.Bases.tokenizer(tokenizerFile);
        } else {
            long t0 = System.nanoTime();
            Corpus.TokenizerSample sample = c.tokenizerSample();
            if (sample.description() != null) {
                sampled = sample.description();
                stderr.println("Tokenizer: learned from a sample of the corpus, " + sampled);
            }
            Tokenizers.Cached cached = Tokenizers.trainOrReuse(tokenizerKind, sample.texts(), vocab, tokenizerCache());
            tokenizer = cached.tokenizer();
            if (cached.reused()) {
                stderr.printf("Tokenizer: reused from cache %s (a %s vocabulary of %,d tokens learned before from the same text)%n",
                        Home.dir().relativize(cached.file().toAbsolutePath()), tokenizer.kind(), tokenizer.vocabSize());
            } else {
                stderr.printf("Tokenizer: learned a %s vocabulary of %,d tokens in %.1f s%n", tokenizer.kind(), tokenizer.vocabSize(),
                        (System.nanoTime() - t0) / 1e9);
            }
        }
        GptConfig model = shape.withVocabSize(tokenizer.vocabSize());
        stderr.printf("Model: GPT with %d blocks, %d heads, width %d, context %d tokens: %,d parameters%n",
                model.layers(), model.heads(), model.embedDim(), model.contextLength(), model.parameterCount());

        PretrainProgress progress = new PretrainProgress(stderr, training.steps());
        // encoded once per corpus and tokenizer, then memory-mapped; a corpus too small for a window is refused here
        TokenData.Cached tokens = TokenData.cached(c, tokenizer, model.contextLength(), tokenCache());
        if (tokens.reused()) {
            stderr.printf("Tokens: reused from cache %s (%,d training tokens, encoded before from the same text and tokenizer)%n",
                    Home.dir().relativize(tokens.file().toAbsolutePath()), tokens.data().train().length());
        } else {
            stderr.printf(java.util.Locale.ROOT, "Tokens: encoded %,d training tokens in %.1f s (%.1f MB of text a second)%s%n", tokens.data().train().length(),
                    tokens.seconds(), (tokens.data().trainBytes() + tokens.data().validationBytes()) / 1e6 / Math.max(1e-9, tokens.seconds()),
                    tokens.file() == null ? "" : ", cached for the next run");
        }
        Pretrainer trainer = new Pretrainer(c, tokenizer, model, training, checkpoint, progress).withData(tokens.data());
        if (sampled != null) {
            trainer.withTokenizerSample(sampled);
        }
        if (probes != null) {
            trainer.withProbes(probes);
        }
        try (OutputLock lock = OutputLock.acquire(base); CleanStop stop = new CleanStop()) {
            Instant deadline = minutes == null ? null : Instant.now().plusMillis((long) (minutes * 60_000));
            Pretrainer.Result result = trainer.run(resume, deadline, stop.flag());
            progress.done();
            if (stop.requested()) {
                stderr.printf("Interrupted at step %d; checkpoint saved to %s. Continue with the same command plus --resume.%n", result.steps(), checkpoint);
                return 130;
            }
            result.base().save(base);
            // the base holds everything; a finished run needs no resume point
            tinyfm.base.Checkpoint.deleteAll(checkpoint).forEach(f -> stderr.println("Note: could not remove the checkpoint " + f));
            Pretrainer.Point last = result.curve().get(result.curve().size() - 1);
            stdout.printf("Saved the base to %s (%.1f MB).%n", base, sizeMb(base));
            stdout.printf("Steps %d%s | tokens seen %,d | train time %s | %,.0f tokens/s%n", result.steps(),
                    result.completed() ? "" : " (stopped at the deadline)",
                    (long) result.steps() * training.batchSize() * model.contextLength(),
                    ProgressLine.duration(result.trainSeconds()), result.tokensPerSecond());
            stdout.printf("Validation loss %.3f nats/token = %.3f bits per byte%n", last.validationLoss(), last.validationBitsPerByte());
            stderr.println("Next, prompt the base: ./tinyfm generate --base " + base + " --prompt \"The king\"");
            return 0;
        }
    }

    /** Every option value, checked before any work, each error naming its option (exit 2). */
    private void checkOptions(GptConfig.Preset p) {
        Overrides v = overrides;
        UsageError.check(minutes == null || minutes > 0, "--minutes must be > 0, got " + minutes);
        probe.check();
        UsageError.check(steps == null || steps >= 1, "--steps must be at least 1, got " + steps);
        UsageError.check(v.vocab == null || v.vocab >= 2, "--vocab must be at least 2, got " + v.vocab);
        UsageError.check(v.context == null || (v.context >= 2 && v.context <= MAX_CONTEXT),
                "--context must be between 2 and " + MAX_CONTEXT + " tokens, got " + v.context);
        UsageError.check(v.layers == null || v.layers >= 1, "--layers must be at least 1, got " + v.layers);
        UsageError.check(v.heads == null || v.heads >= 1, "--heads must be at least 1, got " + v.heads);
        int embed = v.embed != null ? v.embed : p.embedDim(), heads = v.heads != null ? v.heads : p.heads();
        UsageError.check(v.embed == null || v.embed >= 1, "--embed must be at least 1, got " + v.embed);
        UsageError.check(embed % heads == 0, (v.heads != null ? "--heads " + heads : "the preset's " + heads + " heads")
                + " must divide the embedding width " + embed + (v.embed != null ? " (--embed)" : ""));
        UsageError.check(v.dropout == null || (v.dropout >= 0 && v.dropout < 1), "--dropout must be in [0, 1), got " + v.dropout);
        UsageError.check(v.batch == null || v.batch >= 1, "--batch must be at least 1, got " + v.batch);
        UsageError.check(v.lr == null || (v.lr > 0 && v.lr < 1), "--lr must be in (0, 1), got " + v.lr);
        UsageError.check(v.evalEvery == null || v.evalEvery >= 1, "--eval-every must be at least 1, got " + v.evalEvery);
        UsageError.check(v.checkpointEvery == null || v.checkpointEvery >= 1, "--checkpoint-every must be at least 1, got " + v.checkpointEvery);
        UsageError.check(weightDecay >= 0 && weightDecay < 1, "--weight-decay must be in [0, 1), got " + weightDecay);
        UsageError.check(warmupSteps == null || warmupSteps >= 0, "--warmup-steps must be 0 or more, got " + warmupSteps);
        UsageError.check(minLr == null || minLr >= 0, "--min-lr must be 0 or more, got " + minLr);
        UsageError.check(clip > 0, "--clip must be > 0, got " + clip);
    }

    /** Where tokenizers trained here are kept for reuse, by the training text's sha256, kind and vocabulary size. */
    static Path tokenizerCache() {
        return Home.dir().resolve("bases").resolve(".tokenizers");
    }

    /** Corpora encoded by a tokenizer, two bytes a token, beside the tokenizers. */
    static Path tokenCache() {
        return Home.dir().resolve("bases").resolve(".tokens");
    }

    /** A longer window than this is far beyond what 2 cores can train; the memory check would refuse it anyway. */
    static final int MAX_CONTEXT = 8192;

    private static double sizeMb(Path p) {
        try {
            return Files.size(p) / 1e6;
        } catch (java.io.IOException e) {
            return 0;
        }
    }

}
