package tinyfm.cli;

import com.google.gson.JsonObject;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tinyfm.base.Bases;
import tinyfm.base.ModelFile;
import tinyfm.comparison.Comparison;
import tinyfm.comparison.Comparison.Method;
import tinyfm.data.Corpus;
import tinyfm.data.Task;
import tinyfm.finetuning.Classifier;
import tinyfm.generation.Generator;
import tinyfm.generation.Sampling;
import tinyfm.model.GptConfig;
import tinyfm.pretraining.Pretrainer;
import tinyfm.pretraining.TrainingConfig;
import tinyfm.report.Report;
import tinyfm.report.Summary;
import tinyfm.tokenizer.Tokenizer;
import tinyfm.util.Home;
import tinyfm.util.UserError;

@Command(name = "demo", sortOptions = false, description = {
        "Run the whole lesson in one command.",
        "Tokens, " + DemoCommand.LIVE_PRETRAIN_SECONDS + " seconds of live pretraining, the saved base, prompting, then transfer on two tasks: the base fine-tuned on a few labelled examples against the same model trained from scratch, with confidence intervals, and what the base buys in time."})
final class DemoCommand implements Callable<Integer> {
    /** The demo's budgets, named: the full story and the quick first look. */
    record Budget(String name, int pretrainSeconds, List<Integer> labels, int seeds, int examplesSeen) {}

    /**
     * With the default base: about 4 minutes from a fresh clone on a 2-core AVX-512 EPYC, about 8
     * minutes estimated on a 2-core laptop without AVX-512, where training runs at about half the
     * speed (docs/results/demo/README.md). The label budgets from 16 to all are the grid's job.
     */
    static final int LIVE_PRETRAIN_SECONDS = 30;
    static final Budget FULL = new Budget("demo", LIVE_PRETRAIN_SECONDS, List.of(100), 3, 320);
    static final Budget QUICK = new Budget("demo-quick", 20, List.of(32), 2, 320);
    /** The tasks the demo shows transfer on, in order (datasets/README.md has their datasheets). */
    static final List<String> TASKS = List.of("topic", "sentiment");
    static final java.util.Map<String, String> QUESTIONS = java.util.Map.of(
            "topic", "which kind of writing is a passage from",
            "sentiment", "is a one-sentence review positive or negative");
    /** Validations per run: the resolution of the learning curves and of the time to accuracy. */
    static final int VALIDATIONS = 6;
    static final List<Method> FEW_LABEL_METHODS = List.of(Method.PRETRAINED_FULL, Method.SCRATCH, Method.PROBE, Method.BAG_OF_WORDS);

    @Option(names = "--quick", description = "A first look: 20 s of live pretraining, 32 labels, 2 seeds.")
    boolean quick;

    @Option(names = "--base", description = "Fine-tune this base instead of the default one (" + Bases.DEFAULT + ").")
    Path baseOption;

    @Option(names = "--seed", defaultValue = Main.DEFAULT_SEED, description = "Random seed. Default: ${DEFAULT-VALUE}.")
    long seed;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The demo's story and its results (stdout), and its progress bars and live samples (stderr). */
    private PrintWriter o, progressOut;

    private void step(int n, String text) {
        o.printf("%n%d. %s%n", n, text);
        o.flush();
    }

