package tinyfm.comparison;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tinyfm.base.Bases;
import tinyfm.base.ModelFile;
import tinyfm.data.Example;
import tinyfm.data.Task;
import tinyfm.finetuning.Classifier;
import tinyfm.finetuning.FineTuneConfig;
import tinyfm.finetuning.FineTuner;
import tinyfm.finetuning.Metrics;
import tinyfm.finetuning.Recipe;

/**
 * Transfer learning, measured: for every task × label budget × seed, the same classifier is trained
 * from the pretrained base (all weights, or the head alone), from random weights (same architecture,
 * tokenizer, data, optimiser and budget), and a bag-of-words baseline is trained for contrast.
 */
public final class Comparison {
    /** Runs with few labels get more epochs, so every run sees at least this many examples. */
    public static final int MIN_EXAMPLES_SEEN = 640;
    public static final int ALL = -1;
    /** Labelled examples in a few-shot prompt: as many as fit the small preset's 128-token window with room for each text. */
    public static final int SHOTS = 4;
    /** Prompted arms subtract each label's content-free score (measured: see README, Prompting). */
    public static final tinyfm.prompting.Prompts.Calibration PROMPT_CALIBRATION = tinyfm.prompting.Prompts.Calibration.CALIBRATED;
    /** Validations per run below the largest label budget. */
    public static final int FEW_LABEL_VALIDATIONS = 4;

    /**
     * What to run. {@code epochs} is the least a neural run trains; with few labels it trains until it
     * has seen {@code minExamplesSeen} examples. {@code recipe} and {@code learningRate} (the head's
     * peak rate) apply to the full fine-tune only: every other arm keeps the plain recipe at the
     * default rate, so the from-scratch reference is the same whatever recipe is measured.
     */
    public record Plan(List<String> tasks, List<Integer> labelBudgets, int seeds, int epochs, int minExamplesSeen, double budgetSeconds,
                       int validations, List<Method> methods, Classifier.Readout readout, Recipe recipe, double learningRate) {
        public Plan(List<String> tasks, List<Integer> labelBudgets, int seeds, int epochs, double budgetSeconds) {
            this(tasks, labelBudgets, seeds, epochs, MIN_EXAMPLES_SEEN, budgetSeconds, FineTuneConfig.DEFAULT_VALIDATIONS,
                    List.of(Method.values()), Classifier.DEFAULT_READOUT);
        }

        public Plan(List<String> tasks, List<Integer> labelBudgets, int seeds, int epochs, int minExamplesSeen, double budgetSeconds,
                    int validations, List<Method> methods, Classifier.Readout readout) {
            this(tasks, labelBudgets, seeds, epochs, minExamplesSeen, budgetSeconds, validations, methods, readout, Recipe.PLAIN,
                    FineTuneConfig.DEFAULT_HEAD_LR);
        }

        public Plan {
            if (!methods.contains(Method.SCRATCH)) {
                throw new tinyfm.util.UserError("the comparison needs the from-scratch method: it is what the others are compared with");
            }
            // results.json files written before the recipe was a choice hold neither field: they used the plain recipe
            recipe = recipe == null ? Recipe.PLAIN : recipe;
            learningRate = learningRate == 0 ? FineTuneConfig.DEFAULT_HEAD_LR : learningRate;
        }

        /** The same plan, the full fine-tune trained with this recipe at this head learning rate. */
        public Plan with(Recipe recipe, double learningRate) {
            return new Plan(tasks, labelBudgets, seeds, epochs, minExamplesSeen, budgetSeconds, validations, methods, readout, recipe, learningRate);
        }
    }

    public enum Method {
        PRETRAINED_FULL("full", "pretrained, full fine-tune"),
        PRETRAINED_HEAD("head", "pretrained, head only"),
        PROBE("probe", "pretrained, linear probe"),
        PROMPT_ZERO("zero", "prompted, zero-shot"),
        PROMPT_FEW("few", "prompted, few-shot"),
        SCRATCH("scratch", "from scratch"),
        BAG_OF_WORDS("bow", "bag-of-words");

        /** The short name the CLI takes ({@code --methods full,scratch}). */
        public final String id;
        public final String label;

        Method(String id, String label) {
            this.id = id;
            this.label = label;
        }

        /** Prompting arms: no training, no label budget; they have their own table. */
        public boolean prompted() {
            return this == PROMPT_ZERO || this == PROMPT_FEW;
        }

        public static Method byId(String id) {
            for (Method m : values()) {
                if (m.id.equals(id)) {
                    return m;
                }
            }
            throw new tinyfm.util.UserError("unknown method '" + id + "'; use some of full, head, probe, zero, few, scratch, bow");
        }
    }

