package tinyfm.comparison;

import java.nio.file.Path;
import java.util.List;
import tinyfm.base.Bases;
import tinyfm.base.ModelFile;
import tinyfm.data.Example;
import tinyfm.data.Task;
import tinyfm.finetuning.FineTuneConfig;
import tinyfm.finetuning.FineTuner;
import tinyfm.finetuning.Metrics;
import tinyfm.finetuning.Recipe;
import tinyfm.model.Gpt;

/**
 * What an arm is given to run one cell: the base, the task, the label budget and seed, and the
 * spec's training settings. Every arm of a cell draws the same labelled examples ({@link #examples}).
 */
public record Trial(Base base, Task task, LabelBudget labels, int seed, ExperimentSpec spec) {
    /** Validations per run below the largest label budget: enough to keep the best weights. */
    public static final int FEW_LABEL_VALIDATIONS = 4;

    /** The pretrained base an experiment adapts, and where it was read from. */
    public record Base(ModelFile file, Path path) {
        /** A fresh GPT with the base's weights. */
        public Gpt languageModel() {
            return Bases.languageModel(file, path);
        }
    }

    /** The cell's labelled training examples: a class-balanced draw of the budget, the same for a given seed. */
    public List<Example> examples() {
        return Task.stratifiedSubset(task.train(), labels.all() ? -1 : labels.count(), seed);
    }

    /** Epochs for a neural run on this many examples: at least the spec's, and enough to see {@code minExamplesSeen}. */
    public int epochs(int examples) {
        return epochs(spec.epochs(), spec.minExamplesSeen(), examples);
    }

    /** At least {@code epochs}, and enough passes over {@code examples} to see {@code minExamplesSeen}. */
    public static int epochs(int epochs, int minExamplesSeen, int examples) {
        return Math.max(epochs, (minExamplesSeen + examples - 1) / examples);
    }

    /**
     * Validations per run: the spec's at the largest budget, where learning curves and times to a
     * target are read; a few below it, where validation would take most of a short run's time.
     */
    public int validations() {
        LabelBudget largest = spec.labels().stream().max(LabelBudget::compareTo).orElseThrow();
        return labels.equals(largest) ? spec.validations() : Math.min(FEW_LABEL_VALIDATIONS, spec.validations());
    }

    /**
     * A neural run: the task's classifier trained on the cell's examples from the base's weights or
     * from random ones, every weight or the head alone, with this recipe and head learning rate.
     */
    public Run fineTune(String arm, FineTuner.Start start, FineTuneConfig.Mode mode, Recipe recipe, double headLearningRate) {
        int examples = examples().size();
        int epochs = epochs(examples);
        FineTuneConfig config = new FineTuneConfig(mode, epochs, FineTuneConfig.DEFAULT_BATCH, headLearningRate,
                headLearningRate * FineTuneConfig.BODY_LR_FACTOR, labels.all() ? -1 : labels.count(), spec.timeLimitOrNone(),
                validations(), seed).with(recipe);
        FineTuner.Trained t = FineTuner.fineTune(base.file(), base.path(), task, config, spec.readout(), start, line -> {});
        FineTuner.Result r = t.result();
        Metrics test = t.test();
        return new Run(task.name(), labels, r.trainExamples(), seed, arm, epochs, r.validation().accuracy(), test.accuracy(),
                test.macroF1(), r.trainSeconds(), r.curve());
    }
}
