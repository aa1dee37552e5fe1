package tinyfm.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tinyfm.comparison.Arms;
import tinyfm.comparison.LabelBudget;
import tinyfm.comparison.Run;

/** The charts' data, not their pixels: chance on every accuracy chart, a tick per budget, the claim's own evidence. */
class ChartsTest {
    static List<Run> grid() {
        List<Run> runs = new ArrayList<>();
        String[][] budgets = {{"16", "16"}, {"32", "32"}, {"100", "100"}, {"all", "1200"}};
        for (String[] b : budgets) {
            for (int seed = 1; seed <= 3; seed++) {
                int n = Integer.parseInt(b[1]);
                runs.add(TimeViewsTest.run(b[0], n, seed, "full", 0.5 + 0.01 * seed, 0.4, 0.5));
                runs.add(TimeViewsTest.run(b[0], n, seed, "scratch", 0.3, 0.26, 0.3));
                runs.add(TimeViewsTest.run(b[0], n, seed, "bow", 0.35, 0.35));
            }
        }
        return runs;
    }

    @Test
    void dataEfficiencyHasATickAtEveryBudgetAChanceLineAndPercentValues() {
        var chart = Charts.dataEfficiency(grid(), TimeViewsTest.PAIR, "topic", TimeViewsTest.QUARTER);
        var series = chart.getSeriesMap();
        assertEquals(List.of("16", "32", "100", "all (1,200)"), new ArrayList<>(series.get(Arms.label("scratch")).getXData()));
        String chance = series.keySet().stream().filter(k -> k.startsWith(Charts.CHANCE)).findFirst().orElseThrow();
        assertEquals(25.0, series.get(chance).getYData().iterator().next().doubleValue(), 1e-9);
        assertEquals(30.0, series.get(Arms.label("scratch")).getYData().iterator().next().doubleValue(), 1e-9, "percent, not a fraction");
        assertTrue(chart.getStyler().getLegendPosition().name().startsWith("Outside"), "the legend stays off the data");
    }

