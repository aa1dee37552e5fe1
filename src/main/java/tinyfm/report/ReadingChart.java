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

    /**
     * The base's probes, against every token it read. A base that {@code adapt --probe} continued from
     * a probed parent starts with the parent's points (those probed the same way, before the
     * continuation's first), so the curve runs on from where the parent's ended.
     */
    public static List<ReadingProbes.Point> probes(JsonObject provenance, String file) {
        if (!provenance.has("reading_probes")) {
            throw new UserError(file + ": this base records no probes; pretrain it with --probe TASKS (or adapt it with --probe) to draw what it knew as it read");
        }
        List<ReadingProbes.Point> own = List.of(Json.GSON.fromJson(provenance.get("reading_probes"), ReadingProbes.Point[].class));
        List<ReadingProbes.Point> all = new ArrayList<>(parentProbes(provenance, own));
        all.addAll(own);
        return List.copyOf(all);
    }

    /** Where a continued base's own reading began (the parent's tokens), if the chart draws the parent's probes before it. */
    public static java.util.OptionalLong continuedAt(JsonObject provenance) {
        if (!provenance.has("reading_probes")) {
            return java.util.OptionalLong.empty();
        }
        List<ReadingProbes.Point> own = List.of(Json.GSON.fromJson(provenance.get("reading_probes"), ReadingProbes.Point[].class));
        return parentProbes(provenance, own).isEmpty() ? java.util.OptionalLong.empty()
                : java.util.OptionalLong.of(tinyfm.base.Provenance.tokensRead(provenance) - provenance.get("tokens_seen").getAsLong());
    }

    private static List<ReadingProbes.Point> parentProbes(JsonObject provenance, List<ReadingProbes.Point> own) {
        JsonObject parent = provenance.has("parent") ? provenance.getAsJsonObject("parent") : null;
        if (parent == null || !parent.has("reading_probes") || own.isEmpty()) {
            return List.of();
        }
        long start = own.stream().mapToLong(ReadingProbes.Point::tokensSeen).min().orElseThrow();
        List<ReadingProbes.Point> kept = new ArrayList<>();
        for (ReadingProbes.Point p : Json.GSON.fromJson(parent.get("reading_probes"), ReadingProbes.Point[].class)) {
            boolean sameProbe = own.stream().anyMatch(o -> o.task().equals(p.task()) && o.labels() == p.labels()
                    && o.accuracies().length == p.accuracies().length);
            if (p.tokensSeen() < start && sameProbe) {
                kept.add(p);
            }
        }
        return kept;
    }

    /** Validation bits per byte against tokens read (millions): a continued base's parent run first, then its own. */
    private static List<double[]> bitsPerByte(JsonObject provenance) {
        List<double[]> points = new ArrayList<>();
        if (provenance.has("parent") && provenance.getAsJsonObject("parent").has("curve")) {
            JsonObject parent = provenance.getAsJsonObject("parent");
            long before = parent.get("total_tokens_seen").getAsLong() - parent.get("tokens_seen").getAsLong();
            addCurve(points, parent, before);
        }
        addCurve(points, provenance, tinyfm.base.Provenance.tokensRead(provenance) - provenance.get("tokens_seen").getAsLong());
        return points;
    }

    private static void addCurve(List<double[]> points, JsonObject run, long tokensBefore) {
        double tokensPerStep = run.get("tokens_seen").getAsDouble() / Math.max(1, run.get("steps").getAsInt());
        for (Pretrainer.Point p : Json.GSON.fromJson(run.get("curve"), Pretrainer.Point[].class)) {
            if (p.step() > 0 && Double.isFinite(p.validationBitsPerByte())) {
                points.add(new double[] {(tokensBefore + p.step() * tokensPerStep) / 1e6, p.validationBitsPerByte()});
            }
        }
    }

    public static XYChart chart(JsonObject provenance, String file) {
        List<ReadingProbes.Point> probes = probes(provenance, file);
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
        double first = Double.MAX_VALUE, last = 0, low = 100, high = 0;
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
            ReadingProbes.Point any = e.getValue().get(0);
            for (int i = 0; i < y.size(); i++) {
                low = Math.min(low, Math.min(100 * any.chance(), y.get(i) - error.get(i)));
                high = Math.max(high, y.get(i) + error.get(i));
            }
            first = Math.min(first, x.get(0));
            last = Math.max(last, x.get(x.size() - 1));
            String name = String.format(Locale.ROOT, "%s probe (%d labels, %d seeds%s)", e.getKey(), any.labels(), any.accuracies().length,
                    atZero == null ? "" : String.format(Locale.ROOT, "; random weights: %.1f%%", 100 * atZero.meanAccuracy()));
            chart.addSeries(name, x, y, error);
            var chance = chart.addSeries(String.format(Locale.ROOT, "%s chance (%.0f%%)", e.getKey(), 100 * any.chance()),
                    List.of(x.get(0), x.get(x.size() - 1)), List.of(100 * any.chance(), 100 * any.chance()));
            chance.setMarker(SeriesMarkers.NONE);
            chance.setLineStyle(SeriesLines.DASH_DASH);
        }
        List<Double> x = new ArrayList<>(), bpb = new ArrayList<>();
        for (double[] p : bitsPerByte(provenance)) {
            if (p[0] >= first * 0.999) {
                x.add(p[0]);
                bpb.add(p[1]);
            }
        }
        java.util.OptionalLong continued = continuedAt(provenance);
        if (continued.isPresent()) { // a dotted vertical line where adapt took over from the parent
            double at = continued.getAsLong() / 1e6;
            var from = chart.addSeries(String.format(Locale.ROOT, "continued by adapt from here (%.1f M tokens)", at),
                    List.of(at, at), List.of(low, high));
            from.setMarker(SeriesMarkers.NONE);
            from.setLineStyle(SeriesLines.DOT_DOT);
            from.setLineColor(java.awt.Color.GRAY);
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
