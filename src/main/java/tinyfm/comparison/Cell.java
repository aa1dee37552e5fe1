package tinyfm.comparison;

/** One task × label budget × seed: every trained arm of an experiment sees the same labelled examples in it. */
public record Cell(String task, LabelBudget labels, int seed) {}
