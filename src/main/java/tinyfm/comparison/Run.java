package tinyfm.comparison;

import java.util.List;
import java.util.Locale;
import tinyfm.finetuning.FineTuner;

/**
 * One model of an experiment and its scores: which arm made it, on which task, with how many
 * labelled examples and which seed, and its validation curve against training seconds.
 */
public record Run(String task, LabelBudget labels, int trainExamples, int seed, String arm, int epochs,
                  double validationAccuracy, double testAccuracy, double testMacroF1, double trainSeconds,
                  List<FineTuner.Point> curve) {
    /** One line for progress output: task, labels, seed, arm, test accuracy and training time. */
    public String describe() {
        return String.format(Locale.ROOT, "%-10s %5s labels  seed %d  %-28s test %5.1f%%  %5.1f s", task, labels, seed, Arms.label(arm),
                100 * testAccuracy, trainSeconds);
    }

    /** A run with a single measurement: no training curve, one validation after {@code seconds}. */
    static Run once(Trial trial, String arm, int trainExamples, double validation, double test, double testMacroF1, double seconds) {
        return new Run(trial.task().name(), trial.labels(), trainExamples, trial.seed(), arm, 0, validation, test, testMacroF1, seconds,
                List.of(new FineTuner.Point(1, seconds, Double.NaN, validation)));
    }
}
