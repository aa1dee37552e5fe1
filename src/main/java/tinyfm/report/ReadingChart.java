package tinyfm.report;

import com.google.gson.JsonObject;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;
import tinyfm.base.Provenance;
import tinyfm.pretraining.Pretrainer;
import tinyfm.pretraining.ReadingProbes;
import tinyfm.util.Json;
import tinyfm.util.UserError;

/**
 * What a base knew as it read: the linear probe's test accuracy on each task (mean over seeds, with
 * its 95% interval) and the validation bits per byte, against tokens read, from the base's own
 * provenance ({@code pretrain --probe}). Chance is drawn for every task.
 *
 * <p>A base that {@code adapt --probe} continued from a probed parent starts with the parent's run:
 * its probes (those probed the same way, before the continuation's first) and its loss curve, so the
 * chart runs on from where the parent's ended. Only the parent's own run is drawn, not its ancestors'.
 */
public final class ReadingChart {
    private ReadingChart() {}

    /** Everything the chart and table draw, against all the tokens read (a parent's counted). */
    public record Reading(List<ReadingProbes.Point> probes, List<Loss> losses, OptionalLong continuedAt) {
        /** The tasks, in the order they were first probed. */
        public List<String> tasks() {
            return probes.stream().map(ReadingProbes.Point::task).distinct().toList();
        }
    }

    /** Validation bits per byte after this many million tokens; {@code parentsText} when a parent was validated on another text than the base. */
    public record Loss(double millionTokens, double bitsPerByte, boolean parentsText) {}

    public static Reading of(JsonObject provenance, String file) {
        if (!provenance.has("reading_probes")) {
            throw new UserError(file + ": this base records no probes; pretrain it with --probe TASKS (or adapt it with --probe) to draw what it knew as it read");
        }
        List<ReadingProbes.Point> own = points(provenance);
        JsonObject parent = provenance.has("parent") ? provenance.getAsJsonObject("parent") : null;
        List<ReadingProbes.Point> before = parent == null ? List.of() : parentProbes(parent, own);
        List<ReadingProbes.Point> probes = new ArrayList<>(before);
        probes.addAll(own);
        long tokensBefore = Provenance.tokensRead(provenance) - provenance.get("tokens_seen").getAsLong();
        List<Loss> losses = new ArrayList<>();
        if (parent != null && parent.has("curve")) {
            long parentTokens = parent.get("tokens_seen").getAsLong();
            long parentBefore = (parent.has("total_tokens_seen") ? parent.get("total_tokens_seen").getAsLong() : parentTokens) - parentTokens;
            boolean sameText = parent.has("corpus_sha256") && parent.get("corpus_sha256").equals(provenance.get("corpus_sha256"));
            losses.addAll(losses(parent, parentBefore, !sameText));
        }
        losses.addAll(losses(provenance, tokensBefore, false));
        return new Reading(List.copyOf(probes), List.copyOf(losses), before.isEmpty() ? OptionalLong.empty() : OptionalLong.of(tokensBefore));
    }

    private static List<ReadingProbes.Point> points(JsonObject run) {
        return List.of(Json.GSON.fromJson(run.get("reading_probes"), ReadingProbes.Point[].class));
    }

    /** The parent's probes made the same way as the base's own (task, labels, seeds), before its own first. */
    private static List<ReadingProbes.Point> parentProbes(JsonObject parent, List<ReadingProbes.Point> own) {
        if (!parent.has("reading_probes") || own.isEmpty()) {
            return List.of();
        }
        long start = own.stream().mapToLong(ReadingProbes.Point::tokensSeen).min().orElseThrow();
        return points(parent).stream()
                .filter(p -> p.tokensSeen() < start && own.stream().anyMatch(o -> o.task().equals(p.task())
                        && o.labels() == p.labels() && o.accuracies().length == p.accuracies().length))
                .toList();
    }

