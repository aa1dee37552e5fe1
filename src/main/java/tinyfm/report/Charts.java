package tinyfm.report;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;
import tinyfm.comparison.Arms;
import tinyfm.comparison.ExperimentSpec.Pair;
import tinyfm.comparison.LabelBudget;
import tinyfm.comparison.Run;
import tinyfm.util.AtomicFiles;

/** An experiment's charts, drawn with XChart and written as PNG. */
public final class Charts {
    private static final int WIDTH = 800, HEIGHT = 500;

    private Charts() {}

    /** The grey dashed level line every accuracy chart carries. */
    public static final String CHANCE = "chance";

    /**
     * Validation accuracy against training seconds at the largest label budget: for each arm that was
     * validated more than once, the best accuracy so far, averaged over seeds on a common time grid; with chance and the
     * time views' target as level lines (the time to target is where a curve crosses it).
     */
    public static XYChart learningCurves(List<Run> runs, Pair pair, String task, LabelBudget labels, TimeViews.Chance chance) {
        TimeViews.TimeToTarget target = TimeViews.timeToTarget(runs, pair, task, labels, chance);
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(Titles.equalTime(target, pair))
                .xAxisTitle("training time (s)").yAxisTitle("validation accuracy (%, best so far, mean over seeds)").build();
        style(chart.getStyler());
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setYAxisDecimalPattern("0");
        double end = 0;
        for (String m : Summary.armsIn(runs)) {
            List<Run> arm = TimeViews.arm(runs, task, labels, m).stream().filter(r -> !r.curve().isEmpty()).toList();
            if (arm.isEmpty() || arm.stream().allMatch(r -> r.curve().size() < 2)) {
                continue;
            }
            double last = arm.stream().mapToDouble(r -> r.curve().get(r.curve().size() - 1).seconds()).max().orElse(0);
            end = Math.max(end, last);
            List<Double> x = new ArrayList<>(), y = new ArrayList<>();
            for (int i = 0; i <= CURVE_POINTS; i++) {
                double t = last * i / CURVE_POINTS;
                double[] at = arm.stream().mapToDouble(r -> TimeViews.accuracyAt(r, t)).toArray();
                if (java.util.Arrays.stream(at).allMatch(Double::isFinite)) { // from the time every seed has validated once
                    x.add(t);
                    y.add(100 * java.util.Arrays.stream(at).average().orElseThrow());
                }
            }
            if (!x.isEmpty()) {
                var series = chart.addSeries(Arms.label(m) + " (" + arm.size() + " seeds)", x, y);
                series.setMarker(SeriesMarkers.NONE);
                series.setLineColor(Palette.arm(m));
            }
        }
        if (end > 0) {
            level(chart, CHANCE + String.format(java.util.Locale.ROOT, " (%.0f%%)", 100 * chance.validation()), end, 100 * chance.validation(), Palette.CHANCE);
            if (target.defined()) {
                level(chart, String.format(java.util.Locale.ROOT, "target %.1f%% (halfway from chance to the base's final)", 100 * target.target()),
                        end, 100 * target.target(), Palette.TARGET);
            }
        }
        return chart;
    }

