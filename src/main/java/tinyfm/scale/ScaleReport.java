package tinyfm.scale;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import tinyfm.report.Charts;
import tinyfm.util.AtomicFiles;
import tinyfm.util.Json;

/** The ladder's charts, tables and the power-law fit, written next to its raw results. */
public final class ScaleReport {
    /** Kaplan et al. 2020: L(C) ∝ C^−0.050 on the compute-efficient frontier (nats per token, non-embedding compute). */
    public static final double KAPLAN_COMPUTE_SLOPE = -0.050;
    /** Hoffmann et al. 2022: L(N, D) = E + A/N^0.34 + B/D^0.28; with N and D grown together compute-optimally, the reducible loss falls about as C^−0.154. */
    public static final double HOFFMANN_REDUCIBLE_SLOPE = -0.154;

    private ScaleReport() {}

    /** Writes ladder.json, ladder.csv, report.md and four charts; returns the chart names. */
    public static List<String> write(Path dir, List<Ladder.Rung> rungs, String command, String machine) {
        AtomicFiles.writeString(dir.resolve("ladder.json"), Json.GSON.toJson(rungs));
        StringBuilder csv = new StringBuilder("size,parameters,non_embedding_parameters,steps,tokens,training_flops,train_seconds,"
                + "validation_bits_per_byte,fine_tuned_accuracy,scratch_accuracy,transfer_gain,zero_shot_accuracy\n");
        for (Ladder.Rung r : rungs) {
            csv.append(String.format(Locale.ROOT, "%s,%d,%d,%d,%d,%.4g,%.1f,%.4f,%.4f,%.4f,%.4f,%.4f%n", r.size(), r.parameters(),
                    r.nonEmbeddingParameters(), r.steps(), r.tokens(), r.trainingFlops(), r.trainSeconds(), r.validationBitsPerByte(),
                    r.fineTunedAccuracy(), r.scratchAccuracy(), r.transferGain(), r.zeroShotAccuracy()));
        }
        AtomicFiles.writeString(dir.resolve("ladder.csv"), csv.toString());
        List<Ladder.Rung> frontier = Ladder.frontier(rungs);
        double[] fit = Ladder.frontierFit(rungs);
        List<String> charts = drawCharts(dir, rungs);
        AtomicFiles.writeString(dir.resolve("report.md"), markdown(rungs, frontier, fit, command, machine));
        return charts;
    }

    /** The ladder's charts, drawn from its rungs (also from a committed ladder.json: {@code tinyfm report --scale DIR}). */
    public static List<String> drawCharts(Path dir, List<Ladder.Rung> rungs) {
        Charts.save(lossAgainstCompute(rungs), dir, "loss-vs-compute");
        Charts.save(lossAgainstParameters(rungs), dir, "loss-vs-parameters");
        Charts.save(transferGainAgainstCompute(rungs), dir, "transfer-gain-vs-compute");
        tinyfm.data.Task sentiment = tinyfm.data.Task.load(Ladder.ZERO_SHOT_TASK);
        Charts.save(zeroShotAgainstCompute(rungs, sentiment.chance("test"), sentiment.test().size()), dir, "zero-shot-vs-compute");
        return List.of("loss-vs-compute", "loss-vs-parameters", "transfer-gain-vs-compute", "zero-shot-vs-compute");
    }

    /** A committed ladder's rungs, read back from its ladder.json. */
    public static List<Ladder.Rung> read(Path dir) {
        Path file = dir.resolve("ladder.json");
        try {
            return List.of(Json.GSON.fromJson(java.nio.file.Files.readString(file), Ladder.Rung[].class));
        } catch (java.io.IOException | RuntimeException e) {
            throw new tinyfm.util.UserError(file + ": cannot read the ladder (" + e.getMessage() + "); give a folder that 'tinyfm scale' wrote");
        }
    }

