package tinyfm.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import tinyfm.comparison.ExperimentSpec.Pair;
import tinyfm.comparison.LabelBudget;
import tinyfm.comparison.Run;
import tinyfm.finetuning.FineTuner;

/**
 * What a foundation model buys, in time, read from the runs' validation curves of a pair of arms: the
 * spec's first pair, by default the fine-tuned base ({@code fineTuned} below) against the same model
 * trained from scratch ({@code scratch}). Four views:
 * <ol>
 *   <li>accuracy at equal training time: both arms after the same seconds on the same labels;</li>
 *   <li>time to a fixed target well above chance: halfway between chance and the fine-tuned base's
 *       final validation accuracy; "not reached within the run" is a result, never 0 s;</li>
 *   <li>labels to match: how many labels training from scratch needs to reach what the base
 *       reaches with few;</li>
 *   <li>the cost side: pretraining once against seconds per fine-tune, and the tasks to pay back,
 *       only where that is defined.</li>
 * </ol>
 * No time ratio and no payback exist unless training from scratch reached the target in every seed,
 * and the target stands at least {@link #MIN_TARGET_MARGIN} above chance: a run that stays near
 * chance cannot be timed.
 */
public final class TimeViews {
    /** A target must stand at least this far above chance (validation accuracy) to time anything against it. */
    public static final double MIN_TARGET_MARGIN = 0.05;

    private TimeViews() {}

    /** Chance on a task: the share of the most common label in its validation and test splits. */
    public record Chance(double validation, double test) {}

    /** View 1: validation accuracy of each arm after the same training seconds (best so far, mean over seeds). */
    public record EqualTime(String task, LabelBudget labels, double seconds, double fineTuned, double scratch, int seeds, double chance) {}

    /** One arm's time to the target: mean seconds over the seeds that reached it (NaN if none), and how many did. */
    public record Arm(double meanSeconds, int reached, int seeds) {
        public boolean everySeed() {
            return seeds > 0 && reached == seeds;
        }
    }

    /**
     * View 2: the target, each arm's time to it, and their ratio (NaN unless both arms reached it in
     * every seed). {@code target} is NaN when the fine-tuned base itself ends too near chance.
     */
    public record TimeToTarget(String task, LabelBudget labels, double target, double chance, Arm fineTuned, Arm scratch, double ratio) {
        public boolean defined() {
            return Double.isFinite(target);
        }
    }

    /** View 3: the smallest budget at which scratch's mean test accuracy reaches the base's; {@code scratchLabels} null if none. */
    public record LabelsToMatch(String task, LabelBudget labels, double fineTunedAccuracy, double fineTunedSeconds,
                                LabelBudget scratchLabels, int scratchExamples, double scratchAccuracy, double scratchSeconds,
                                LabelBudget largestLabels, int largestExamples) {}

    /**
     * View 4: pretraining once against fine-tuning each task. {@code tasksToPayBack} and its range
     * over seeds exist only when both arms reached the target in every seed and the base got there
     * sooner on average; otherwise {@code whyUndefined} says why.
     */
    public record Cost(String task, LabelBudget labels, double pretrainSeconds, double fineTuneSeconds, double scratchSeconds,
                       int seeds, double meanSaving, long tasksToPayBack, double fewestTasks, double mostTasks, String whyUndefined) {
        public boolean defined() {
            return whyUndefined == null;
        }
    }

    // ---- view 1 ----

    /**
     * Validation accuracy of both arms at two moments: the first at which every run of both arms had
     * been validated once, and the end of the shorter arm's mean run.
     */
    public static List<EqualTime> equalTime(List<Run> runs, Pair pair, String task, LabelBudget labels, Chance chance) {
        List<Run> full = arm(runs, task, labels, pair.arm()), scratch = arm(runs, task, labels, pair.against());
        if (full.isEmpty() || scratch.isEmpty()) {
            return List.of();
        }
        double end = Math.min(meanSeconds(full), meanSeconds(scratch));
        double first = java.util.stream.Stream.concat(full.stream(), scratch.stream())
                .mapToDouble(r -> r.curve().isEmpty() ? Double.POSITIVE_INFINITY : r.curve().get(0).seconds()).max().orElse(end);
        List<EqualTime> out = new ArrayList<>();
        for (double t : first < end ? new double[] {first, end} : new double[] {end}) {
            out.add(new EqualTime(task, labels, t, meanAccuracyAt(full, t), meanAccuracyAt(scratch, t), full.size(), chance.validation()));
        }
        return out;
    }

    /** The best validation accuracy a run had reached by {@code seconds} of training (NaN before its first validation). */
    public static double accuracyAt(Run run, double seconds) {
        double best = Double.NaN;
        for (FineTuner.Point p : run.curve()) {
            if (p.seconds() <= seconds + 1e-9) {
                best = Double.isNaN(best) ? p.validationAccuracy() : Math.max(best, p.validationAccuracy());
            }
        }
        return best;
    }

    static double meanAccuracyAt(List<Run> runs, double seconds) {
        return runs.stream().mapToDouble(r -> accuracyAt(r, seconds)).average().orElse(Double.NaN);
    }

    // ---- view 2 ----

    public static TimeToTarget timeToTarget(List<Run> runs, Pair pair, String task, LabelBudget labels, Chance chance) {
        List<Run> full = arm(runs, task, labels, pair.arm()), scratch = arm(runs, task, labels, pair.against());
        double target = target(full, chance.validation());
        Arm f = reach(full, target), s = reach(scratch, target);
        double ratio = f.everySeed() && s.everySeed() ? f.meanSeconds() / s.meanSeconds() : Double.NaN;
        return new TimeToTarget(task, labels, target, chance.validation(), f, s, ratio);
    }

