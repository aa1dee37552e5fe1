package tinyfm.pretraining;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import tinyfm.finetuning.Probe;
import tinyfm.data.Example;
import tinyfm.data.Task;
import tinyfm.model.Gpt;
import tinyfm.tokenizer.Tokenizer;

/**
 * What the base knows as it reads: at log-spaced steps of a pretraining run, the frozen model is
 * probed on downstream tasks with the same linear probe, label budget and seeds as {@code compare}.
 * No weight moves and no random number is drawn, so a run with probes trains exactly as one without.
 */
public final class ReadingProbes {
    /** The first probed step after step 0; later ones follow at ratio √2 (50, 71, 100, 141, 200, ...). */
    public static final int FIRST_STEP = 50;
    public static final int DEFAULT_LABELS = 100;
    public static final int DEFAULT_SEEDS = 5;

    /** One task probed at one step: test accuracy per seed, their mean, and chance (the most common test label). */
    public record Point(int step, long tokensSeen, String task, int labels, double[] accuracies, double meanAccuracy, double chance) {}

    private final List<Task> tasks;
    private final int labels;
    private final int seeds;

    public ReadingProbes(List<Task> tasks, int labels, int seeds) {
        if (tasks.isEmpty() || labels < 2 || seeds < 1) {
            throw new IllegalArgumentException("probes need a task, at least 2 labels and a seed");
        }
        this.tasks = List.copyOf(tasks);
        this.labels = labels;
        this.seeds = seeds;
    }

    /** What is probed, as a checkpoint records it: "topic,sentiment; 100 labels; 5 seeds". */
    public String setup() {
        return String.join(",", taskNames()) + "; " + labels + " labels; " + seeds + " seeds";
    }

    public List<String> taskNames() {
        return tasks.stream().map(Task::name).toList();
    }

    /** The steps a run of {@code totalSteps} is probed at: 0, the log-spaced ones, and the last. */
    public static List<Integer> schedule(int totalSteps) {
        return schedule(totalSteps, 0);
    }

    /**
     * The steps a run continued after {@code stepsBefore} steps of reading (a parent base's, for
     * {@code adapt}) is probed at: 0, those where the whole reading falls on the same log-spaced grid
     * as a fresh run's, and the last. So a continued curve keeps the spacing of the one it extends
     * (exactly when both runs read the same tokens per step, as adapt's defaults do).
     */
    public static List<Integer> schedule(int totalSteps, long stepsBefore) {
        List<Integer> steps = new ArrayList<>(List.of(0));
        for (int k = 0; ; k++) {
            long step = Math.round(FIRST_STEP * Math.pow(2, k / 2.0)) - stepsBefore;
            if (step >= totalSteps) {
                break;
            }
            if (step > 0) {
                steps.add((int) step);
            }
        }
        steps.add(totalSteps);
        return Collections.unmodifiableList(steps);
    }

    /** Probes the model as it stands, on every task; each task's features are computed once for all seeds. */
    public List<Point> measure(Gpt model, Tokenizer tokenizer, int step, long tokensSeen) {
        List<Point> points = new ArrayList<>();
        for (Task task : tasks) {
            List<Example> all = new ArrayList<>(task.train());
            all.addAll(task.validation());
            all.addAll(task.test());
            Map<Example, double[]> features = Probe.features(model, tokenizer, all);
            double[] accuracies = new double[seeds];
            for (int seed = 1; seed <= seeds; seed++) {
                Probe probe = new Probe(task.labels());
                probe.train(Task.stratifiedSubset(task.train(), labels, seed), task.validation(), features);
                accuracies[seed - 1] = probe.evaluate(task.test(), features).accuracy();
            }
            double mean = java.util.Arrays.stream(accuracies).average().orElseThrow();
            points.add(new Point(step, tokensSeen, task.name(), labels, accuracies, mean, task.chance("test")));
        }
        return points;
    }
}