    static String markdown(List<Ladder.Rung> rungs, List<Ladder.Rung> frontier, double[] fit, String command, String machine) {
        StringBuilder sb = new StringBuilder("# Scale, at the bottom of the scale\n\n");
        sb.append("Made by `").append(command).append("` on ").append(machine).append(".\n\n");
        sb.append("| size | parameters | steps | tokens | training FLOPs | seconds | validation bits/byte | fine-tuned | scratch | gain | zero-shot |\n");
        sb.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Ladder.Rung r : rungs) {
            sb.append(String.format(Locale.ROOT, "| %s | %,d | %d | %,d | %.2g | %.0f | %.3f | %.1f%% | %.1f%% | %+.1f | %.1f%% |%n", r.size(),
                    r.parameters(), r.steps(), r.tokens(), r.trainingFlops(), r.trainSeconds(), r.validationBitsPerByte(),
                    100 * r.fineTunedAccuracy(), 100 * r.scratchAccuracy(), 100 * r.transferGain(), 100 * r.zeroShotAccuracy()));
        }
        sb.append(String.format(Locale.ROOT, "%n**Fitted power law** on the compute-efficient frontier (%d points): validation loss ∝ C^%.3f.%n%n",
                frontier.size(), fit[0]));
        sb.append(String.format(Locale.ROOT, "Kaplan et al. 2020 report L(C) ∝ C^%.3f on their frontier, over about eight orders of magnitude of compute "
                + "and with models trained from 10^5 to 10^9 non-embedding parameters; Hoffmann et al. 2022 fit L(N, D) = E + A/N^0.34 + B/D^0.28, whose "
                + "reducible part falls about as C^%.3f when parameters and tokens grow together.%n%n", KAPLAN_COMPUTE_SLOPE, HOFFMANN_REDUCIBLE_SLOPE));
        sb.append("Where a toy ladder agrees: the loss falls smoothly with compute, roughly as a straight line on log-log axes. Where it cannot: this ladder spans two orders of magnitude of compute, not "
                + "eight, so its slope has a wide error; its runs stop far short of convergence, where loss still falls fast"
                + (fit[0] < KAPLAN_COMPUTE_SLOPE ? ", one reason its slope is steeper than Kaplan's" : "")
                + "; the loss is in bits per UTF-8 byte with a 2,048-token vocabulary, not nats per token; there is no "
                + "irreducible term to fit at this size; and the learning-rate schedule is not tuned per size. Zero-shot ability by prompting "
                + "stays at or near chance for every rung: the abilities that emerge in large models are far beyond this scale.\n");
        return sb.toString();
    }

    private static XYChart chart(String title, String x, String y, boolean logX) {
        XYChart chart = new XYChartBuilder().width(800).height(500).title(title).xAxisTitle(x).yAxisTitle(y).build();
        chart.getStyler().setXAxisLogarithmic(logX);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        return chart;
    }

    /** Loss against compute on log-log axes, one line per model size, with the power law fitted on the frontier. */
    public static XYChart lossAgainstCompute(List<Ladder.Rung> rungs) {
        XYChart chart = bySize(rungs, "Loss against training compute", "training FLOPs (log scale)", "validation bits per byte", true,
                Ladder.Rung::trainingFlops, Ladder.Rung::validationBitsPerByte);
        chart.getStyler().setYAxisDecimalPattern("0.0");
        List<Ladder.Rung> frontier = Ladder.frontier(rungs);
        double[] fit = Ladder.frontierFit(rungs);
        if (!Double.isNaN(fit[0])) {
            double from = frontier.get(0).trainingFlops(), to = frontier.get(frontier.size() - 1).trainingFlops();
            List<Double> x = java.util.stream.IntStream.rangeClosed(0, 20).mapToObj(i -> from * Math.pow(to / from, i / 20.0)).toList();
            List<Double> y = x.stream().map(c -> fit[1] * Math.pow(c, fit[0])).toList();
            level(chart.addSeries(String.format(Locale.ROOT, "fit on the frontier: C^%.3f", fit[0]), x, y), java.awt.Color.BLACK);
        }
        return chart;
    }

    /** Loss against parameters: one line per compute budget (steps), so a line joins sizes, never a size's own budgets. */
    public static XYChart lossAgainstParameters(List<Ladder.Rung> rungs) {
        XYChart chart = chart("Loss against parameters", "parameters (log scale)", "validation bits per byte", true);
        for (int steps : rungs.stream().map(Ladder.Rung::steps).distinct().sorted().toList()) {
            List<Ladder.Rung> rs = rungs.stream().filter(r -> r.steps() == steps).sorted(java.util.Comparator.comparingLong(Ladder.Rung::parameters)).toList();
            chart.addSeries(String.format(Locale.ROOT, "%,d steps", steps), rs.stream().map(r -> (double) r.parameters()).toList(),
                    rs.stream().map(Ladder.Rung::validationBitsPerByte).toList());
        }
        return chart;
    }

    /** Fine-tuned − scratch on topic at 100 labels, one line per size, with the zero line; one seed per rung. */
    public static XYChart transferGainAgainstCompute(List<Ladder.Rung> rungs) {
        XYChart chart = byCompute(rungs, "Transfer gain against pretraining compute (one seed per rung)",
                "fine-tuned − scratch, topic test accuracy (points)", r -> 100 * r.transferGain());
        level(chart.addSeries("no difference", span(rungs), List.of(0.0, 0.0)), java.awt.Color.GRAY);
        return chart;
    }

    /**
     * Zero-shot accuracy against compute, one line per size, with chance and the band in which a
     * classifier that guesses would land 95% of the time on a test set of this size (one seed per rung).
     */
    public static XYChart zeroShotAgainstCompute(List<Ladder.Rung> rungs, double chance, int testSize) {
        XYChart chart = byCompute(rungs, "Zero-shot accuracy against pretraining compute (" + Ladder.ZERO_SHOT_TASK + ", one seed per rung)",
                "zero-shot test accuracy (%)", r -> 100 * r.zeroShotAccuracy());
        double band = 100 * 1.96 * Math.sqrt(chance * (1 - chance) / testSize);
        level(chart.addSeries(String.format(Locale.ROOT, "chance (%.0f%%)", 100 * chance), span(rungs), List.of(100 * chance, 100 * chance)), java.awt.Color.GRAY);
        var high = chart.addSeries(String.format(Locale.ROOT, "guessing, 95%% band (±%.1f points, %d test texts)", band, testSize), span(rungs),
                List.of(100 * chance + band, 100 * chance + band));
        level(high, java.awt.Color.LIGHT_GRAY);
        var low = chart.addSeries(" ", span(rungs), List.of(100 * chance - band, 100 * chance - band));
        level(low, java.awt.Color.LIGHT_GRAY);
        low.setShowInLegend(false);
        return chart;
    }

    private static List<Double> span(List<Ladder.Rung> rungs) {
        return List.of(rungs.stream().mapToDouble(Ladder.Rung::trainingFlops).min().orElse(1),
                rungs.stream().mapToDouble(Ladder.Rung::trainingFlops).max().orElse(1));
    }

    private static void level(org.knowm.xchart.XYSeries s, java.awt.Color colour) {
        s.setMarker(SeriesMarkers.NONE);
        s.setLineStyle(org.knowm.xchart.style.lines.SeriesLines.DASH_DASH);
        s.setLineColor(colour);
    }

    static XYChart bySize(List<Ladder.Rung> rungs, String title, String xTitle, String yTitle, boolean logX,
                          java.util.function.ToDoubleFunction<Ladder.Rung> x, java.util.function.ToDoubleFunction<Ladder.Rung> y) {
        XYChart chart = chart(title, xTitle, yTitle, logX);
        for (String size : rungs.stream().map(Ladder.Rung::size).distinct().toList()) {
            List<Double> xs = new ArrayList<>(), ys = new ArrayList<>();
            rungs.stream().filter(r -> r.size().equals(size)).forEach(r -> {
                xs.add(x.applyAsDouble(r));
                ys.add(y.applyAsDouble(r));
            });
            long params = rungs.stream().filter(r -> r.size().equals(size)).findFirst().orElseThrow().parameters();
            chart.addSeries(String.format(Locale.ROOT, "%s (%,d params)", size, params), xs, ys);
        }
        return chart;
    }

    static XYChart byCompute(List<Ladder.Rung> rungs, String title, String yTitle, java.util.function.ToDoubleFunction<Ladder.Rung> y) {
        return bySize(rungs, title, "pretraining FLOPs (log scale)", yTitle, true, Ladder.Rung::trainingFlops, y);
    }
}