    /** A run's validation curve; its steps become tokens at the run's own tokens per step, after what was read before it. */
    private static List<Loss> losses(JsonObject run, long tokensBefore, boolean parentsText) {
        double tokensPerStep = run.get("tokens_seen").getAsDouble() / Math.max(1, run.get("steps").getAsInt());
        List<Loss> losses = new ArrayList<>();
        for (Pretrainer.Point p : Json.GSON.fromJson(run.get("curve"), Pretrainer.Point[].class)) {
            if (p.step() > 0 && Double.isFinite(p.validationBitsPerByte())) {
                losses.add(new Loss((tokensBefore + p.step() * tokensPerStep) / 1e6, p.validationBitsPerByte(), parentsText));
            }
        }
        return losses;
    }

    /** The two panels, stacked in one picture over the same tokens axis: what the probes knew, and the validation loss. */
    public static BufferedImage image(JsonObject provenance, String file) {
        return image(of(provenance, file));
    }

    public static BufferedImage image(Reading reading) {
        List<XYChart> panels = List.of(probeChart(reading), lossChart(reading));
        double from = Double.MAX_VALUE, to = 0;
        for (XYChart panel : panels) {
            for (var series : panel.getSeriesMap().values()) {
                for (double x : series.getXData()) {
                    from = Math.min(from, x);
                    to = Math.max(to, x);
                }
            }
        }
        for (XYChart panel : panels) { // one tokens axis: a point above sits over the same point below
            panel.getStyler().setXAxisMin(from);
            panel.getStyler().setXAxisMax(to);
        }
        return Charts.stacked(panels);
    }