    @Override
    public Integer call() throws Exception {
        o = spec.commandLine().getOut();
        progressOut = spec.commandLine().getErr();
        long start = System.nanoTime();
        Budget budget = quick ? QUICK : FULL;
        Path basePath = baseOption != null ? baseOption : Bases.defaultBase();
        if (!Files.exists(basePath)) {
            throw new UserError(basePath + ": base not found" + (baseOption == null ? "; datasets/README.md gives the command that rebuilds it" : ""));
        }
        ModelFile base = ModelFile.load(basePath, ModelFile.Kind.BASE, "--base needs a pretrained base from 'tinyfm pretrain'");
        Path results = Home.dir().resolve("results").resolve(budget.name());
        Files.createDirectories(results);
        o.println("tinyfm demo: a foundation model in miniature. One model is trained broadly once, without labels,");
        o.println("saved as a reusable base, then adapted cheaply to a task, and compared with training from scratch.");

        Tokenizer tokenizer = base.tokenizer();
        String example = "The movie was wonderful.";
        step(1, "Tokens: a language model reads token ids, not letters. The base's byte-level BPE vocabulary");
        o.printf("   (%,d tokens, learned from the corpus) splits \"%s\" into %s%n", tokenizer.vocabSize(), example, pieces(tokenizer, example));

        Corpus corpus = Corpus.load(Corpus.DEFAULT);
        step(2, String.format(Locale.ROOT, "Pretraining (self-supervised), live for %d s: a fresh GPT learns to predict the next token of %.1f MB",
                budget.pretrainSeconds(), corpus.utf8Bytes() / 1e6));
        o.println("   of unlabelled text (books, movie reviews, American English of 1961, e-mail). The text is its own label.");
        o.println("   Watch the loss fall. In the samples, \" / \" marks a line break and <|endoftext|> the end of a document.");
        livePretraining(corpus, tokenizer, budget, base.config());

        step(3, "The foundation model: one file holds the weights, the tokenizer, the config and the provenance.");
        JsonObject p = base.provenance();
        o.printf(Locale.ROOT, "   %s: %,d parameters, pretrained for %s (%,d steps, %,d tokens seen) on '%s',%n", basePath,
                base.config().parameterCount(), ProgressLine.duration(p.get("train_seconds").getAsDouble()), p.get("steps").getAsInt(),
                p.get("tokens_seen").getAsLong(), p.get("corpus").getAsString());
        o.printf(Locale.ROOT, "   validation %.2f bits per byte. 'tinyfm inspect %s' shows everything it records.%n",
                p.get("final_validation_bits_per_byte").getAsDouble(), basePath);

        step(4, "Prompting (generative AI): the base continues a prompt, one sampled token at a time.");
        String prompt = "The movie was";
        String text = new Generator(Bases.languageModel(base, basePath), tokenizer).generate(prompt, 40, new Sampling(0.8, 40, seed), s -> {});
        o.println("   " + PretrainCommand.oneLine(prompt + text));

        step(5, "Transfer learning with few labels, on two tasks the base never saw labelled:");
        for (String name : TASKS) {
            Task task = Task.load(name);
            o.printf(Locale.ROOT, "   '%s': %s (%s).%n", name, QUESTIONS.get(name), String.join(", ", task.labels()));
        }
        o.printf("   Each model sees only %s labelled training examples, drawn %d times (seeds); every model sees the same draw.%n",
                budget.labels().stream().map(String::valueOf).reduce((a, b) -> a + " or " + b).orElseThrow(), budget.seeds());
        o.println("   Fine-tuned: the base plus a new head, all weights trained. From scratch: the identical model from random weights.");
        o.println("   Linear probe: a logistic regression on the frozen base's features. Bag-of-words: word counts, no pretraining.");
        Comparison.Plan plan = new Comparison.Plan(TASKS, budget.labels(), budget.seeds(), 3, budget.examplesSeen(),
                Double.MAX_VALUE, VALIDATIONS, FEW_LABEL_METHODS, Classifier.DEFAULT_READOUT);
        List<Comparison.Run> runs = compare(base, basePath, plan);
        Report.Context ctx = Report.Context.of(basePath, base, plan, String.format(Locale.ROOT,
                "The demo's small run: %d seeds, at least %d examples seen per neural run. The reference figures are the 5-seed grid's (README, Results).",
                budget.seeds(), budget.examplesSeen()));
        o.println();
        o.println("   " + ctx.run());
        o.print(indent(Report.mainTable(runs)));
        o.println();
        Summary.transferFindings(runs).forEach(line -> o.println("   " + line));
        String labels = Summary.largestLabels(runs);
        o.println();
        o.printf("   What the frozen base already knows, with %s labels (the linear probe, test accuracy):%n", labels);
        for (String name : TASKS) {
            o.println("   " + probeEvidence(Summary.cells(runs), name, labels, ctx.chance().get(name)));
        }

        step(6, String.format(Locale.ROOT, "What the base buys in time, with %s labels (validation accuracy, read from each run's %d checkpoints):",
                labels, VALIDATIONS));
        o.print(indent(tinyfm.report.TimeReport.markdown(runs, ctx.chance(), ctx.pretrainSeconds(), labels)));

        step(7, "The report and charts:");
        List<String> charts = Report.write(results, ctx, runs);
        o.printf("   %s%n", results.resolve("report.md"));
        charts.forEach(c -> o.printf("   %s%n", results.resolve(c + ".png")));
        o.printf("%nDone in %s.%n", ProgressLine.duration((System.nanoTime() - start) / 1e9));
        progressOut.printf("Next: ./tinyfm compare --base %s for the full grid (every task, 16 to all labels, 5 seeds).%n", basePath);
        return 0;
    }