    @Test
    void withOneLabelBudgetChanceIsStillDrawnAcrossThePlot() {
        List<Run> one = grid().stream().filter(r -> r.labels().equals(LabelBudget.of(100))).toList();
        var chart = Charts.dataEfficiency(one, TimeViewsTest.PAIR, "topic", TimeViewsTest.QUARTER);
        java.awt.image.BufferedImage image = org.knowm.xchart.BitmapEncoder.getBufferedImage(chart);
        // the y axis runs 0 to 100, so chance (25%) sits a quarter of the way up the plot: look for grey
        // dashes along one row near each side of the plot, far from the one tick in the middle
        int rowsWithGreyAtBothSides = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            if (greyPixels(image, y, 0, image.getWidth() / 4) > 10 && greyPixels(image, y, 3 * image.getWidth() / 4, image.getWidth()) > 10) {
                rowsWithGreyAtBothSides++;
            }
        }
        assertTrue(rowsWithGreyAtBothSides > 0, "no chance line reaches the plot's sides");
    }

    private static int greyPixels(java.awt.image.BufferedImage image, int y, int from, int to) {
        int n = 0;
        for (int x = from; x < to; x++) {
            java.awt.Color c = new java.awt.Color(image.getRGB(x, y));
            if (c.equals(java.awt.Color.GRAY)) {
                n++;
            }
        }
        return n;
    }

    @Test
    void theTransferGainChartDrawsThePairedDifferenceWithAZeroLine() {
        var chart = Charts.transferGain(grid(), TimeViewsTest.PAIR);
        var series = chart.getSeriesMap();
        assertTrue(series.containsKey("topic"));
        assertTrue(series.containsKey("no difference"));
        assertEquals(4, series.get("topic").getXData().size());
        assertEquals(22.0, series.get("topic").getYData().iterator().next().doubleValue(), 1e-9, "mean of 21, 22, 23 points");
        assertTrue(series.get("topic").getExtraValues().iterator().next().doubleValue() > 0, "a 95% interval from three seeds");
    }

    @Test
    void learningCurvesCarryChanceAndTheTarget() {
        var chart = Charts.learningCurves(grid(), TimeViewsTest.PAIR, "topic", LabelBudget.ALL, TimeViewsTest.QUARTER);
        var names = chart.getSeriesMap().keySet();
        assertTrue(names.stream().anyMatch(n -> n.startsWith(Charts.CHANCE)), names.toString());
        assertTrue(names.stream().anyMatch(n -> n.startsWith("target")), names.toString());
        assertTrue(names.stream().anyMatch(n -> n.startsWith(Arms.label("scratch"))), names.toString());
    }

    @Test
    void everyArmAndTaskKeepsItsColourAndEveryTitleStatesItsFinding() {
        List<Run> runs = grid();
        var curves = Charts.learningCurves(runs, TimeViewsTest.PAIR, "topic", LabelBudget.ALL, TimeViewsTest.QUARTER);
        for (String arm : List.of("full", "scratch")) {
            var line = curves.getSeriesMap().entrySet().stream().filter(e -> e.getKey().startsWith(Arms.label(arm))).findFirst().orElseThrow();
            assertEquals(Palette.arm(arm), line.getValue().getLineColor(), arm);
        }
        // the target is halfway from chance (25%) to the base's final 50%: the base gets there at its first validation, scratch never
        assertEquals("topic, all labels: fine-tuned reaches 37.5% in 1.0 s; from scratch never", curves.getTitle());

        var efficiency = Charts.dataEfficiency(runs, TimeViewsTest.PAIR, "topic", TimeViewsTest.QUARTER);
        for (String arm : List.of("full", "scratch", "bow")) {
            assertEquals(Palette.arm(arm), efficiency.getSeriesMap().get(Arms.label(arm)).getLineColor(), arm);
        }
        assertEquals("topic: fine-tuned above from scratch at 4 of 4 label budgets", efficiency.getTitle());

        var gain = Charts.transferGain(runs, TimeViewsTest.PAIR);
        assertEquals(Palette.task("topic"), gain.getSeriesMap().get("topic").getLineColor());
        assertEquals("fine-tuned − from scratch > 0 at 4/4 budgets on topic", gain.getTitle());

        // the same seconds per run for both arms: the base's accuracy is higher, but it never costs less per task
        var cost = Charts.cost(Summary.cells(runs), TimeViewsTest.PAIR, "topic", LabelBudget.ALL, 300);
        assertEquals("topic, all labels: +22.0 points; never cheaper per task than from scratch", cost.getTitle());
        assertEquals(List.of(Palette.arm("full"), Palette.arm("scratch")),
                cost.getSeriesMap().values().stream().map(org.knowm.xchart.XYSeries::getMarkerColor).toList());
        assertEquals(Charts.SHARED_BY.length, cost.getSeriesMap().values().iterator().next().getXData().length, "a point per number of tasks");

        var colours = Palette.named().values();
        assertEquals(colours.size(), new java.util.HashSet<>(colours).size(), "no colour means two things: " + Palette.named());
        assertEquals(Palette.arm("nobody-ships-this"), Palette.arm("nobody-ships-this"), "an arm of a user's own keeps one colour");
    }

    @Test
    void withOneLabelBudgetTheChartsDrawDotsAndIntervalsNotALineOfOnePoint() {
        List<Run> one = grid().stream().filter(r -> r.labels().equals(LabelBudget.of(100))).toList();
        var efficiency = Charts.dataEfficiency(one, TimeViewsTest.PAIR, "topic", TimeViewsTest.QUARTER);
        assertEquals(org.knowm.xchart.CategorySeries.CategorySeriesRenderStyle.Scatter, efficiency.getStyler().getDefaultSeriesRenderStyle());
        assertEquals("topic: fine-tuned above from scratch", efficiency.getTitle());
        var gain = Charts.transferGain(one, TimeViewsTest.PAIR);
        assertEquals(org.knowm.xchart.CategorySeries.CategorySeriesRenderStyle.Scatter, gain.getStyler().getDefaultSeriesRenderStyle());
    }

    @Test
    void theLadderChartsReadComputeInTeraFlopsAndSizesInParameters() {
        var chart = tinyfm.scale.ScaleReport.lossAgainstCompute(madeUpLadder());
        assertTrue(chart.getXAxisTitle().contains("10¹² FLOPs"), chart.getXAxisTitle());
        assertTrue(chart.getSeriesMap().keySet().stream().anyMatch(n -> n.endsWith(" parameters")), chart.getSeriesMap().keySet().toString());
        assertTrue(chart.getTitle().startsWith("Loss falls with compute: C^"), chart.getTitle());
        // sizes are a scale, dark to light with the parameters, in colours no arm or task uses
        var smallest = chart.getSeriesMap().get("1,000 parameters");
        var largest = chart.getSeriesMap().get("2,000 parameters");
        assertEquals(Palette.ramp(0, 2), smallest.getLineColor());
        assertEquals(Palette.ramp(1, 2), largest.getLineColor());
        for (int n = 1; n <= 6; n++) {
            for (int i = 0; i < n; i++) {
                assertTrue(!Palette.named().containsValue(Palette.ramp(i, n)), "a size's colour is no arm's or task's: " + Palette.ramp(i, n));
            }
        }
        java.util.function.Function<java.awt.Color, Integer> light = c -> c.getRed() + c.getGreen() + c.getBlue();
        assertTrue(light.apply(Palette.ramp(0, 4)) < light.apply(Palette.ramp(3, 4)), "the smallest size darkest");
    }

    /** Two sizes × three budgets, three paired seeds per rung, made up so that loss falls with compute. */
    static List<tinyfm.scale.Ladder.Rung> madeUpLadder() {
        List<tinyfm.scale.Ladder.Rung> rungs = new java.util.ArrayList<>();
        for (int s = 0; s < 2; s++) {
            for (int b = 0; b < 3; b++) {
                double flops = (s + 1) * Math.pow(2, b) * 1e11, gain = 0.05 * b;
                var topic = new tinyfm.scale.Ladder.Transfer("topic", List.of(0.4 + gain, 0.45 + gain, 0.5 + gain), List.of(0.35, 0.4, 0.45));
                var sentiment = new tinyfm.scale.Ladder.Transfer("sentiment", List.of(0.52, 0.55, 0.5), List.of(0.5, 0.51, 0.52));
                rungs.add(new tinyfm.scale.Ladder.Rung(s == 0 ? "xs" : "s", 1000L * (s + 1), 500L * (s + 1), 100 << b, 1000L << b, flops, 1,
                        3.5 - 0.1 * Math.log(flops / 1e11) - 0.05 * s, List.of(topic, sentiment),
                        List.of(new tinyfm.scale.Ladder.ZeroShot("topic", 0.3 + gain, 0.25, 400), new tinyfm.scale.Ladder.ZeroShot("sentiment", 0.5, 0.5, 600))));
            }
        }
        return rungs;
    }

    @Test
    void ladderChartsDrawALinePerSizeTheFitChanceAndTheNoiseBand() {
        List<tinyfm.scale.Ladder.Rung> rungs = madeUpLadder();
        long sizes = rungs.stream().map(tinyfm.scale.Ladder.Rung::size).distinct().count();
        var loss = tinyfm.scale.ScaleReport.lossAgainstCompute(rungs).getSeriesMap();
        assertEquals(sizes + 1, loss.size(), "a series per size, and the fit: " + loss.keySet());
        assertTrue(loss.keySet().stream().anyMatch(k -> k.startsWith("fit on the frontier")));
        var byParameters = tinyfm.scale.ScaleReport.lossAgainstParameters(rungs).getSeriesMap();
        for (var series : byParameters.values()) {
            assertEquals(sizes, series.getXData().length, "a line per budget joins the sizes, never one size's budgets");
        }
        var zero = tinyfm.scale.ScaleReport.zeroShotAgainstCompute(rungs, "sentiment").getSeriesMap();
        assertTrue(zero.containsKey("chance (50%)"), zero.keySet().toString());
        assertTrue(zero.keySet().stream().anyMatch(k -> k.startsWith("guessing, 95% band (±4.0 points")), zero.keySet().toString());
        for (String task : List.of("topic", "sentiment")) {
            var gain = tinyfm.scale.ScaleReport.transferGainAgainstCompute(rungs, task).getSeriesMap();
            assertTrue(gain.containsKey("no difference"), gain.keySet().toString());
            assertEquals(sizes + 1, gain.size(), "a series per size, and zero");
            var xs = gain.values().stream().filter(series -> !series.getName().equals("no difference")).findFirst().orElseThrow();
            assertTrue(xs.getExtraValues() != null && xs.getExtraValues().length == xs.getXData().length,
                    "every gain point carries its 95% interval as an error bar");
        }
    }

    @Test
    void theLadderReportCountsWhatItsIntervalsShow(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        List<String> charts = tinyfm.scale.ScaleReport.write(dir, madeUpLadder(), "tinyfm scale (test)", "this machine");
        assertEquals(List.of("loss-vs-compute", "loss-vs-parameters", "transfer-gain-topic", "zero-shot-topic", "transfer-gain-sentiment",
                "zero-shot-sentiment"), charts);
        String report = java.nio.file.Files.readString(dir.resolve("report.md"));
        // topic's gain is clearly positive at every budget (the seeds move together); sentiment's interval spans zero everywhere
        assertTrue(report.contains("**topic**: the transfer gain's interval lies above zero on 6 of 6 rungs"), report);
        assertTrue(report.contains("**sentiment**: the transfer gain's interval lies above zero on 0 of 6 rungs"), report);
        assertEquals(tinyfm.scale.ScaleReport.read(dir), madeUpLadder(), "ladder.json reads back to the same rungs");
    }

    @Test
    void theReadingChartStatesWhatTheProbesDidAndGivesTheLossItsOwnPanel() {
        var p = (java.util.function.BiFunction<Long, Double, tinyfm.pretraining.ReadingProbes.Point>) (tokens, acc) ->
                new tinyfm.pretraining.ReadingProbes.Point(0, tokens, "topic", 8, new double[] {acc, acc}, acc, 0.25);
        var rising = new ReadingChart.Reading(List.of(p.apply(0L, 0.25), p.apply(100_000L, 0.4), p.apply(2_000_000L, 0.6)),
                List.of(new ReadingChart.Loss(0.1, 3.0, false), new ReadingChart.Loss(2.0, 2.0, false)), java.util.OptionalLong.empty());
        assertEquals("As it read 2 M tokens, the probes rose: topic 40% → 60%", ReadingChart.probeChart(rising).getTitle());
        assertTrue(ReadingChart.probeChart(rising).getSeriesMap().keySet().stream().noneMatch(n -> n.contains("bits")), "no loss on the probes' axis");
        var falling = new ReadingChart.Reading(List.of(p.apply(100_000L, 0.5), p.apply(200_000L, 0.3)), List.of(), java.util.OptionalLong.empty());
        assertEquals("As it read 200,000 tokens, the probes moved: topic 50% → 30%", ReadingChart.probeChart(falling).getTitle());
    }
}
