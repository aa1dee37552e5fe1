package tinyfm;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import tinyfm.base.Bases;
import tinyfm.base.ModelFile;
import tinyfm.comparison.BagOfWordsArm;
import tinyfm.comparison.ExperimentSpec;
import tinyfm.comparison.FromScratchArm;
import tinyfm.comparison.FullFineTuneArm;
import tinyfm.comparison.LabelBudget;
import tinyfm.comparison.LinearProbeArm;
import tinyfm.comparison.Run;
import tinyfm.comparison.Trial;
import tinyfm.report.ExperimentFolder;
import tinyfm.finetuning.Classifier;
import tinyfm.finetuning.FineTuneConfig;
import tinyfm.finetuning.FineTuner;
import tinyfm.finetuning.LearningRateFinder;
import tinyfm.finetuning.Recipe;
import tinyfm.prompting.Prompts;
import tinyfm.report.Report;
import tinyfm.data.Corpus;
import tinyfm.data.Task;
import tinyfm.model.GptConfig;
import tinyfm.pretraining.Pretrainer;
import tinyfm.pretraining.TrainingConfig;
import tinyfm.tokenizer.Tokenizer;
import tinyfm.tokenizer.Tokenizers;
import tinyfm.util.Home;

/**
 * What the notebooks share, in the words of the lesson: the base that chapters 3 to 5 adapt,
 * chapter 2's live pretraining, fine-tuning from a named start in a named mode, prompting, and the
 * committed grid of chapter 4. The smoke switch ({@code TINYFM_SMOKE=1}, set by CI) shrinks every
 * budget here, out of the students' sight, so that CI executes all notebooks in minutes.
 */
public final class Lesson {
    public static final int PRETRAIN_STEPS = 500;
    public static final int SMOKE_PRETRAIN_STEPS = 30;
    public static final long SEED = 1337;

    private Lesson() {}

    public static boolean smoke() {
        return "1".equals(System.getenv("TINYFM_SMOKE"));
    }

    /** A full-size number, or the smoke one. */
    static int budget(int full, int smoke) {
        return smoke() ? smoke : full;
    }

    /** Where chapter 2 saves the base it pretrains live (its folder is created). */
    public static Path livePath() {
        Path dir = Home.dir().resolve("bases");
        try {
            java.nio.file.Files.createDirectories(dir);
        } catch (java.io.IOException e) {
            throw new tinyfm.util.UserError(dir + ": cannot create: " + e.getMessage());
        }
        return dir.resolve(smoke() ? "notebook-smoke.tfm" : "notebook.tfm");
    }

    /** A path as the lesson prints it: relative to the project, so no output carries this machine's folders. */
    public static Path shown(Path path) {
        return Home.dir().relativize(path.toAbsolutePath());
    }

    /** The base chapters 3 to 5 adapt: the default one, pretrained for far longer than a lesson can wait. */
    public static Path basePath() {
        return Bases.defaultBase();
    }

    /** Chapter 2's pretraining run: a model of the given size on the broad corpus, for 500 steps. */
    public static Pretrainer pretrainer(GptConfig.Preset size, Pretrainer.Listener listener) {
        Corpus corpus = Corpus.load(Corpus.DEFAULT);
        Tokenizer tokenizer = Tokenizers.train("bpe", corpus.split().train(), size.vocabSize());
        GptConfig config = size.config(tokenizer.vocabSize());
        TrainingConfig training = TrainingConfig.forPreset(size, budget(PRETRAIN_STEPS, SMOKE_PRETRAIN_STEPS), SEED);
        if (smoke()) {
            training = training.withValidation(10, 8);
        }
        return new Pretrainer(corpus, tokenizer, config, training, null, listener);
    }

    /** The shared base of chapters 3 to 5. */
    public static ModelFile base() {
        return ModelFile.load(basePath());
    }

    /**
     * The first shipped base: chapter 2's model and corpus, pretrained the same way for 3,000 steps,
     * so chapter 2's run can be set against it on the same validation text.
     */
    public static ModelFile firstBase() {
        return ModelFile.load(Bases.first());
    }

    /**
     * Fine-tunes a fresh copy of the base on {@code task} with {@code labels} labelled examples
     * (drawn with {@code seed}) for {@code epochs} epochs, starting from the base's weights or from random ones, and scores it on
     * the test split. Progress lines are printed. (Smoke: one epoch.)
     */
    public static FineTuner.Trained fineTune(Task task, FineTuner.Start start, FineTuneConfig.Mode mode, int labels, int epochs, long seed) {
        FineTuneConfig config = FineTuneConfig.of(mode, budget(epochs, 1), FineTuneConfig.DEFAULT_HEAD_LR, labels, seed);
        return FineTuner.fineTune(base(), basePath(), task, config, Classifier.DEFAULT_READOUT, start, System.out::println);
    }

    /** A full fine-tune of the base with ULMFiT's levers as {@code recipe} sets them, the head at learning rate {@code lr}. */
    public static FineTuner.Trained fineTune(Task task, Recipe recipe, double lr, int labels, int epochs, long seed) {
        FineTuneConfig config = FineTuneConfig.of(FineTuneConfig.Mode.FULL, budget(epochs, 1), lr, labels, seed).with(recipe);
        return FineTuner.fineTune(base(), basePath(), task, config, Classifier.DEFAULT_READOUT, FineTuner.Start.PRETRAINED_BASE, System.out::println);
    }