    private void livePretraining(Corpus corpus, Tokenizer tokenizer, Budget budget, GptConfig baseConfig) {
        GptConfig config = GptConfig.SMALL.config(tokenizer.vocabSize());
        // the schedule is planned for more steps than the deadline allows: the live run shows the start of pretraining
        int plannedSteps = 2000;
        TrainingConfig training = TrainingConfig.forPreset(GptConfig.SMALL, plannedSteps, seed).withValidation(50, 16);
        Instant deadline = Instant.now().plusSeconds(budget.pretrainSeconds());
        PretrainCommand.PretrainProgress progress = new PretrainCommand.PretrainProgress(progressOut, plannedSteps, deadline.toEpochMilli());
        Pretrainer.Result r = new Pretrainer(corpus, tokenizer, config, training, null, progress).run(false, deadline, new AtomicBoolean());
        progress.done();
        Pretrainer.Point first = r.curve().get(0), last = r.curve().get(r.curve().size() - 1);
        o.printf(Locale.ROOT, "   In %s it took %d steps and saw %,d tokens: validation %.2f → %.2f bits per byte.%n",
                ProgressLine.duration(r.trainSeconds()), r.steps(), (long) r.steps() * training.batchSize() * config.contextLength(),
                first.validationBitsPerByte(), last.validationBitsPerByte());
        if (baseConfig.parameterCount() == config.parameterCount()) {
            o.println("   A lesson cannot wait for more, so the rest of the demo uses the same model, pretrained for far longer.");
        } else {
            o.printf("   A lesson cannot wait for more, so the rest of the demo uses a %s model (%s),%n   pretrained for far longer.%n",
                    baseConfig.parameterCount() > config.parameterCount() ? "larger" : "smaller", baseConfig.summary());
        }
    }

    private List<Comparison.Run> compare(ModelFile base, Path basePath, Comparison.Plan plan) {
        ComparisonProgress progress = new ComparisonProgress(progressOut, "   train", "models", false);
        List<Comparison.Run> runs = new Comparison(base, basePath, plan).run(progress);
        progress.finish();
        return runs;
    }

    /** One line: the probe's test accuracy against chance and bag-of-words, in points; no verdict beyond the numbers. */
    static String probeEvidence(List<Summary.Cell> cells, String task, String labels, tinyfm.report.TimeViews.Chance chance) {
        Summary.Cell probe = Summary.find(cells, task, labels, Method.PROBE), bow = Summary.find(cells, task, labels, Method.BAG_OF_WORDS);
        if (probe == null) {
            return task + ": no probe ran";
        }
        double p = probe.testAccuracy().mean();
        return String.format(Locale.ROOT, "%s: %.1f%%, %+.1f points from chance (%.0f%%)%s.", task, 100 * p, 100 * (p - chance.test()),
                100 * chance.test(), bow == null ? "" : String.format(Locale.ROOT, " and %+.1f from bag-of-words (%.1f%%)",
                        100 * (p - bow.testAccuracy().mean()), 100 * bow.testAccuracy().mean()));
    }

    private static String pieces(Tokenizer tokenizer, String text) {
        StringBuilder sb = new StringBuilder();
        for (int id : tokenizer.encode(text)) {
            sb.append('[').append(tokenizer.piece(id).replace('·', ' ')).append(']');
        }
        return sb.toString();
    }

    private static String indent(String block) {
        return block.lines().map(l -> "   " + l).reduce((a, b) -> a + "\n" + b).orElse("") + "\n";
    }
}