    /** One trained model and its scores, with its validation curve against training seconds. */
    public record Run(String task, String labels, int trainExamples, int seed, Method method, int epochs,
                      double validationAccuracy, double testAccuracy, double testMacroF1, double trainSeconds,
                      List<FineTuner.Point> curve) {
        /** One line for progress output: task, labels, seed, method, test accuracy and training time. */
        public String describe() {
            return String.format("%-10s %5s labels  seed %d  %-28s test %5.1f%%  %5.1f s", task, labels, seed, method.label,
                    100 * testAccuracy, trainSeconds);
        }
    }

    public interface Listener {
        void started(int totalRuns);

        void finished(Run run, int done);

        /** Runs taken from a journal instead of being trained again ({@code compare --resume}). */
        default void resumed(int runs, int total) {}
    }

    /** One task × label budget × seed: every method trained on the same labelled examples. */
    public record Cell(String task, String labels, int seed) {}

    private final ModelFile base;
    private final Path basePath;
    private final Plan plan;

    public Comparison(ModelFile base, Path basePath, Plan plan) {
        this.base = base;
        this.basePath = basePath;
        this.plan = plan;
    }

    public static String labelName(int budget) {
        return budget == ALL ? "all" : String.valueOf(budget);
    }

    public List<Run> run(Listener listener) {
        return run(listener, Journal.NONE);
    }

    /** One cell to run: prompted (one run, no training) or trained (every trained method on the same labels). */
    private record Planned(Task task, Cell key, boolean prompted) {}

    /** Runs the plan; cells the journal already holds are taken from it, and each new cell is saved to it when done. */
    public List<Run> run(Listener listener, Journal journal) {
        List<Method> trained = plan.methods().stream().filter(m -> !m.prompted()).toList();
        List<Planned> planned = plan(trained);
        int total = planned.stream().mapToInt(p -> p.prompted() ? 1 : trained.size()).sum();
        listener.started(total);
        Map<Cell, List<Run>> done = journal.done();
        List<Run> runs = new ArrayList<>();
        Task probed = null;
        ProbeFeatures probeFeatures = null;
        for (Planned p : planned) {
            Cell key = p.key();
            if (done.containsKey(key)) {
                runs.addAll(done.get(key));
                listener.resumed(runs.size(), total);
                continue;
            }
            List<Run> cell = new ArrayList<>();
            if (p.prompted()) {
                int shots = Integer.parseInt(key.labels());
                cell.add(prompt(p.task(), shots, key.seed(), shots == 0 ? Method.PROMPT_ZERO : Method.PROMPT_FEW));
                listener.finished(cell.get(0), runs.size() + 1);
            } else {
                int budget = key.labels().equals("all") ? ALL : Integer.parseInt(key.labels());
                if (trained.contains(Method.PROBE) && probed != p.task()) {
                    probeFeatures = ProbeFeatures.of(base, basePath, p.task()); // once per task
                    probed = p.task();
                }
                for (Method method : trained) {
                    cell.add(method == Method.PROBE ? probe(p.task(), budget, key.seed(), probeFeatures) : train(p.task(), budget, key.seed(), method));
                    listener.finished(cell.get(cell.size() - 1), runs.size() + cell.size());
                }
            }
            journal.save(key, cell);
            runs.addAll(cell);
        }
        return runs;
    }

    /**
     * The cells of every task: zero-shot once (no labels, no randomness), few-shot once per seed with as
     * many shots as fit the window (up to {@link #SHOTS}), then every label budget × seed.
     */
    private List<Planned> plan(List<Method> trained) {
        List<Planned> cells = new ArrayList<>();
        for (Task task : plan.tasks().stream().map(Task::load).toList()) {
            if (plan.methods().contains(Method.PROMPT_ZERO)) {
                cells.add(new Planned(task, new Cell(task.name(), "0", 1), true));
            }
            int shots = plan.methods().contains(Method.PROMPT_FEW) ? tinyfm.prompting.PromptClassifier.shotsThatFit(
                    base.config().contextLength(), base.tokenizer(), task.labels(), tinyfm.prompting.Prompts.defaultTemplate(task.name()), SHOTS) : 0;
            for (int seed = 1; shots > 0 && seed <= plan.seeds(); seed++) {
                cells.add(new Planned(task, new Cell(task.name(), String.valueOf(shots), seed), true));
            }
            for (int budget : trained.isEmpty() ? List.<Integer>of() : plan.labelBudgets()) {
                for (int seed = 1; seed <= plan.seeds(); seed++) {
                    cells.add(new Planned(task, new Cell(task.name(), labelName(budget), seed), false));
                }
            }
        }
        return cells;
    }

    /**
     * Classification by prompting the base, no training: the task's default template, {@code shots}
     * labelled examples from the training split in the prompt. Its time is the scoring of its own
     * shots (none to train), so it is 0.
     */
    private Run prompt(Task task, int shots, int seed, Method method) {
        tinyfm.prompting.PromptClassifier classifier = tinyfm.prompting.Prompts.forTask(Bases.languageModel(base, basePath),
                base.tokenizer(), task, shots, seed, PROMPT_CALIBRATION);
        Metrics val = classifier.evaluate(task.validation()), test = classifier.evaluate(task.test());
        return new Run(task.name(), String.valueOf(shots), shots, seed, method, 0, val.accuracy(), test.accuracy(), test.macroF1(),
                0, List.of(new FineTuner.Point(1, 0, Double.NaN, val.accuracy())));
    }

