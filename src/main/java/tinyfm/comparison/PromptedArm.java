package tinyfm.comparison;

import java.util.ArrayList;
import java.util.List;
import tinyfm.data.Task;
import tinyfm.finetuning.FineTuner;
import tinyfm.finetuning.Metrics;
import tinyfm.prompting.PromptClassifier;
import tinyfm.prompting.Prompts;

/**
 * Classification by prompting the base, no training: each label's word scored as the continuation of
 * the task's prompt template, minus its score after a content-free text. Zero-shot runs once (no
 * labels, no randomness); few-shot shows as many labelled examples as fit the window (up to
 * {@link #SHOTS}), drawn once per seed. Its time is 0: nothing is trained.
 */
public final class PromptedArm implements Arm {
    public static final String ZERO_SHOT = "zero", FEW_SHOT = "few";
    /** Labelled examples in a few-shot prompt: as many as fit the small preset's 128-token window with room for each text. */
    public static final int SHOTS = 4;
    /** Prompted arms subtract each label's content-free score (measured: docs/findings.md, Prompting). */
    public static final Prompts.Calibration CALIBRATION = Prompts.Calibration.CALIBRATED;
    private final boolean fewShot;

    PromptedArm(boolean fewShot) {
        this.fewShot = fewShot;
    }

    @Override
    public Names names() {
        return fewShot ? new Names(FEW_SHOT, "prompted, few-shot", "few-shot", "the few-shot prompt")
                : new Names(ZERO_SHOT, "prompted, zero-shot", "zero-shot", "the zero-shot prompt");
    }

    @Override
    public boolean trained() {
        return false;
    }

    @Override
    public List<Cell> cells(Task task, ExperimentSpec spec, Trial.Base base) {
        if (!fewShot) {
            return List.of(new Cell(task.name(), LabelBudget.of(0), spec.firstSeed()));
        }
        int shots = PromptClassifier.shotsThatFit(base.file().config().contextLength(), base.file().tokenizer(), task.labelWords(),
                task.template(), SHOTS);
        List<Cell> cells = new ArrayList<>();
        for (int seed : shots > 0 ? spec.seedList() : List.<Integer>of()) {
            cells.add(new Cell(task.name(), LabelBudget.of(shots), seed));
        }
        return cells;
    }

    @Override
    public Run run(Trial trial) {
        int shots = trial.labels().count();
        PromptClassifier classifier = Prompts.forTask(trial.base().languageModel(), trial.base().file().tokenizer(), trial.task(), shots,
                trial.seed(), CALIBRATION);
        Metrics val = classifier.evaluate(trial.task().validation()), test = classifier.evaluate(trial.task().test());
        return new Run(trial.task().name(), trial.labels(), shots, trial.seed(), id(), 0, val.accuracy(), test.accuracy(), test.macroF1(),
                0, List.of(new FineTuner.Point(1, 0, Double.NaN, val.accuracy())));
    }
}