    /** The top panel: each task's linear-probe test accuracy (mean, 95% interval) and its chance line, in the task's colour. */
    public static XYChart probeChart(Reading reading) {
        XYChart chart = panel(title(reading), "probe test accuracy (%, mean, 95% interval)", 520);
        chart.getStyler().setErrorBarsColorSeriesColor(true); // each task's intervals in its colour, not all black
        Map<String, List<ReadingProbes.Point>> byTask = byTask(reading);
        double low = 100, high = 0;
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
            String name = String.format(Locale.ROOT, "%s probe (%d labels, %d seeds%s)", e.getKey(), any.labels(), any.accuracies().length,
                    atZero == null ? "" : String.format(Locale.ROOT, "; random weights: %.1f%%", 100 * atZero.meanAccuracy()));
            Color colour = Palette.task(e.getKey()); // a task's probe, intervals and chance line in the task's colour, as in every chart
            var probe = chart.addSeries(name, x, y, error);
            probe.setLineColor(colour);
            probe.setMarkerColor(colour);
            var chance = chart.addSeries(String.format(Locale.ROOT, "%s chance (%.0f%%)", e.getKey(), 100 * any.chance()),
                    List.of(x.get(0), x.get(x.size() - 1)), List.of(100 * any.chance(), 100 * any.chance()));
            chance.setMarker(SeriesMarkers.NONE);
            chance.setLineStyle(SeriesLines.DASH_DASH);
            chance.setLineColor(colour);
        }
        continuedAt(chart, reading, low, high);
        return chart;
    }

    /** The bottom panel: validation bits per byte, one line if both runs were validated on the same text, else one per text. */
    public static XYChart lossChart(Reading reading) {
        XYChart chart = panel("Validation loss over the same reading", "validation bits per byte", 300);
        chart.getStyler().setYAxisDecimalPattern("0.00"); // labels as wide as the probes' "70.0", so the two plots line up
        double first = reading.probes().stream().filter(p -> p.tokensSeen() > 0).mapToDouble(p -> p.tokensSeen() / 1e6).min().orElse(0);
        boolean sameText = reading.losses().stream().noneMatch(Loss::parentsText);
        Map<String, List<Loss>> lines = new LinkedHashMap<>();
        for (Loss l : reading.losses()) {
            if (l.millionTokens() >= first * 0.999) {
                String name = sameText ? "validation bits per byte"
                        : l.parentsText() ? "validation bits per byte, the parent's text" : "validation bits per byte, the adapted text";
                lines.computeIfAbsent(name, k -> new ArrayList<>()).add(l);
            }
        }
        double low = Double.MAX_VALUE, high = 0;
        for (Map.Entry<String, List<Loss>> e : lines.entrySet()) {
            List<Double> y = e.getValue().stream().map(Loss::bitsPerByte).toList();
            var line = chart.addSeries(e.getKey(), e.getValue().stream().map(Loss::millionTokens).toList(), y);
            line.setMarker(SeriesMarkers.NONE);
            line.setLineColor(e.getKey().contains("parent's text") ? Color.GRAY : Color.DARK_GRAY);
            low = Math.min(low, y.stream().mapToDouble(Double::doubleValue).min().orElse(low));
            high = Math.max(high, y.stream().mapToDouble(Double::doubleValue).max().orElse(high));
        }
        if (!lines.isEmpty()) {
            continuedAt(chart, reading, low, high);
        }
        return chart;
    }

    private static XYChart panel(String title, String yAxis, int height) {
        XYChart chart = new XYChartBuilder().width(900).height(height).title(title)
                .xAxisTitle("tokens read (millions, log scale)").yAxisTitle(yAxis).build();
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setYAxisDecimalPattern("0.0");
        return chart;
    }

    /** A dotted vertical line where adapt took over from the parent. */
    private static void continuedAt(XYChart chart, Reading reading, double low, double high) {
        if (reading.continuedAt().isPresent()) {
            double at = reading.continuedAt().getAsLong() / 1e6;
            var from = chart.addSeries(String.format(Locale.ROOT, "continued by adapt from here (%.1f M tokens)", at),
                    List.of(at, at), List.of(low, high));
            from.setMarker(SeriesMarkers.NONE);
            from.setLineStyle(SeriesLines.DOT_DOT);
            from.setLineColor(Color.GRAY);
        }
    }

    private static Map<String, List<ReadingProbes.Point>> byTask(Reading reading) {
        Map<String, List<ReadingProbes.Point>> byTask = new LinkedHashMap<>();
        reading.probes().forEach(p -> byTask.computeIfAbsent(p.task(), k -> new ArrayList<>()).add(p));
        return byTask;
    }

    /** The finding: each task's probe from its first point after random weights to its last. */
    static String title(Reading reading) {
        List<String> parts = new ArrayList<>();
        boolean[] allRose = {true};
        byTask(reading).forEach((task, points) -> {
            List<ReadingProbes.Point> read = points.stream().filter(p -> p.tokensSeen() > 0).toList();
            if (!read.isEmpty()) {
                ReadingProbes.Point a = read.get(0), b = read.get(read.size() - 1);
                allRose[0] &= b.meanAccuracy() > a.meanAccuracy();
                parts.add(String.format(Locale.ROOT, "%s %.0f%% → %.0f%%", task, 100 * a.meanAccuracy(), 100 * b.meanAccuracy()));
            }
        });
        long last = reading.probes().stream().mapToLong(ReadingProbes.Point::tokensSeen).max().orElse(0);
        return parts.isEmpty() ? "What the base knew as it read"
                : "As it read " + millions(last) + " tokens, the probes " + (allRose[0] ? "rose" : "moved") + ": " + String.join(", ", parts);
    }

    private static String millions(long tokens) {
        return tokens >= 1_000_000 ? String.format(Locale.ROOT, "%.0f M", tokens / 1e6) : String.format(Locale.ROOT, "%,d", tokens);
    }

    /** The probes as a Markdown table: a row per point of the reading, a column per task ("–" where a task was not probed). */
    public static String table(Reading reading) {
        List<String> tasks = reading.tasks();
        StringBuilder table = new StringBuilder("| tokens read | ").append(String.join(" | ", tasks)).append(" |\n");
        table.append("|---:|").append("---:|".repeat(tasks.size())).append('\n');
        Map<Long, Map<String, Double>> rows = new TreeMap<>();
        reading.probes().forEach(p -> rows.computeIfAbsent(p.tokensSeen(), k -> new LinkedHashMap<>()).put(p.task(), p.meanAccuracy()));
        rows.forEach((tokens, accuracy) -> table.append(String.format(Locale.ROOT, "| %,d | %s |%n", tokens, String.join(" | ",
                tasks.stream().map(t -> accuracy.containsKey(t) ? String.format(Locale.ROOT, "%.1f%%", 100 * accuracy.get(t)) : "–").toList()))));
        return table.toString();
    }

    static double halfWidth95(double[] xs) {
        List<Double> list = new ArrayList<>();
        for (double v : xs) {
            list.add(v);
        }
        return Summary.Stat.of(list).halfWidth95();
    }
}
