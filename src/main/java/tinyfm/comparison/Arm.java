package tinyfm.comparison;

import java.util.ArrayList;
import java.util.List;
import tinyfm.data.Task;

/**
 * One way of getting a classifier for a task, compared with the others in an experiment: fine-tune
 * the base, fit a probe on its frozen features, prompt it, train the same model from scratch, or
 * count words. An arm is a small class registered once in {@link Arms}; the experiment, the report
 * and the charts know it only through this interface.
 */
public interface Arm {
    /** How an arm is called: in a spec and the CLI ({@code full}), a report's column, a terminal's column, a sentence. */
    record Names(String id, String label, String shortLabel, String noun) {}

    Names names();

    /** The short name a spec and the CLI use ({@code full}, {@code scratch}). */
    default String id() {
        return names().id();
    }

    /** A report's column heading: "pretrained, full fine-tune". */
    default String label() {
        return names().label();
    }

    /** A terminal column's heading, a word or two: "fine-tuned". */
    default String shortLabel() {
        return names().shortLabel();
    }

    /** The arm in a sentence: "the fine-tuned base". */
    default String noun() {
        return names().noun();
    }

    /** Whether it trains on the cell's labelled examples; a prompted arm does not, and has no label budget. */
    default boolean trained() {
        return true;
    }

    /**
     * The cells this arm runs in. A trained arm runs in every label budget × seed of the spec, and
     * every trained arm of a cell sees the same labelled examples.
     */
    default List<Cell> cells(Task task, ExperimentSpec spec, Trial.Base base) {
        List<Cell> cells = new ArrayList<>();
        for (LabelBudget labels : spec.labels()) {
            for (int seed : spec.seedList()) {
                cells.add(new Cell(task.name(), labels, seed));
            }
        }
        return cells;
    }

    /** Trains (or prompts) one model in one cell and scores it on the task's validation and test splits. */
    Run run(Trial trial);
}
