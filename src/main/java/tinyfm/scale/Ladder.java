package tinyfm.scale;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import tinyfm.base.ModelFile;
import tinyfm.comparison.Experiment;
import tinyfm.comparison.ExperimentSpec;
import tinyfm.comparison.FromScratchArm;
import tinyfm.comparison.FullFineTuneArm;
import tinyfm.comparison.LabelBudget;
import tinyfm.comparison.Run;
import tinyfm.comparison.Trial;
import tinyfm.data.Corpus;
import tinyfm.data.Task;
import tinyfm.finetuning.Classifier;
import tinyfm.finetuning.FineTuneConfig;
import tinyfm.finetuning.FineTuner;
import tinyfm.model.GptConfig;
import tinyfm.pretraining.Pretrainer;
import tinyfm.pretraining.TokenData;
import tinyfm.pretraining.TrainingConfig;
import tinyfm.prompting.Prompts;
import tinyfm.report.Summary;
import tinyfm.tokenizer.Tokenizer;

/**
 * Scale, measured at the bottom of the scale: a ladder of model sizes, each pretrained for several
 * compute budgets on the same corpus with the same tokenizer. Each rung records the validation
 * loss (bits per byte), the training compute, what fine-tuning gains over the same model from
 * scratch on each downstream task (paired over several fine-tuning seeds, so the gain has an
 * interval), and calibrated zero-shot accuracy by prompting on each task.
 */
public final class Ladder {
    /** A model size: the small preset's window and vocabulary, narrower or shallower. */
    public record Size(String name, int layers, int heads, int embed) {
        GptConfig config(int vocab) {
            return new GptConfig(vocab, GptConfig.SMALL.contextLength(), layers, heads, embed, 0.0);
        }
    }

    public static final List<Size> SIZES = List.of(new Size("xs", 1, 2, 32), new Size("s", 2, 2, 64),
            new Size("m", 3, 4, 96), new Size("l", 4, 4, 128));
    public static final List<Integer> STEPS = List.of(150, 300, 600, 1200);
    public static final List<Size> QUICK_SIZES = List.of(SIZES.get(0), SIZES.get(1), SIZES.get(3));
    public static final List<Integer> QUICK_STEPS = List.of(100, 300);

    /** The downstream tasks every rung is fine-tuned on and prompted on. */
    public static final List<String> TASKS = List.of("topic", "sentiment");
    /** Labelled examples per fine-tuning run, and how many paired seeds (label draws) per rung. */
    public static final int LABELS = 100, SEEDS = 3;

    /** What to run: sizes × steps; the tasks, label budget and fine-tuning seeds; the pretraining seed. */
    public record Plan(List<Size> sizes, List<Integer> steps, List<String> tasks, int labels, int seeds, long seed) {
        public static Plan full(long seed) {
            return new Plan(SIZES, STEPS, TASKS, LABELS, SEEDS, seed);
        }

        public static Plan quick(long seed) {
            return new Plan(QUICK_SIZES, QUICK_STEPS, TASKS, LABELS, SEEDS, seed);
        }

        /** The fine-tuning seeds: one labelled draw each, the same for the fine-tuned and the from-scratch run. */
        List<Long> fineTuneSeeds() {
            return java.util.stream.LongStream.range(seed, seed + seeds).boxed().toList();
        }
    }

    /** On one task: test accuracy fine-tuned from the rung and from scratch, seed by seed (paired: the same labels per seed). */
    public record Transfer(String task, List<Double> fineTuned, List<Double> scratch) {
        /** Fine-tuned − scratch, with its 95% interval over the seeds. */
        public Summary.Difference gain() {
            return Summary.paired(fineTuned, scratch);
        }
    }

    /** On one task: calibrated zero-shot test accuracy, with the task's chance (its most common label) and test size. */
    public record ZeroShot(String task, double accuracy, double chance, int testTexts) {}

