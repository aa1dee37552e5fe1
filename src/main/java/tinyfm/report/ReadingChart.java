package tinyfm.report;

import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;
import tinyfm.pretraining.Pretrainer;
import tinyfm.pretraining.ReadingProbes;
import tinyfm.util.Json;
import tinyfm.util.UserError;

/**
 * What a base knew as it read: the linear probe's test accuracy on each task (mean over seeds, with
 * its 95% interval) and the validation bits per byte, against tokens read, from the base's own
 * provenance ({@code pretrain --probe}). Chance is drawn for every task.
 */
public final class ReadingChart {
    private ReadingChart() {}

    public static List<ReadingProbes.Point> probes(JsonObject provenance, String file) {
        if (!provenance.has("reading_probes")) {
            throw new UserError(file + ": this base records no probes; pretrain it with --probe TASKS to draw what it knew as it read");
        }
        return List.of(Json.GSON.fromJson(provenance.get("reading_probes"), ReadingProbes.Point[].class));
    }

    public static XYChart chart(JsonObject provenance, String file) {
        List<ReadingProbes.Point> probes = probes(provenance, file);
        double tokensPerStep = provenance.get("tokens_seen").getAsDouble() / Math.max(1, provenance.get("steps").getAsInt());
        XYChart chart = new XYChartBuilder().width(900).height(520).title("What the base knew as it read")
                .xAxisTitle("tokens read (millions, log scale)").yAxisTitle("probe test accuracy (%, mean and 95% interval over seeds)").build();
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setYAxisGroupPosition(1, Styler.YAxisPosition.Right);
        chart.setYAxisGroupTitle(1, "validation bits per byte");
        chart.getStyler().setYAxisDecimalPattern("0.0");
        Map<String, List<ReadingProbes.Point>> byTask = new LinkedHashMap<>();
        probes.forEach(p -> byTask.computeIfAbsent(p.task(), k -> new ArrayList<>()).add(p));
        double first = Double.MAX_VALUE, last = 0;
        for (Map.Entry<String, List<ReadingProbes.Point>> e : byTask.entrySet()) {
            List<Double> x = new ArrayList<>(), y = new ArrayList<>(), error = new ArrayList<>();
            ReadingProbes.Point atZero = null;
            for (ReadingProbes.Point p : e.getValue()) {
                if (p.tokensSeen() == 0) {
                    atZero = p; // a log axis has no 0: random weights go in the legend
                    continue;
                }
                x.add(p.tokensSeen() / 1e6);
                y.add(100 * p.meanAccuracy());
                error.add(100 * halfWidth95(p.accuracies()));
            }
            if (x.isEmpty()) {
                continue;
            }
            first = Math.min(first, x.get(0));
            last = Math.max(last, x.get(x.size() - 1));
            ReadingProbes.Point any = e.getValue().get(0);
            String name = String.format(Locale.ROOT, "%s probe (%d labels, %d seeds%s)", e.getKey(), any.labels(), any.accuracies().length,
                    atZero == null ? "" : String.format(Locale.ROOT, "; random weights: %.1f%%", 100 * atZero.meanAccuracy()));
            chart.addSeries(name, x, y, error);
            var chance = chart.addSeries(String.format(Locale.ROOT, "%s chance (%.0f%%)", e.getKey(), 100 * any.chance()),
                    List.of(x.get(0), x.get(x.size() - 1)), List.of(100 * any.chance(), 100 * any.chance()));
            chance.setMarker(SeriesMarkers.NONE);
            chance.setLineStyle(SeriesLines.DASH_DASH);
        }
        Pretrainer.Point[] curve = Json.GSON.fromJson(provenance.get("curve"), Pretrainer.Point[].class);
        List<Double> x = new ArrayList<>(), bpb = new ArrayList<>();
        for (Pretrainer.Point p : curve) {
            double tokens = p.step() * tokensPerStep / 1e6;
            if (p.step() > 0 && tokens >= first * 0.999 && Double.isFinite(p.validationBitsPerByte())) {
                x.add(tokens);
                bpb.add(p.validationBitsPerByte());
            }
        }
        if (!x.isEmpty()) {
            var loss = chart.addSeries("validation bits per byte (right axis)", x, bpb);
            loss.setYAxisGroup(1);
            loss.setMarker(SeriesMarkers.NONE);
            loss.setLineColor(java.awt.Color.DARK_GRAY);
        }
        return chart;
    }

    static double halfWidth95(double[] xs) {
        List<Double> list = new ArrayList<>();
        for (double v : xs) {
            list.add(v);
        }
        return Summary.Stat.of(list).halfWidth95();
    }
}
