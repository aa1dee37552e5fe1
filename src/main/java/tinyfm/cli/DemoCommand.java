package tinyfm.cli;

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
import tinyfm.base.Provenance;
import tinyfm.comparison.BagOfWordsArm;
import tinyfm.comparison.ExperimentSpec;
import tinyfm.comparison.FromScratchArm;
import tinyfm.comparison.FullFineTuneArm;
import tinyfm.comparison.LabelBudget;
import tinyfm.comparison.LinearProbeArm;
import tinyfm.data.Corpus;
import tinyfm.data.Task;
import tinyfm.generation.Generator;
import tinyfm.generation.Sampling;
import tinyfm.model.GptConfig;
import tinyfm.pretraining.Pretrainer;
import tinyfm.pretraining.TrainingConfig;
import tinyfm.report.ExperimentFolder;
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
     * With the default base: under 3 minutes from a fresh clone on a 2-core AVX-512 EPYC (docs/performance.md,
     * "The demo's three minutes"); 1.3 to 1.7 times that on a laptop without AVX-512. The label budgets
     * from 16 to all are the grid's job.
     */
    static final int LIVE_PRETRAIN_SECONDS = 15;
    static final Budget FULL = new Budget("demo", LIVE_PRETRAIN_SECONDS, List.of(100), 3, 320);
    static final Budget QUICK = new Budget("demo-quick", 10, List.of(32), 2, 320);
    /** The tasks the demo shows transfer on, in order (datasets/README.md has their datasheets). */
    static final List<String> TASKS = List.of("topic", "sentiment");
    /** Validations per run: the resolution of the learning curves and of the time to accuracy. */
    static final int VALIDATIONS = 4;
    /**
     * Validation examples per task: scoring the whole validation split at every checkpoint took a third
     * of the demo's minutes, more than its training; the grid validates on all of them.
     */
    static final int VALIDATION_EXAMPLES = 100;
    /** The demo's arms: the fine-tuned base, its control, what the frozen base knows, and the baseline. */
    static final List<ExperimentSpec.ArmSpec> ARMS = List.of(ExperimentSpec.ArmSpec.of(FullFineTuneArm.ID), ExperimentSpec.ArmSpec.of(FromScratchArm.ID),
            new ExperimentSpec.ArmSpec(LinearProbeArm.ID, java.util.Map.of("features", "drawn")), ExperimentSpec.ArmSpec.of(BagOfWordsArm.ID));

    /** The demo's experiment: its tasks, budget and arms on {@code base}. */
    static ExperimentSpec experiment(Budget budget, String base) {
        return ExperimentSpec.defaults(budget.name(), base, TASKS)
                .withDescription(String.format(Locale.ROOT, "The demo's small run: %d seeds, at least %d examples seen per neural run. "
                        + "The reference figures are the 5-seed grid's (docs/findings.md).", budget.seeds(), budget.examplesSeen()))
                .withLabels(budget.labels().stream().map(LabelBudget::of).toList()).withSeeds(budget.seeds())
                .withArms(ARMS)
                .withTraining(tinyfm.finetuning.FineTuneConfig.DEFAULT_EPOCHS, budget.examplesSeen(), VALIDATIONS, null,
                        tinyfm.finetuning.Classifier.DEFAULT_READOUT)
                .withValidationExamples(VALIDATION_EXAMPLES);
    }

    @Option(names = "--quick", description = "A first look: 10 s of live pretraining, 32 labels, 2 seeds.")
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
        String baseName = baseOption != null ? baseOption.toString() : Bases.DEFAULT;
        Path basePath = baseOption != null ? baseOption : Bases.defaultBase();
        if (!Files.exists(basePath)) {
            throw new UserError(baseName + ": base not found" + (baseOption == null ? "; datasets/README.md gives the command that rebuilds it" : ""));
        }
        ModelFile base = ModelFile.load(basePath, ModelFile.Kind.BASE, "--base needs a pretrained base from 'tinyfm pretrain'");
        o.println("tinyfm demo: a foundation model in miniature. One model is trained broadly once, without labels,");
        o.println("saved as a reusable base, adapted cheaply to a task, and compared with training from scratch.");

        Tokenizer tokenizer = base.tokenizer();
        String example = "The movie was wonderful.";
        step(1, "Tokens: a language model reads token ids, not letters. The base's byte-level BPE");
        o.printf("   vocabulary (%,d tokens, learned from the corpus) splits \"%s\" into%n   %s%n", tokenizer.vocabSize(), example,
                pieces(tokenizer, example));

        Corpus corpus = Corpus.load(Corpus.DEFAULT);
        step(2, String.format(Locale.ROOT, "Pretraining (self-supervised), live for %d s: a fresh GPT learns to predict the next", budget.pretrainSeconds()));
        o.printf(Locale.ROOT, "   token of %.1f MB of unlabelled text (books, reviews, 1961 American English, e-mail): the%n", corpus.utf8Bytes() / 1e6);
        o.println("   text is its own label. Its measure is the loss on text it never saw; the samples stay noise.");
        livePretraining(corpus, tokenizer, budget, base.config());

        step(3, "The foundation model: one file holds the weights, tokenizer, config and provenance.");
        Provenance.Pretraining p = Provenance.Pretraining.of(base.provenance());
        o.printf(Locale.ROOT, "   %s: %,d parameters, pretrained once for %s%n", baseName, base.config().parameterCount(),
                ProgressLine.duration(p.seconds()));
        o.printf(Locale.ROOT, "   (%,d steps, %,d tokens of '%s'); validation %.2f bits per byte.%n", p.steps(), p.tokensSeen(), p.corpus(),
                p.finalBitsPerByte());
        o.printf("   'tinyfm inspect %s' shows everything it records.%n", baseName);

        step(4, "Prompting (generative AI): the base continues a prompt, one sampled token at a time.");
        String prompt = "The movie was";
        String text = new Generator(Bases.languageModel(base, basePath), tokenizer).generate(prompt, 40, new Sampling(0.8, 40, seed), s -> {});
        ResultsText.wrap(Terminal.oneLine(prompt + text), "   ").forEach(o::println);

        step(5, "Transfer learning with few labels, on tasks the base never saw labelled:");
        for (String name : TASKS) {
            Task task = Task.load(name);
            o.printf(Locale.ROOT, "   %-10s %s (%s)%n", name, task.question(), String.join(", ", task.labels()));
        }
        LabelBudget labels = LabelBudget.of(budget.labels().get(budget.labels().size() - 1));
        o.printf("   Each model sees %s labelled examples, drawn with %d seeds; every arm sees the same draw.%n", labels, budget.seeds());
        o.println("   fine-tuned: the base plus a new head, all weights trained; from scratch: the same model, random");
        o.println("   weights; linear probe: a regression on the frozen base; bag-of-words: word counts alone.");
        ComparisonProgress progress = new ComparisonProgress(progressOut, "   train", "models", false);
        Path folder = results(budget);
        Report.Results results = ExperimentFolder.run(experiment(budget, baseName), folder, progress, false);
        progress.finish();
        o.println();
        o.printf("   Test accuracy, mean ± std over %d seeds:%n", budget.seeds());
        ResultsText.accuracy(results).lines("   ").forEach(o::println);
        o.println();
        o.println("   Paired by seed, in points, with the 95% interval:");
        ResultsText.pairs(results).lines("   ").forEach(o::println);
        o.println();
        ResultsText.verdicts(results, labels).forEach(line -> ResultsText.wrap(line, "   ").forEach(o::println));
        for (String name : TASKS) {
            ResultsText.wrap(probeEvidence(Summary.cells(results.runs()), name, labels, results.context().chance().get(name)), "   ")
                    .forEach(o::println);
        }

        step(6, String.format(Locale.ROOT, "What the base buys in time, with %s labels (accuracy on %d validation examples,", labels,
                VALIDATION_EXAMPLES));
        o.printf("   read at each run's %d checkpoints). At the same training seconds:%n", VALIDATIONS);
        ResultsText.equalTime(results, labels).lines("   ").forEach(o::println);
        o.println("   Seconds to a target halfway from chance to the fine-tuned base's final accuracy:");
        ResultsText.timeToTarget(results, labels).lines("   ").forEach(o::println);
        ResultsText.wrap(timeSentence(results, labels), "   ").forEach(o::println);

        Path shown = Home.dir().relativize(folder.toAbsolutePath());
        try (var files = Files.list(folder)) {
            List<String> kinds = results.context().spec().charts();
            long charts = files.map(f -> f.getFileName().toString())
                    .filter(f -> f.endsWith(".png") && kinds.stream().anyMatch(f::startsWith)).count();
            step(7, String.format(Locale.ROOT, "The report: %s (every table and time view), and %d charts beside it.",
                    shown.resolve("report.md"), charts));
        }
        o.printf("%nDone in %s.%n", ProgressLine.duration((System.nanoTime() - start) / 1e9));
        progressOut.printf("Next: ./tinyfm compare --base %s for the full grid (16 to all labels, 5 seeds).%n", baseName);
        return 0;
    }

    /** The time views in one sentence: whether the base got to the target sooner, or only training from scratch never did. */
    static String timeSentence(Report.Results results, LabelBudget labels) {
        var pair = results.context().timedPair();
        List<String> never = new java.util.ArrayList<>(), sooner = new java.util.ArrayList<>();
        for (String task : Summary.tasks(results.runs())) {
            var t = tinyfm.report.TimeViews.timeToTarget(results.runs(), pair, task, labels, results.context().chance().get(task));
            if (t.defined() && t.scratch().reached() < t.scratch().seeds() && t.fineTuned().everySeed()) {
                never.add(task);
            } else if (Double.isFinite(t.ratio())) {
                sooner.add(String.format(Locale.ROOT, "%s (%.2f of the time)", task, t.ratio()));
            }
        }
        List<String> parts = new java.util.ArrayList<>();
        if (!never.isEmpty()) {
            parts.add("on " + String.join(" and ", never) + " training from scratch did not reach the target in every seed: "
                    + "here the base buys accuracy, not just time");
        }
        if (!sooner.isEmpty()) {
            parts.add("both reached it on " + String.join(" and ", sooner));
        }
        return parts.isEmpty() ? "Neither view says more at this budget; report.md has all four."
                : Character.toUpperCase(parts.get(0).charAt(0)) + String.join("; ", parts).substring(1) + ". report.md has all four views.";
    }


    private void livePretraining(Corpus corpus, Tokenizer tokenizer, Budget budget, GptConfig baseConfig) {
        GptConfig config = GptConfig.SMALL.config(tokenizer.vocabSize());
        // the schedule is planned for more steps than the deadline allows: the live run shows the start of pretraining
        int plannedSteps = 2000;
        // validated every 20 steps: in 15 s a 2-core laptop takes about 60, and the fall should show
        TrainingConfig training = TrainingConfig.forPreset(GptConfig.SMALL, plannedSteps, seed).withValidation(20, 16);
        Instant deadline = Instant.now().plusSeconds(budget.pretrainSeconds());
        PretrainProgress progress = new PretrainProgress(progressOut, plannedSteps, deadline.toEpochMilli());
        Pretrainer.Result r = new Pretrainer(corpus, tokenizer, config, training, null, progress).run(false, deadline, new AtomicBoolean());
        progress.done();
        Pretrainer.Point first = r.curve().get(0), last = r.curve().get(r.curve().size() - 1);
        String said = String.format(Locale.ROOT, "In %s it took %d steps and saw %,d tokens: validation %.2f → %.2f bits per byte. ",
                ProgressLine.duration(r.trainSeconds()), r.steps(), (long) r.steps() * training.batchSize() * config.contextLength(),
                first.validationBitsPerByte(), last.validationBitsPerByte())
                + (baseConfig.parameterCount() == config.parameterCount()
                        ? "A lesson cannot wait for more, so the rest of the demo uses the same model, pretrained for far longer."
                        : String.format("A lesson cannot wait for more, so the rest of the demo uses a %s model (%s), pretrained for far longer.",
                                baseConfig.parameterCount() > config.parameterCount() ? "larger" : "smaller", baseConfig.summary()));
        ResultsText.wrap(said, "   ").forEach(o::println);
    }

    /** Where the demo writes its experiment folder. */
    private static Path results(Budget budget) {
        return Home.dir().resolve("results").resolve(budget.name());
    }

    /** One line: the probe's test accuracy against chance and bag-of-words, in points; no verdict beyond the numbers. */
    static String probeEvidence(List<Summary.Cell> cells, String task, LabelBudget labels, tinyfm.report.TimeViews.Chance chance) {
        Summary.Cell probe = Summary.find(cells, task, labels, LinearProbeArm.ID), bow = Summary.find(cells, task, labels, BagOfWordsArm.ID);
        if (probe == null) {
            return task + ": no probe ran";
        }
        double p = probe.testAccuracy().mean();
        return String.format(Locale.ROOT, "%s, the linear probe of the frozen base: %.1f%%, %+.1f points from chance (%.0f%%)%s.", task, 100 * p, 100 * (p - chance.test()),
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

}