    /** Where finished cells are kept, so an interrupted comparison can continue (see {@link ComparisonJournal}). */
    public interface Journal {
        Journal NONE = new Journal() {
            @Override
            public Map<Cell, List<Run>> done() {
                return Map.of();
            }

            @Override
            public void save(Cell cell, List<Run> runs) {}
        };

        Map<Cell, List<Run>> done();

        void save(Cell cell, List<Run> runs);
    }

    /** The frozen base's pooled features for every example of a task, and what they cost per example. */
    private record ProbeFeatures(Map<Example, double[]> features, double secondsPerExample) {
        static ProbeFeatures of(ModelFile base, Path basePath, Task task) {
            List<Example> all = new ArrayList<>(task.train());
            all.addAll(task.validation());
            all.addAll(task.test());
            long t0 = System.nanoTime();
            Map<Example, double[]> features = Probe.features(Bases.languageModel(base, basePath), base.tokenizer(), all);
            return new ProbeFeatures(features, (System.nanoTime() - t0) / 1e9 / all.size());
        }
    }

    /** The linear probe; its time counts the fit and the forward passes over its own training examples. */
    private static Run probe(Task task, int budget, int seed, ProbeFeatures features) {
        List<Example> subset = Task.stratifiedSubset(task.train(), budget, seed);
        long t0 = System.nanoTime();
        Probe probe = new Probe(task.labels());
        probe.train(subset, task.validation(), features.features());
        double seconds = (System.nanoTime() - t0) / 1e9 + subset.size() * features.secondsPerExample();
        Metrics val = probe.evaluate(task.validation(), features.features()), test = probe.evaluate(task.test(), features.features());
        return new Run(task.name(), labelName(budget), subset.size(), seed, Method.PROBE, 0, val.accuracy(), test.accuracy(),
                test.macroF1(), seconds, List.of(new FineTuner.Point(1, seconds, Double.NaN, val.accuracy())));
    }

    private Run train(Task task, int budget, int seed, Method method) {
        List<Example> subset = Task.stratifiedSubset(task.train(), budget, seed);
        String labels = labelName(budget);
        if (method == Method.BAG_OF_WORDS) {
            long t0 = System.nanoTime();
            BagOfWords bow = new BagOfWords(task.labels());
            bow.train(subset, seed);
            double seconds = (System.nanoTime() - t0) / 1e9;
            Metrics val = bow.evaluate(task.validation()), test = bow.evaluate(task.test());
            return new Run(task.name(), labels, subset.size(), seed, method, 0, val.accuracy(), test.accuracy(), test.macroF1(),
                    seconds, List.of(new FineTuner.Point(1, seconds, Double.NaN, val.accuracy())));
        }
        int epochs = epochs(plan.epochs(), plan.minExamplesSeen(), subset.size());
        FineTuneConfig.Mode mode = method == Method.PRETRAINED_HEAD ? FineTuneConfig.Mode.HEAD : FineTuneConfig.Mode.FULL;
        // learning curves and time to target are read at the largest budget; below it a few validations
        // suffice to keep the best weights, and validation would otherwise take most of a small run's time
        int largest = plan.labelBudgets().contains(ALL) ? ALL : plan.labelBudgets().stream().max(Integer::compare).orElse(ALL);
        int validations = budget == largest ? plan.validations() : Math.min(FEW_LABEL_VALIDATIONS, plan.validations());
        boolean full = method == Method.PRETRAINED_FULL;
        double lr = full ? plan.learningRate() : FineTuneConfig.DEFAULT_HEAD_LR;
        FineTuneConfig config = new FineTuneConfig(mode, epochs, FineTuneConfig.DEFAULT_BATCH, lr, lr * FineTuneConfig.BODY_LR_FACTOR,
                budget, plan.budgetSeconds(), validations, seed).with(full ? plan.recipe() : Recipe.PLAIN);
        FineTuner.Trained t = FineTuner.fineTune(base, basePath, task, config, plan.readout(),
                method == Method.SCRATCH ? FineTuner.Start.RANDOM_WEIGHTS : FineTuner.Start.PRETRAINED_BASE, line -> {});
        FineTuner.Result r = t.result();
        Metrics test = t.test();
        return new Run(task.name(), labels, r.trainExamples(), seed, method, epochs, r.validation().accuracy(), test.accuracy(),
                test.macroF1(), r.trainSeconds(), r.curve());
    }

    /** Epochs for a neural run on {@code examples} labelled examples: at least {@code epochs}, and enough to see {@code minExamplesSeen}. */
    public static int epochs(int epochs, int minExamplesSeen, int examples) {
        return Math.max(epochs, (minExamplesSeen + examples - 1) / examples);
    }
}
