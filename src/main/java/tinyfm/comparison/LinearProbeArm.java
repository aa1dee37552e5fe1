package tinyfm.comparison;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tinyfm.data.Example;
import tinyfm.data.Task;
import tinyfm.finetuning.Metrics;
import tinyfm.finetuning.Probe;

/**
 * What pretraining alone put into the features: a logistic regression on the frozen base's pooled
 * hidden states. Its time counts the fit and the forward passes over its own training examples.
 */
public final class LinearProbeArm implements Arm {
    public static final String ID = "probe";
    private static final Names NAMES = new Names(ID, "pretrained, linear probe", "linear probe", "the linear probe");
    /**
     * The base's features of every example of each task probed, computed once per task by the first job
     * that needs them, for the whole task in one fixed order: an example's features differ in their last
     * bits with the batch it is padded in, so computing only what a cell needs would move the numbers.
     */
    private final Map<String, Features> features = new java.util.HashMap<>();

    private record Features(Map<Example, double[]> byExample, double secondsPerExample) {}

    /**
     * Which training examples get features. {@code task} (the default): the whole train split, as every
     * committed experiment was run. {@code drawn}: only those some cell of the experiment draws, far fewer
     * with few labels (the demo's choice); the numbers then move in their last bits, as said above.
     */
    public enum FeatureSet { TASK, DRAWN }

    private final FeatureSet featureSet;

    public LinearProbeArm() {
        this(FeatureSet.TASK);
    }

    public LinearProbeArm(FeatureSet featureSet) {
        this.featureSet = featureSet;
    }

    /** The arm from its spec entry: the one option is {@code features} (task or drawn). */
    static LinearProbeArm of(ExperimentSpec.ArmSpec spec) {
        for (String key : spec.options().keySet()) {
            if (!key.equals("features")) {
                throw new tinyfm.util.UserError("arm 'probe' has no option '" + key + "'; it takes features (task or drawn)");
            }
        }
        String value = spec.options().getOrDefault("features", "task");
        return switch (value) {
            case "task" -> new LinearProbeArm(FeatureSet.TASK);
            case "drawn" -> new LinearProbeArm(FeatureSet.DRAWN);
            default -> throw new tinyfm.util.UserError("arm 'probe': features is task or drawn, got '" + value + "'");
        };
    }

    @Override
    public Names names() {
        return NAMES;
    }

    @Override
    public Run run(Trial trial) {
        Features f = features(trial);
        List<Example> examples = trial.examples();
        long t0 = System.nanoTime();
        Probe probe = new Probe(trial.task().labels());
        probe.train(examples, trial.task().validation(), f.byExample());
        double seconds = (System.nanoTime() - t0) / 1e9 + examples.size() * f.secondsPerExample();
        Metrics val = probe.evaluate(trial.task().validation(), f.byExample()), test = probe.evaluate(trial.task().test(), f.byExample());
        return Run.once(trial, ID, examples.size(), val.accuracy(), test.accuracy(), test.macroF1(), seconds);
    }

    /** The training examples any cell of the experiment draws, in the train split's order. */
    private static List<Example> drawn(Trial trial) {
        java.util.Set<Example> drawn = new java.util.HashSet<>();
        for (LabelBudget labels : trial.spec().labels()) {
            for (int seed : trial.spec().seedList()) {
                drawn.addAll(new Trial(trial.base(), trial.task(), labels, seed, trial.spec()).examples());
            }
        }
        return trial.task().train().stream().filter(drawn::contains).toList();
    }

    private synchronized Features features(Trial trial) {
        Task task = trial.task();
        return features.computeIfAbsent(task.name(), name -> {
            List<Example> all = new ArrayList<>(featureSet == FeatureSet.TASK ? task.train() : drawn(trial));
            all.addAll(task.validation());
            all.addAll(task.test());
            long t0 = System.nanoTime();
            Map<Example, double[]> byExample = Probe.features(trial.base().languageModel(), trial.base().file().tokenizer(), all);
            return new Features(byExample, (System.nanoTime() - t0) / 1e9 / all.size());
        });
    }
}