    /**
     * The learning-rate range test: the smoothed training loss against the head's learning rate on
     * a log axis, with the loss of guessing uniformly among the labels (ln K, chance) and the suggested rate.
     */
    public static XYChart learningRateRange(tinyfm.finetuning.LearningRateFinder.Result result, String task, int labels) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
                .title("Learning-rate range test: " + task)
                .xAxisTitle("head learning rate (log scale)").yAxisTitle("training loss (smoothed, nats)").build();
        style(chart.getStyler());
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setXAxisLogarithmic(true);
        List<Double> x = result.points().stream().map(tinyfm.finetuning.LearningRateFinder.Point::learningRate).toList();
        List<Double> y = result.points().stream().map(tinyfm.finetuning.LearningRateFinder.Point::smoothedLoss).toList();
        chart.addSeries("smoothed loss", x, y).setMarker(SeriesMarkers.NONE);
        double lo = x.get(0), hi = x.get(x.size() - 1), guess = Math.log(labels);
        var c = chart.addSeries(String.format(java.util.Locale.ROOT, "%s: guessing among %d labels (ln %d = %.2f)", CHANCE, labels, labels, guess),
                List.of(lo, hi), List.of(guess, guess));
        c.setMarker(SeriesMarkers.NONE);
        c.setLineStyle(SeriesLines.DASH_DASH);
        c.setLineColor(Palette.CHANCE);
        double top = y.stream().mapToDouble(Double::doubleValue).max().orElse(guess), bottom = y.stream().mapToDouble(Double::doubleValue).min().orElse(0);
        var s = chart.addSeries(String.format(java.util.Locale.ROOT, "suggested: %.1e (a tenth of the lowest loss's %.1e)", result.suggested(), result.lowestAt()),
                List.of(result.suggested(), result.suggested()), List.of(Math.min(bottom, guess), Math.max(top, guess)));
        s.setMarker(SeriesMarkers.NONE);
        s.setLineColor(Palette.TARGET);
        return chart;
    }

    private static final int CURVE_POINTS = 60;

    private static void level(XYChart chart, String name, double end, double value, java.awt.Color colour) {
        var s = chart.addSeries(name, List.of(0.0, end), List.of(value, value));
        s.setMarker(SeriesMarkers.NONE);
        s.setLineStyle(SeriesLines.DASH_DASH);
        s.setLineColor(colour);
    }

    /** The x-axis ticks of a budget chart: one per label budget, "all" with its number of examples. */
    static List<String> budgetTicks(List<Summary.Cell> cells, String task) {
        return cells.stream().filter(c -> c.task().equals(task) && Arms.trained(c.arm()))
                .sorted(java.util.Comparator.comparingInt(Summary.Cell::trainExamples))
                .map(c -> c.labels().all() ? String.format(java.util.Locale.ROOT, "all (%,d)", c.trainExamples()) : c.labels().toString())
                .distinct().toList();
    }

    /**
     * Mean test accuracy against the label budget, one line per arm with its 95% interval over
     * seeds, a tick at every budget, and chance; zero-shot prompting (no labels) as a level line.
     * With one budget, dots and intervals: a line through one point draws nothing. The title states
     * the pair's paired verdict, the claim the chart illustrates.
     */
    public static CategoryChart dataEfficiency(List<Run> runs, Pair pair, String task, TimeViews.Chance chance) {
        List<Summary.Cell> cells = Summary.cells(runs);
        List<String> ticks = budgetTicks(cells, task);
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
                .title(Titles.dataEfficiency(runs, pair, task)).xAxisTitle("labelled training examples")
                .yAxisTitle("test accuracy (%, mean and 95% interval)").build();
        style(chart.getStyler());
        chart.getStyler().setDefaultSeriesRenderStyle(ticks.size() == 1 ? CategorySeries.CategorySeriesRenderStyle.Scatter
                : CategorySeries.CategorySeriesRenderStyle.Line);
        chart.getStyler().setErrorBarsColorSeriesColor(true);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setYAxisDecimalPattern("0");
        chart.getStyler().setOverlapped(true); // every series at its budget's tick, not spread like bars
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisMax(100.0);
        for (String m : cells.stream().map(Summary.Cell::arm).filter(Arms::trained).distinct().toList()) {
            List<Double> y = new ArrayList<>(), error = new ArrayList<>();
            cells.stream().filter(c -> c.task().equals(task) && c.arm().equals(m))
                    .sorted(java.util.Comparator.comparingInt(Summary.Cell::trainExamples))
                    .forEach(c -> {
                        y.add(100 * c.testAccuracy().mean());
                        error.add(100 * c.testAccuracy().halfWidth95());
                    });
            if (y.size() == ticks.size()) {
                var series = chart.addSeries(Arms.label(m), ticks, y, error);
                series.setLineColor(Palette.arm(m));
                series.setMarkerColor(Palette.arm(m));
                series.setFillColor(Palette.arm(m));
            }
        }
        Summary.Cell zero = cells.stream().filter(c -> c.task().equals(task) && c.arm().equals(tinyfm.comparison.PromptedArm.ZERO_SHOT))
                .findFirst().orElse(null);
        if (zero != null) {
            categoryLevel(chart, Arms.label(zero.arm()) + " (no labels)", ticks, 100 * zero.testAccuracy().mean(), Palette.arm(zero.arm()));
        }
        categoryLevel(chart, CHANCE + String.format(java.util.Locale.ROOT, " (%.0f%%)", 100 * chance.test()), ticks, 100 * chance.test(), Palette.CHANCE);
        return chart;
    }

    /** A dashed level line from the first tick to the last; with one tick, across the whole plot, or it would have no length. */
    private static void categoryLevel(CategoryChart chart, String name, List<String> ticks, double value, java.awt.Color colour) {
        var s = chart.addSeries(name, ticks, java.util.Collections.nCopies(ticks.size(), value));
        s.setChartCategorySeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Line);
        s.setMarker(SeriesMarkers.NONE);
        s.setLineStyle(SeriesLines.DASH_DASH);
        s.setLineColor(colour);
        if (ticks.size() == 1) {
            chart.addAnnotation(new LevelLine(value, colour));
        }
    }

    /**
     * The transfer claim's own evidence: the pair's test accuracy difference (by default fine-tuned −
     * scratch), paired by seed, with its 95% interval, per label budget and task; zero is "no difference".
     */
    public static CategoryChart transferGain(List<Run> runs, Pair pair) {
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
                .title(Titles.transferGain(runs, pair)).xAxisTitle("labelled training examples")
                .yAxisTitle("test accuracy difference (points, 95% interval)").build();
        style(chart.getStyler());
        chart.getStyler().setErrorBarsColorSeriesColor(true);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setYAxisDecimalPattern("0");
        chart.getStyler().setOverlapped(true);
        List<String> tasks = Summary.tasks(runs);
        List<LabelBudget> budgets = Summary.labelOrder(runs).stream() // the budgets every task has both arms at
                .filter(l -> tasks.stream().allMatch(t -> Summary.paired(runs, t, l, pair).n() > 0)).toList();
        List<String> ticks = budgets.stream().map(LabelBudget::toString).toList();
        chart.getStyler().setDefaultSeriesRenderStyle(ticks.size() == 1 ? CategorySeries.CategorySeriesRenderStyle.Scatter
                : CategorySeries.CategorySeriesRenderStyle.Line);
        for (String task : tasks) {
            List<Double> y = new ArrayList<>(), error = new ArrayList<>();
            for (LabelBudget labels : budgets) {
                Summary.Difference d = Summary.paired(runs, task, labels, pair);
                y.add(100 * d.mean());
                error.add(d.n() < 2 ? 0.0 : 100 * (d.high() - d.low()) / 2);
            }
            if (!budgets.isEmpty()) {
                var series = chart.addSeries(task, ticks, y, error);
                series.setLineColor(Palette.task(task));
                series.setMarkerColor(Palette.task(task));
                series.setFillColor(Palette.task(task));
            }
        }
        categoryLevel(chart, "no difference", ticks, 0, Palette.CHANCE);
        return chart;
    }

    /**
     * The cost side as a break-even: for one task, test accuracy against training seconds per task.
     * Training from scratch pays its own seconds for every task; the base pays its fine-tune plus a
     * share of the one pretraining, which falls as it serves more tasks (1, 10, 100, ... tasks, one
     * point each). Where the base's cost per task meets the scratch's is the break-even.
     */
    public static XYChart cost(List<Summary.Cell> cells, Pair pair, String task, LabelBudget labels, double pretrainSeconds) {
        Summary.Cell base = Summary.find(cells, task, labels, pair.arm()), other = Summary.find(cells, task, labels, pair.against());
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(Titles.cost(base, other, pair, task, labels, pretrainSeconds))
                .xAxisTitle("training seconds per task (log scale; the base's include its share of pretraining)")
                .yAxisTitle("test accuracy (%, mean over seeds)").build();
        style(chart.getStyler());
        chart.getStyler().setDefaultSeriesRenderStyle(org.knowm.xchart.XYSeries.XYSeriesRenderStyle.Scatter);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisMax(100.0);
        chart.getStyler().setYAxisDecimalPattern("0");
        chart.getStyler().setMarkerSize(10);
        if (base == null || other == null || !Double.isFinite(pretrainSeconds)) {
            return chart;
        }
        List<Double> x = new ArrayList<>(), y = new ArrayList<>();
        for (int n : SHARED_BY) {
            x.add(pretrainSeconds / n + base.trainSeconds().mean());
            y.add(100 * base.testAccuracy().mean());
        }
        var shared = chart.addSeries(Arms.label(pair.arm()) + ": pretraining shared by 1, 10, ..., 10^5 tasks", x, y);
        shared.setMarkerColor(Palette.arm(pair.arm()));
        shared.setMarker(SeriesMarkers.CIRCLE);
        var alone = chart.addSeries(Arms.label(pair.against()) + ": its own training, every task", List.of(other.trainSeconds().mean()),
                List.of(100 * other.testAccuracy().mean()));
        if (!(other.trainSeconds().mean() > 0)) {
            chart.getStyler().setXAxisLogarithmic(false); // an arm that trains in no measurable time has no place on a log axis
        }
        alone.setMarkerColor(Palette.arm(pair.against()));
        alone.setMarker(SeriesMarkers.DIAMOND);
        return chart;
    }

    /** How many tasks share one pretraining at the cost chart's points. */
    static final int[] SHARED_BY = {1, 10, 100, 1_000, 10_000, 100_000};

    private static void style(org.knowm.xchart.style.AxesChartStyler s) {
        s.setChartBackgroundColor(java.awt.Color.WHITE);
        s.setPlotGridLinesVisible(true);
        s.setChartTitleFont(new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.BOLD, 16));
        s.setLegendFont(new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.PLAIN, 13));
        s.setAxisTitleFont(new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.PLAIN, 14));
    }

    /** Panels drawn one below the other, each at its own size, as one picture. */
    public static BufferedImage stacked(List<? extends Chart<?, ?>> panels) {
        System.setProperty("java.awt.headless", "true");
        List<BufferedImage> images = panels.stream().map(BitmapEncoder::getBufferedImage).toList();
        int width = images.stream().mapToInt(BufferedImage::getWidth).max().orElse(1);
        int height = images.stream().mapToInt(BufferedImage::getHeight).sum();
        BufferedImage all = new BufferedImage(width, Math.max(1, height), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = all.createGraphics();
        g.setColor(java.awt.Color.WHITE);
        g.fillRect(0, 0, width, height);
        int y = 0;
        for (BufferedImage image : images) {
            g.drawImage(image, 0, y, null);
            y += image.getHeight();
        }
        g.dispose();
        return all;
    }

    /** Writes name.png into dir, atomically. */
    public static void save(BufferedImage image, Path dir, String name) {
        AtomicFiles.write(dir.resolve(name + ".png"), out -> ImageIO.write(image, "png", out));
    }

    /** Writes name.png into dir, atomically. */
    public static void save(Chart<?, ?> chart, Path dir, String name) {
        System.setProperty("java.awt.headless", "true");
        AtomicFiles.write(dir.resolve(name + ".png"), out -> BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG));
    }
}
