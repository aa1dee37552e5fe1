package tinyfm.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tinyfm.comparison.Comparison.Method;
import tinyfm.comparison.Comparison.Run;

/** The charts' data, not their pixels: chance on every accuracy chart, a tick per budget, the claim's own evidence. */
class ChartsTest {
    static List<Run> grid() {
        List<Run> runs = new ArrayList<>();
        String[][] budgets = {{"16", "16"}, {"32", "32"}, {"100", "100"}, {"all", "1200"}};
        for (String[] b : budgets) {
            for (int seed = 1; seed <= 3; seed++) {
                int n = Integer.parseInt(b[1]);
                runs.add(TimeViewsTest.run(b[0], n, seed, Method.PRETRAINED_FULL, 0.5 + 0.01 * seed, 0.4, 0.5));
                runs.add(TimeViewsTest.run(b[0], n, seed, Method.SCRATCH, 0.3, 0.26, 0.3));
                runs.add(TimeViewsTest.run(b[0], n, seed, Method.BAG_OF_WORDS, 0.35, 0.35));
            }
        }
        return runs;
    }

    @Test
    void dataEfficiencyHasATickAtEveryBudgetAChanceLineAndPercentValues() {
        var chart = Charts.dataEfficiency(Summary.cells(grid()), "topic", TimeViewsTest.QUARTER);
        var series = chart.getSeriesMap();
        assertEquals(List.of("16", "32", "100", "all (1,200)"), new ArrayList<>(series.get(Method.SCRATCH.label).getXData()));
        String chance = series.keySet().stream().filter(k -> k.startsWith(Charts.CHANCE)).findFirst().orElseThrow();
        assertEquals(25.0, series.get(chance).getYData().iterator().next().doubleValue(), 1e-9);
        assertEquals(30.0, series.get(Method.SCRATCH.label).getYData().iterator().next().doubleValue(), 1e-9, "percent, not a fraction");
        assertTrue(chart.getStyler().getLegendPosition().name().startsWith("Outside"), "the legend stays off the data");
    }

    @Test
    void theTransferGainChartDrawsThePairedDifferenceWithAZeroLine() {
        var chart = Charts.transferGain(grid());
        var series = chart.getSeriesMap();
        assertTrue(series.containsKey("topic"));
        assertTrue(series.containsKey("no difference"));
        assertEquals(4, series.get("topic").getXData().size());
        assertEquals(22.0, series.get("topic").getYData().iterator().next().doubleValue(), 1e-9, "mean of 21, 22, 23 points");
        assertTrue(series.get("topic").getExtraValues().iterator().next().doubleValue() > 0, "a 95% interval from three seeds");
    }

    @Test
    void learningCurvesCarryChanceAndTheTarget() {
        var chart = Charts.learningCurves(grid(), "topic", "all", TimeViewsTest.QUARTER);
        var names = chart.getSeriesMap().keySet();
        assertTrue(names.stream().anyMatch(n -> n.startsWith(Charts.CHANCE)), names.toString());
        assertTrue(names.stream().anyMatch(n -> n.startsWith("target")), names.toString());
        assertTrue(names.stream().anyMatch(n -> n.startsWith(Method.SCRATCH.label)), names.toString());
    }

    @Test
    void ladderChartsDrawALinePerSizeTheFitChanceAndTheNoiseBand() {
        List<tinyfm.scale.Ladder.Rung> rungs = tinyfm.scale.ScaleReport.read(tinyfm.util.Home.dir().resolve("docs/scale"));
        long sizes = rungs.stream().map(tinyfm.scale.Ladder.Rung::size).distinct().count();
        var loss = tinyfm.scale.ScaleReport.lossAgainstCompute(rungs).getSeriesMap();
        assertEquals(sizes + 1, loss.size(), "a series per size, and the fit: " + loss.keySet());
        assertTrue(loss.keySet().stream().anyMatch(k -> k.startsWith("fit on the frontier")));
        var byParameters = tinyfm.scale.ScaleReport.lossAgainstParameters(rungs).getSeriesMap();
        for (var series : byParameters.values()) {
            assertEquals(sizes, series.getXData().length, "a line per budget joins the sizes, never one size's budgets");
        }
        var zero = tinyfm.scale.ScaleReport.zeroShotAgainstCompute(rungs, 0.5, 600).getSeriesMap();
        assertTrue(zero.containsKey("chance (50%)"), zero.keySet().toString());
        assertTrue(zero.keySet().stream().anyMatch(k -> k.startsWith("guessing, 95% band (±4.0 points")), zero.keySet().toString());
        assertTrue(tinyfm.scale.ScaleReport.transferGainAgainstCompute(rungs).getSeriesMap().containsKey("no difference"));
    }
}