    /**
     * The learning-rate range test on a fresh copy of the base: {@code labels} examples of
     * {@code task}, the head's rate from 1e-6 to 1 over 100 steps (smoke: 20), the body's parts following as {@code recipe} sets them.
     */
    public static LearningRateFinder.Result findLearningRate(Task task, Recipe recipe, int labels, long seed) {
        ModelFile base = base(); // read once: the body and the tokenizer both come from it
        Classifier classifier = new Classifier(Bases.languageModel(base, basePath()), task.labels().size());
        classifier.head().initialize(seed);
        FineTuneConfig config = FineTuneConfig.of(FineTuneConfig.Mode.FULL, 1, FineTuneConfig.DEFAULT_HEAD_LR, labels, seed).with(recipe);
        return LearningRateFinder.run(classifier, base.tokenizer(), task, config, 1e-6, 1, budget(100, 20));
    }

    /** As above, with the lesson's seed, for as many epochs as {@code compare} gives this many labels (at least 640 examples seen). */
    public static FineTuner.Trained fineTune(Task task, FineTuner.Start start, FineTuneConfig.Mode mode, int labels) {
        return fineTune(task, start, mode, labels, Trial.epochs(FineTuneConfig.DEFAULT_EPOCHS, ExperimentSpec.MIN_EXAMPLES_SEEN, labels), SEED);
    }

    /** The arms of chapter 4: head-only fine-tuning has its own place in chapter 3. */
    public static final List<String> COMPARED = List.of(FullFineTuneArm.ID, LinearProbeArm.ID, FromScratchArm.ID, BagOfWordsArm.ID);

    /** Where the committed 5-seed grid of the default base lives: made by {@code tinyfm compare}, read by chapter 4. */
    public static Path gridResults() {
        return Home.dir().resolve("docs").resolve("results").resolve("grid-6x160-broad-xl");
    }

    /** The committed grid: its context (base, machine, chance per task) and every run. */
    public static Report.Results grid() {
        return Report.read(gridResults());
    }

    /**
     * Transfer, measured live on the base: fine-tuned, probe, from scratch and bag-of-words for
     * every task, label budget and seed, one printed line per trained model. In smoke mode: the first
     * budget only, one seed, one epoch.
     */
    public static Report.Results compare(List<String> tasks, List<Integer> labelBudgets, int seeds) {
        List<Integer> budgets = smoke() ? List.of(labelBudgets.get(0)) : labelBudgets;
        int n = smoke() ? 1 : seeds;
        ExperimentSpec spec = ExperimentSpec.defaults("notebook", Bases.DEFAULT, tasks)
                .withDescription(String.format(java.util.Locale.ROOT, "The notebook's live run: %d seed%s per cell.", n, n == 1 ? "" : "s"))
                .withLabels(budgets.stream().map(LabelBudget::of).toList()).withSeeds(n)
                .withArms(COMPARED.stream().map(ExperimentSpec.ArmSpec::of).toList())
                .withTraining(smoke() ? 1 : FineTuneConfig.DEFAULT_EPOCHS, ExperimentSpec.MIN_EXAMPLES_SEEN, FineTuneConfig.DEFAULT_VALIDATIONS,
                        null, Classifier.DEFAULT_READOUT);
        return ExperimentFolder.run(spec, Home.dir().resolve("results").resolve(smoke() ? "notebook-smoke" : "notebook"),
                new tinyfm.comparison.Experiment.Listener() {
                    @Override
                    public void started(int totalRuns) {
                        System.out.println(totalRuns + " models to train");
                    }

                    @Override
                    public void finished(Run r, int done) {
                        System.out.println(r.describe());
                    }
                }, false);
    }

    /** Collects what a pretraining run reports, for charts and for printing samples. */
    public static final class Recorder implements Pretrainer.Listener {
        public final List<double[]> validation = new ArrayList<>(); // {step, nats, bits per byte}
        public final List<String> samples = new ArrayList<>();

        @Override
        public void evaluated(int step, double validationLoss, double bitsPerByte) {
            validation.add(new double[] {step, validationLoss, bitsPerByte});
            System.out.printf("step %4d: validation loss %.3f nats per token, %.2f bits per byte%n", step, validationLoss, bitsPerByte);
        }

        @Override
        public void sampled(int step, String text) {
            samples.add(String.format("step %4d: %s%s", step, Pretrainer.SAMPLE_PROMPT, text.replace("\n", " / ")));
        }
    }

    /**
     * Prompted classification with the base, no training: test accuracy on a bundled task with
     * {@code shots} labelled examples in the prompt (smoke: the first 40 test texts).
     */
    public static tinyfm.finetuning.Metrics prompted(String task, int shots, Prompts.Calibration calibration) {
        Task t = Task.load(task);
        ModelFile base = base();
        tinyfm.prompting.PromptClassifier classifier = Prompts.forTask(Bases.languageModel(base, basePath()), base.tokenizer(), t, shots, SEED,
                calibration);
        return classifier.evaluate(smoke() ? t.test().subList(0, 40) : t.test());
    }

    /** Where the committed scaling ladder lives: made by {@code tinyfm scale}, read by chapter 5. */
    public static Path scaleResults() {
        return Home.dir().resolve("docs").resolve("measurements").resolve("scale");
    }

    /** The base that read ten times more, probed as it read (datasets/prepare-base-xl): its provenance holds the probes. */
    public static Path readingBase() {
        return Home.dir().resolve("datasets").resolve("pretrained").resolve("small-broad-xl.tfm");
    }

    /** The committed ladder's rungs. */
    public static List<tinyfm.scale.Ladder.Rung> scaleLadder() {
        return tinyfm.scale.ScaleReport.read(scaleResults());
    }
}
