package tinyfm.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tinyfm.comparison.ExperimentSpec.Pair;
import tinyfm.comparison.LabelBudget;
import tinyfm.comparison.Run;
import tinyfm.finetuning.FineTuner;

/** The time views: what they may and may not conclude from the learning curves. */
class TimeViewsTest {
    static final TimeViews.Chance QUARTER = new TimeViews.Chance(0.25, 0.25);

    /** A run whose validation accuracy follows the given values at 1, 2, 3, ... seconds. */
    static final Pair PAIR = new Pair("full", "scratch");

    static Run run(String labels, int examples, int seed, String m, double test, double... validation) {
        List<FineTuner.Point> curve = new ArrayList<>();
        double best = 0;
        for (int i = 0; i < validation.length; i++) {
            curve.add(new FineTuner.Point(i + 1, i + 1, 1.0, validation[i]));
            best = Math.max(best, validation[i]);
        }
        return new Run("topic", budget(labels), examples, seed, m, 3, best, test, test, validation.length, curve);
    }

    static LabelBudget budget(String labels) {
        return labels.equals("all") ? LabelBudget.ALL : LabelBudget.of(Integer.parseInt(labels));
    }

    /** Three seeds at 100 labels: the base climbs to ~66%, scratch hovers near chance (25%). */
    static List<Run> scratchNearChance() {
        List<Run> runs = new ArrayList<>();
        for (int seed = 1; seed <= 3; seed++) {
            runs.add(run("100", 100, seed, "full", 0.66, 0.40, 0.55, 0.62, 0.66));
            runs.add(run("100", 100, seed, "scratch", 0.28, 0.26, 0.27, 0.29, 0.28));
        }
        return runs;
    }

    @Test
    void aScratchRunNearChanceGivesNoTimeRatioAndNoPayback() {
        List<Run> runs = scratchNearChance();
        TimeViews.TimeToTarget t = TimeViews.timeToTarget(runs, PAIR, "topic", budget("100"), QUARTER);
        assertEquals(0.25 + (0.66 - 0.25) / 2, t.target(), 1e-12, "halfway between chance and the base's final accuracy");
        assertEquals(3, t.fineTuned().reached());
        assertEquals(2.0, t.fineTuned().meanSeconds(), 1e-12, "0.55 at 2 s is the first point at or above 45.5%");
        assertEquals(0, t.scratch().reached());
        assertTrue(Double.isNaN(t.ratio()), "no ratio against a target scratch never reached");
        TimeViews.Cost c = TimeViews.cost(runs, PAIR, "topic", budget("100"), QUARTER, 1200);
        assertFalse(c.defined());
        assertTrue(c.whyUndefined().contains("did not reach the target"), c.whyUndefined());
        String text = TimeReport.markdown(runs, PAIR, Map.of("topic", QUARTER), 1200);
        assertTrue(text.contains("not reached within the run (0/3 seeds)"), text);
        assertFalse(text.contains("0.0 s"), "never reached is never 0 s: " + text);
    }

    @Test
    void aBaseThatEndsNearChanceHasNoTarget() {
        List<Run> runs = new ArrayList<>();
        for (int seed = 1; seed <= 2; seed++) {
            runs.add(run("32", 32, seed, "full", 0.30, 0.27, 0.31));
            runs.add(run("32", 32, seed, "scratch", 0.26, 0.26, 0.26));
        }
        TimeViews.TimeToTarget t = TimeViews.timeToTarget(runs, PAIR, "topic", budget("32"), QUARTER);
        assertFalse(t.defined(), "a target 3 points above chance times noise, not learning");
        assertTrue(Double.isNaN(t.ratio()));
        assertFalse(TimeViews.cost(runs, PAIR, "topic", budget("32"), QUARTER, 1200).defined());
    }

    @Test
    void whenBothArmsReachTheTargetTheRatioAndPaybackAreGivenWithTheirSpread() {
        List<Run> runs = new ArrayList<>();
        runs.add(run("all", 1200, 1, "full", 0.80, 0.70, 0.80));
        runs.add(run("all", 1200, 1, "scratch", 0.70, 0.30, 0.40, 0.55, 0.70));
        runs.add(run("all", 1200, 2, "full", 0.80, 0.50, 0.60, 0.80));
        runs.add(run("all", 1200, 2, "scratch", 0.70, 0.30, 0.40, 0.55, 0.70));
        TimeViews.TimeToTarget t = TimeViews.timeToTarget(runs, PAIR, "topic", budget("all"), QUARTER);
        assertEquals(0.25 + (0.80 - 0.25) / 2, t.target(), 1e-12);
        assertEquals(1.5, t.fineTuned().meanSeconds(), 1e-12, "1 s in seed 1, 2 s in seed 2");
        assertEquals(3.0, t.scratch().meanSeconds(), 1e-12);
        assertEquals(0.5, t.ratio(), 1e-12);
        TimeViews.Cost c = TimeViews.cost(runs, PAIR, "topic", budget("all"), QUARTER, 300);
        assertTrue(c.defined(), String.valueOf(c.whyUndefined()));
        assertEquals(2, c.seeds());
        assertEquals(1.5, c.meanSaving(), 1e-12, "savings 2 s and 1 s");
        assertEquals(200, c.tasksToPayBack());
        assertEquals(150, c.fewestTasks(), 1e-9);
        assertEquals(300, c.mostTasks(), 1e-9);
    }

    @Test
    void accuracyAtEqualTimeIsTheBestSoFarOfEachArm() {
        List<Run> runs = scratchNearChance();
        List<TimeViews.EqualTime> views = TimeViews.equalTime(runs, PAIR, "topic", budget("100"), QUARTER);
        assertEquals(2, views.size());
        assertEquals(1.0, views.get(0).seconds(), 1e-12, "every run validated first at 1 s");
        assertEquals(0.40, views.get(0).fineTuned(), 1e-12);
        assertEquals(0.26, views.get(0).scratch(), 1e-12);
        assertEquals(4.0, views.get(1).seconds(), 1e-12, "the end of the 4 s runs");
        assertEquals(0.66, views.get(1).fineTuned(), 1e-12);
        assertEquals(0.29, views.get(1).scratch(), 1e-12, "best so far, not the last point");
    }

    @Test
    void labelsToMatchReadsTheSmallestBudgetAtWhichScratchCatchesUp() {
        List<Run> runs = new ArrayList<>(scratchNearChance());
        runs.add(run("300", 300, 1, "scratch", 0.50, 0.5));
        runs.add(run("all", 1200, 1, "scratch", 0.70, 0.7));
        TimeViews.LabelsToMatch m = TimeViews.labelsToMatch(runs, PAIR, "topic", budget("100"));
        assertEquals(LabelBudget.ALL, m.scratchLabels());
        assertEquals(1200, m.scratchExamples());
        runs.removeIf(r -> r.labels().all());
        TimeViews.LabelsToMatch none = TimeViews.labelsToMatch(runs, PAIR, "topic", budget("100"));
        assertNull(none.scratchLabels());
        assertEquals(LabelBudget.of(300), none.largestLabels());
        assertTrue(TimeReport.markdown(runs, PAIR, Map.of("topic", QUARTER), 1200).contains("not reached even with 300 (300 examples)"));
    }
}