    /** One rung: a size pretrained for a number of steps, and what it then does on each task. */
    public record Rung(String size, long parameters, long nonEmbeddingParameters, int steps, long tokens, double trainingFlops,
                       double trainSeconds, double validationBitsPerByte, List<Transfer> transfer, List<ZeroShot> zeroShot) {
        public Transfer transfer(String task) {
            return transfer.stream().filter(t -> t.task().equals(task)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no transfer measured on " + task));
        }

        public ZeroShot zeroShot(String task) {
            return zeroShot.stream().filter(z -> z.task().equals(task)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no zero-shot accuracy measured on " + task));
        }
    }

    private final Corpus corpus;
    private final Tokenizer tokenizer;
    private final Plan plan;

    public Ladder(Corpus corpus, Tokenizer tokenizer, Plan plan) {
        this.corpus = corpus;
        this.tokenizer = tokenizer;
        this.plan = plan;
    }

    public int runs() {
        return plan.sizes().size() * plan.steps().size();
    }

    public List<Rung> run(Consumer<String> progress, Consumer<Rung> done) {
        TokenData data = TokenData.encode(corpus, tokenizer, GptConfig.SMALL.contextLength());
        List<Task> tasks = plan.tasks().stream().map(Task::load).toList();
        List<Rung> rungs = new ArrayList<>();
        for (Size size : plan.sizes()) {
            GptConfig config = size.config(tokenizer.vocabSize());
            Map<String, List<Double>> scratch = new LinkedHashMap<>(); // does not depend on pretraining: once per size
            for (int steps : plan.steps()) {
                progress.accept(String.format("%s (%,d parameters), %d steps: pretraining", size.name(), config.parameterCount(), steps));
                TrainingConfig training = TrainingConfig.forPreset(GptConfig.SMALL, steps, plan.seed()).withValidation(steps, 32);
                Pretrainer.Result r = new Pretrainer(corpus, tokenizer, config, training, null, new Pretrainer.Listener() {})
                        .withData(data).run();
                ModelFile base = r.base();
                Path source = Path.of(size.name() + "-" + steps + ".tfm"); // named in messages only; nothing is written
                progress.accept(String.format("%s, %d steps: fine-tuning on %s with %d labels, %d seeds", size.name(), steps,
                        String.join(" and ", plan.tasks()), plan.labels(), plan.seeds()));
                List<Transfer> transfer = new ArrayList<>();
                List<ZeroShot> zeroShot = new ArrayList<>();
                Trial.Base rungBase = new Trial.Base(base, source);
                Map<String, List<Double>> fineTuned = testAccuracies(rungBase, FullFineTuneArm.ID);
                if (scratch.isEmpty()) {
                    scratch.putAll(testAccuracies(rungBase, FromScratchArm.ID));
                }
                for (Task task : tasks) {
                    transfer.add(new Transfer(task.name(), fineTuned.get(task.name()), scratch.get(task.name())));
                    double zero = Prompts.forTask(tinyfm.base.Bases.languageModel(base, source), tokenizer, task, 0, plan.seed(),
                            Prompts.Calibration.CALIBRATED).evaluate(task.test()).accuracy();
                    zeroShot.add(new ZeroShot(task.name(), zero, task.chance("test"), task.test().size()));
                }
                long tokens = (long) r.steps() * training.batchSize() * config.contextLength();
                Rung rung = new Rung(size.name(), config.parameterCount(), nonEmbedding(config), r.steps(), tokens,
                        config.trainingFlopsPerToken() * tokens, r.trainSeconds(), r.curve().get(r.curve().size() - 1).validationBitsPerByte(),
                        transfer, zeroShot);
                rungs.add(rung);
                done.accept(rung);
            }
        }
        return rungs;
    }

    /**
     * One arm's test accuracy on every task, seed by seed: the experiment a rung is, run through the
     * same {@link Experiment} as every comparison (the rung's label budget, compare's epochs for it,
     * 4 validations, the ladder's own seeds).
     */
    private Map<String, List<Double>> testAccuracies(Trial.Base base, String arm) {
        ExperimentSpec spec = ExperimentSpec.defaults("ladder", base.path().toString(), plan.tasks())
                .withLabels(List.of(LabelBudget.of(plan.labels()))).withSeeds(plan.seeds(), (int) plan.seed())
                .withArms(List.of(ExperimentSpec.ArmSpec.of(arm)))
                .withTraining(FineTuneConfig.DEFAULT_EPOCHS, ExperimentSpec.MIN_EXAMPLES_SEEN, FEW_LABEL_VALIDATIONS, null, Classifier.DEFAULT_READOUT);
        Map<String, List<Double>> out = new LinkedHashMap<>();
        for (Run r : Experiment.run(spec, base, new Experiment.Listener() {
            @Override
            public void started(int totalRuns) {}

            @Override
            public void finished(Run run, int done) {}
        }, Experiment.Journal.NONE)) {
            out.computeIfAbsent(r.task(), t -> new ArrayList<>()).add(r.testAccuracy());
        }
        return out;
    }

    /** Validations per fine-tune on a rung: enough to keep the best weights, as compare validates below its largest budget. */
    static final int FEW_LABEL_VALIDATIONS = 4;

    /** Parameters outside the embeddings, the N of Kaplan et al.'s laws. */
    static long nonEmbedding(GptConfig c) {
        return c.parameterCount() - (long) c.vocabSize() * c.embedDim() - (long) c.contextLength() * c.embedDim();
    }

    /** The least-squares line through (log x, log y): y ≈ a · x^slope. Returns {slope, a}. */
    public static double[] powerLaw(List<Double> x, List<Double> y) {
        int n = x.size();
        double mx = 0, my = 0;
        for (int i = 0; i < n; i++) {
            mx += Math.log(x.get(i)) / n;
            my += Math.log(y.get(i)) / n;
        }
        double sxy = 0, sxx = 0;
        for (int i = 0; i < n; i++) {
            double dx = Math.log(x.get(i)) - mx;
            sxy += dx * (Math.log(y.get(i)) - my);
            sxx += dx * dx;
        }
        double slope = sxy / sxx;
        return new double[] {slope, Math.exp(my - slope * mx)};
    }

    /** The power law of validation loss against training compute, fitted on the frontier: {slope, a}, or NaNs below two points. */
    public static double[] frontierFit(List<Rung> rungs) {
        List<Rung> frontier = frontier(rungs);
        return frontier.size() < 2 ? new double[] {Double.NaN, Double.NaN}
                : powerLaw(frontier.stream().map(Rung::trainingFlops).toList(), frontier.stream().map(Rung::validationBitsPerByte).toList());
    }

    /** The compute-efficient frontier: for each compute, the lowest loss reached with at most that much. */
    public static List<Rung> frontier(List<Rung> rungs) {
        List<Rung> sorted = new ArrayList<>(rungs);
        sorted.sort(java.util.Comparator.comparingDouble(Rung::trainingFlops));
        List<Rung> out = new ArrayList<>();
        double best = Double.POSITIVE_INFINITY;
        for (Rung r : sorted) {
            if (r.validationBitsPerByte() < best) {
                best = r.validationBitsPerByte();
                out.add(r);
            }
        }
        return out;
    }
}