    /** Halfway between chance and the fine-tuned base's final validation accuracy; NaN if that is less than the margin above chance. */
    static double target(List<Run> fineTuned, double chance) {
        double end = fineTuned.stream().mapToDouble(Run::validationAccuracy).average().orElse(Double.NaN);
        double target = chance + (end - chance) / 2;
        return target - chance >= MIN_TARGET_MARGIN ? target : Double.NaN;
    }

    static Arm reach(List<Run> runs, double target) {
        List<Double> seconds = new ArrayList<>();
        if (Double.isFinite(target)) {
            for (Run r : runs) {
                double at = secondsTo(r, target);
                if (Double.isFinite(at)) {
                    seconds.add(at);
                }
            }
        }
        return new Arm(seconds.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN), seconds.size(), runs.size());
    }

    /** Training seconds until the run's validation accuracy first reached the target; NaN if it never did. */
    public static double secondsTo(Run run, double target) {
        for (FineTuner.Point p : run.curve()) {
            if (p.validationAccuracy() >= target - 1e-12) {
                return p.seconds();
            }
        }
        return Double.NaN;
    }

    // ---- view 3 ----

    public static LabelsToMatch labelsToMatch(List<Run> runs, Pair pair, String task, LabelBudget labels) {
        List<Run> full = arm(runs, task, labels, pair.arm());
        double goal = full.stream().mapToDouble(Run::testAccuracy).average().orElse(Double.NaN);
        Map<Integer, List<Run>> scratchByExamples = new TreeMap<>();
        runs.stream().filter(r -> r.task().equals(task) && r.arm().equals(pair.against()))
                .forEach(r -> scratchByExamples.computeIfAbsent(r.trainExamples(), k -> new ArrayList<>()).add(r));
        LabelBudget largest = null;
        int largestExamples = 0;
        for (Map.Entry<Integer, List<Run>> e : scratchByExamples.entrySet()) {
            largest = e.getValue().get(0).labels();
            largestExamples = e.getKey();
            double accuracy = e.getValue().stream().mapToDouble(Run::testAccuracy).average().orElse(Double.NaN);
            if (accuracy >= goal) {
                return new LabelsToMatch(task, labels, goal, meanSeconds(full), largest, e.getKey(), accuracy, meanSeconds(e.getValue()),
                        largest, largestExamples);
            }
        }
        return new LabelsToMatch(task, labels, goal, meanSeconds(full), null, 0, Double.NaN, Double.NaN, largest, largestExamples);
    }

    // ---- view 4 ----

    public static Cost cost(List<Run> runs, Pair pair, String task, LabelBudget labels, Chance chance, double pretrainSeconds) {
        List<Run> full = arm(runs, task, labels, pair.arm()), scratch = arm(runs, task, labels, pair.against());
        double ft = meanSeconds(full), sc = meanSeconds(scratch);
        TimeToTarget t = timeToTarget(runs, pair, task, labels, chance);
        String why = null;
        if (!Double.isFinite(pretrainSeconds)) {
            why = "the base does not record its pretraining time";
        } else if (!t.defined()) {
            why = "the fine-tuned base ends within " + Math.round(100 * MIN_TARGET_MARGIN * 2) + " points of chance, so no target well above chance exists";
        } else if (!t.scratch().everySeed()) {
            why = String.format(java.util.Locale.ROOT, "training from scratch did not reach the target (%.1f%%) within its run in %d of %d seeds: "
                    + "here pretraining buys accuracy, not time", 100 * t.target(), t.scratch().seeds() - t.scratch().reached(), t.scratch().seeds());
        } else if (!t.fineTuned().everySeed()) {
            why = String.format(java.util.Locale.ROOT, "the fine-tuned base did not reach the target in %d of %d seeds",
                    t.fineTuned().seeds() - t.fineTuned().reached(), t.fineTuned().seeds());
        }
        if (why != null) {
            return new Cost(task, labels, pretrainSeconds, ft, sc, full.size(), Double.NaN, -1, Double.NaN, Double.NaN, why);
        }
        Map<Integer, Double> scratchBySeed = new TreeMap<>();
        scratch.forEach(r -> scratchBySeed.put(r.seed(), secondsTo(r, t.target())));
        List<Double> savings = full.stream().filter(r -> scratchBySeed.containsKey(r.seed()))
                .map(r -> scratchBySeed.get(r.seed()) - secondsTo(r, t.target())).toList();
        double mean = savings.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        if (!(mean > 0)) {
            return new Cost(task, labels, pretrainSeconds, ft, sc, savings.size(), mean, -1, Double.NaN, Double.NaN, String.format(
                    java.util.Locale.ROOT, "the fine-tuned base was not faster to the target (%.1f s saved per task on average)", mean));
        }
        double fewest = pretrainSeconds / savings.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        double worst = savings.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        double most = worst > 0 ? pretrainSeconds / worst : Double.POSITIVE_INFINITY;
        return new Cost(task, labels, pretrainSeconds, ft, sc, savings.size(), mean, (long) Math.ceil(pretrainSeconds / mean),
                Math.ceil(fewest), Math.ceil(most), null);
    }

    // ---- shared ----

    static List<Run> arm(List<Run> runs, String task, LabelBudget labels, String arm) {
        return runs.stream().filter(r -> r.task().equals(task) && r.labels().equals(labels) && r.arm().equals(arm))
                .sorted(Comparator.comparingInt(Run::seed)).toList();
    }

    static double meanSeconds(List<Run> runs) {
        return runs.stream().mapToDouble(Run::trainSeconds).average().orElse(Double.NaN);
    }
}
