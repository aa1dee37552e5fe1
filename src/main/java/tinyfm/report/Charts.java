package tinyfm.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import tinyfm.comparison.Comparison.Method;
import tinyfm.comparison.Comparison.Run;
import tinyfm.finetuning.FineTuner;
import tinyfm.util.AtomicFiles;
import tinyfm.util.UserError;

/** The comparison's charts, drawn with XChart and written as PNG and SVG. */
public final class Charts {
    private static final int WIDTH = 800, HEIGHT = 500;

    private Charts() {}

    /** Validation accuracy against training seconds, one line per method (seed 1, the largest label budget). */
    public static XYChart learningCurves(List<Run> runs, String task, String labels) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
                .title("Learning curves: " + task + " (" + labels + " labels, seed 1)")
                .xAxisTitle("training time (s)").yAxisTitle("validation accuracy").build();
        style(chart.getStyler());
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
        for (Run r : runs) {
            if (r.task().equals(task) && r.labels().equals(labels) && r.seed() == 1 && r.curve().size() > 1) {
                List<Double> x = new ArrayList<>(), y = new ArrayList<>();
                for (FineTuner.Point p : r.curve()) {
                    x.add(p.seconds());
                    y.add(p.validationAccuracy());
                }
                chart.addSeries(r.method().label, x, y);
            }
        }
        return chart;
    }

    /**
     * Mean test accuracy against the number of labelled training examples, one line per method,
     * with error bars: the 95% confidence interval of the mean over seeds.
     */
    public static XYChart dataEfficiency(List<Summary.Cell> cells, String task) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
                .title("Data efficiency: " + task).xAxisTitle("labelled training examples (log scale)")
                .yAxisTitle("test accuracy (mean, 95% interval)").build();
        style(chart.getStyler());
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setErrorBarsColorSeriesColor(true); // each interval in its method's colour
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
        for (Method m : Method.values()) {
            List<Double> x = new ArrayList<>(), y = new ArrayList<>(), error = new ArrayList<>();
            if (m == Method.PROMPT_ZERO) { // no labels at all: a level line across the chart (a log axis has no 0)
                Summary.Cell zero = cells.stream().filter(c -> c.task().equals(task) && c.method() == m).findFirst().orElse(null);
                java.util.DoubleSummaryStatistics range = cells.stream().filter(c -> c.task().equals(task) && c.trainExamples() > 0)
                        .mapToDouble(Summary.Cell::trainExamples).summaryStatistics();
                if (zero != null && range.getCount() > 0) {
                    double acc = zero.testAccuracy().mean();
                    var series = chart.addSeries(m.label + " (no labels)", List.of(range.getMin(), range.getMax()), List.of(acc, acc));
                    series.setMarker(org.knowm.xchart.style.markers.SeriesMarkers.NONE);
                }
                continue;
            }
            cells.stream().filter(c -> c.task().equals(task) && c.method() == m)
                    .sorted(java.util.Comparator.comparingInt(Summary.Cell::trainExamples))
                    .forEach(c -> {
                        x.add((double) c.trainExamples());
                        y.add(c.testAccuracy().mean());
                        error.add(c.testAccuracy().halfWidth95());
                    });
            if (!x.isEmpty()) {
                chart.addSeries(m.label, x, y, error);
            }
        }
        return chart;
    }

    /**
     * Time to accuracy: seconds of training until validation accuracy first reached the best that
     * training from scratch reached, per task; a missing bar means the target was never reached.
     */
    public static CategoryChart timeToAccuracy(List<Summary.Cell> cells, List<String> tasks, String labels) {
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
                .title("Time to from-scratch's best validation accuracy (" + labels + " labels)")
                .xAxisTitle("task").yAxisTitle("seconds of training (mean over seeds)").build();
        style(chart.getStyler());
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        for (Method m : List.of(Method.PRETRAINED_FULL, Method.SCRATCH)) {
            List<Double> seconds = new ArrayList<>();
            for (String task : tasks) {
                Summary.Cell c = Summary.find(cells, task, labels, m);
                seconds.add(c == null || Double.isNaN(c.secondsToTarget().mean()) ? 0.0 : c.secondsToTarget().mean());
            }
            chart.addSeries(m.label, tasks, seconds);
        }
        return chart;
    }

    /** Wall time of the two routes: pretrain once and fine-tune each task, against training each task from scratch. */
    public static CategoryChart time(List<Summary.Cell> cells, List<String> tasks, String labels, double pretrainSeconds) {
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
                .title("Time: pretrain once + fine-tune each vs. from scratch each (" + labels + " labels)")
                .xAxisTitle("").yAxisTitle("seconds (training)").build();
        style(chart.getStyler());
        chart.getStyler().setStacked(true);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        List<String> routes = List.of("pretrained base", "from scratch");
        chart.addSeries("pretraining (once)", routes, List.of(pretrainSeconds, 0.0));
        for (String task : tasks) {
            Summary.Cell ft = Summary.find(cells, task, labels, Method.PRETRAINED_FULL), sc = Summary.find(cells, task, labels, Method.SCRATCH);
            if (ft != null && sc != null) {
                chart.addSeries(task, routes, List.of(ft.trainSeconds().mean(), sc.trainSeconds().mean()));
            }
        }
        return chart;
    }

    private static void style(org.knowm.xchart.style.AxesChartStyler s) {
        s.setChartBackgroundColor(java.awt.Color.WHITE);
        s.setPlotGridLinesVisible(true);
        s.setChartTitleFont(new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.BOLD, 16));
        s.setLegendFont(new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.PLAIN, 13));
        s.setAxisTitleFont(new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.PLAIN, 14));
    }

    /** Writes name.png and name.svg into dir, each atomically. */
    public static void save(Chart<?, ?> chart, Path dir, String name) {
        System.setProperty("java.awt.headless", "true");
        AtomicFiles.write(dir.resolve(name + ".png"), out -> BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG));
        AtomicFiles.write(dir.resolve(name + ".svg"), out -> {
            try {
                VectorGraphicsEncoder.saveVectorGraphic(chart, out, VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
            } catch (IOException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new UserError(dir.resolve(name + ".svg") + ": cannot draw the chart: " + e.getMessage());
            }
        });
    }
}
