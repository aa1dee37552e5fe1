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
import tinyfm.report.Palette;
import tinyfm.report.Summary;
import tinyfm.util.AtomicFiles;
import tinyfm.util.Json;

/** The ladder's charts, tables and the power-law fit, written next to its raw results. */
public final class ScaleReport {
    /** Kaplan et al. 2020: L(C) ∝ C^−0.050 on the compute-efficient frontier (nats per token, non-embedding compute). */
    public static final double KAPLAN_COMPUTE_SLOPE = -0.050;
    /** Hoffmann et al. 2022: L(N, D) = E + A/N^0.34 + B/D^0.28; with N and D grown together compute-optimally, the reducible loss falls about as C^−0.154. */
    public static final double HOFFMANN_REDUCIBLE_SLOPE = -0.154;

    private ScaleReport() {}

    /** Writes ladder.json, ladder.csv, report.md and the charts; returns the chart names. */
    public static List<String> write(Path dir, List<Ladder.Rung> rungs, String command, String machine) {
        AtomicFiles.writeString(dir.resolve("ladder.json"), Json.GSON.toJson(rungs));
        AtomicFiles.writeString(dir.resolve("ladder.csv"), csv(rungs));
        List<Ladder.Rung> frontier = Ladder.frontier(rungs);
        double[] fit = Ladder.frontierFit(rungs);
        List<String> charts = drawCharts(dir, rungs);
        AtomicFiles.writeString(dir.resolve("report.md"), markdown(rungs, frontier, fit, command, machine));
        return charts;
    }

    /** The tasks a ladder measured, in its order. */
    public static List<String> tasks(List<Ladder.Rung> rungs) {
        return rungs.get(0).transfer().stream().map(Ladder.Transfer::task).toList();
    }

    static String csv(List<Ladder.Rung> rungs) {
        StringBuilder csv = new StringBuilder("size,parameters,non_embedding_parameters,steps,tokens,training_flops,train_seconds,validation_bits_per_byte");
        for (String task : tasks(rungs)) {
            csv.append(String.format(",%1$s_fine_tuned,%1$s_scratch,%1$s_gain,%1$s_gain_low,%1$s_gain_high,%1$s_seeds,%1$s_zero_shot", task));
        }
        csv.append('\n');
        for (Ladder.Rung r : rungs) {
            csv.append(String.format(Locale.ROOT, "%s,%d,%d,%d,%d,%.4g,%.1f,%.4f", r.size(), r.parameters(), r.nonEmbeddingParameters(), r.steps(),
                    r.tokens(), r.trainingFlops(), r.trainSeconds(), r.validationBitsPerByte()));
            for (String task : tasks(rungs)) {
                Ladder.Transfer t = r.transfer(task);
                Summary.Difference gain = t.gain();
                csv.append(String.format(Locale.ROOT, ",%.4f,%.4f,%.4f,%.4f,%.4f,%d,%.4f", Summary.Stat.of(t.fineTuned()).mean(),
                        Summary.Stat.of(t.scratch()).mean(), gain.mean(), gain.low(), gain.high(), gain.n(), r.zeroShot(task).accuracy()));
            }
            csv.append('\n');
        }
        return csv.toString();
    }

    /** The ladder's charts, drawn from its rungs (also from a committed ladder.json: {@code tinyfm report --scale DIR}). */
    public static List<String> drawCharts(Path dir, List<Ladder.Rung> rungs) {
        List<String> names = new ArrayList<>(List.of("loss-vs-compute", "loss-vs-parameters"));
        Charts.save(lossAgainstCompute(rungs), dir, "loss-vs-compute");
        Charts.save(lossAgainstParameters(rungs), dir, "loss-vs-parameters");
        for (String task : tasks(rungs)) {
            Charts.save(transferGainAgainstCompute(rungs, task), dir, "transfer-gain-" + task);
            Charts.save(zeroShotAgainstCompute(rungs, task), dir, "zero-shot-" + task);
            names.add("transfer-gain-" + task);
            names.add("zero-shot-" + task);
        }
        return names;
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
        List<String> tasks = tasks(rungs);
        int seeds = rungs.get(0).transfer().get(0).fineTuned().size();
        sb.append(String.format(Locale.ROOT, "Each rung is pretrained once; the transfer gain is fine-tuned − the same size from scratch, with %d labels, "
                + "over %d paired fine-tuning seeds (the same labelled examples for both arms per seed), with its 95%% interval. Zero-shot is "
                + "calibrated prompting, no training, on the whole test split.%n%n", Ladder.LABELS, seeds));
        sb.append("| size | parameters | steps | tokens | training FLOPs | seconds | validation bits/byte |");
        tasks.forEach(t -> sb.append(" gain on ").append(t).append(" |"));
        tasks.forEach(t -> sb.append(" zero-shot ").append(t).append(" |"));
        sb.append("\n|---|---:|---:|---:|---:|---:|---:|").append("---:|".repeat(2 * tasks.size())).append('\n');
        for (Ladder.Rung r : rungs) {
            sb.append(String.format(Locale.ROOT, "| %s | %,d | %d | %,d | %.2g | %.0f | %.3f |", r.size(), r.parameters(), r.steps(), r.tokens(),
                    r.trainingFlops(), r.trainSeconds(), r.validationBitsPerByte()));
            for (String task : tasks) {
                Summary.Difference g = r.transfer(task).gain();
                sb.append(String.format(Locale.ROOT, " %+.1f [%+.1f, %+.1f] |", 100 * g.mean(), 100 * g.low(), 100 * g.high()));
            }
            for (String task : tasks) {
                sb.append(String.format(Locale.ROOT, " %.1f%% |", 100 * r.zeroShot(task).accuracy()));
            }
            sb.append('\n');
        }
        sb.append('\n');
        for (String task : tasks) {
            sb.append(findings(rungs, task));
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
                + "irreducible term to fit at this size; and the learning-rate schedule is not tuned per size. Each rung is one pretraining run: "
                + "the intervals cover the fine-tuning draw, not the pretraining seed.\n");
        return sb.toString();
    }

    /** What the ladder shows on one task, counted from its rungs: where the gain's interval clears zero, where zero-shot leaves the guessing band. */
    public static String findings(List<Ladder.Rung> rungs, String task) {
        double chance = rungs.get(0).zeroShot(task).chance();
        int testSize = rungs.get(0).zeroShot(task).testTexts();
        long above = rungs.stream().filter(r -> r.transfer(task).gain().clearlyPositive()).count();
        double band = guessingBand(chance, testSize);
        long outside = rungs.stream().filter(r -> Math.abs(r.zeroShot(task).accuracy() - chance) > band).count();
        Ladder.Rung most = rungs.stream().max(java.util.Comparator.comparingDouble(Ladder.Rung::trainingFlops)).orElseThrow();
        Summary.Difference top = most.transfer(task).gain();
        return String.format(Locale.ROOT, "- **%s**: the transfer gain's interval lies above zero on %d of %d rungs; at the most compute (%s, %d steps) "
                + "it is %+.1f [%+.1f, %+.1f] points. Zero-shot accuracy leaves the band where guessing lands 95%% of the time (%.0f%% ± %.1f points, "
                + "%d test texts) on %d of %d rungs.%n", task, above, rungs.size(), most.size(), most.steps(), 100 * top.mean(), 100 * top.low(),
                100 * top.high(), 100 * chance, 100 * band, testSize, outside, rungs.size());
    }

    /** Half the width of the band in which a classifier that guesses lands 95% of the time (normal approximation to the binomial). */
    static double guessingBand(double chance, int testSize) {
        return 1.96 * Math.sqrt(chance * (1 - chance) / testSize);
    }

    private static XYChart chart(String title, String x, String y, boolean logX) {
        XYChart chart = new XYChartBuilder().width(800).height(500).title(title).xAxisTitle(x).yAxisTitle(y).build();
        chart.getStyler().setXAxisLogarithmic(logX);
        if (logX) {
            chart.getStyler().setXAxisDecimalPattern("#,##0.###"); // 0.1, 1, 10: not 1E-1, 1E0, 1E1
        }
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        return chart;
    }

    /** Compute on the charts' axes is in units of 10¹² FLOPs, so its ticks read 0.1, 1, 10. */
    static final double TERA = 1e12;
    static final String COMPUTE_AXIS = "compute (10¹² FLOPs, log scale)";

    /** A model size as the charts name it: its parameters, not a preset's letter. */
    static String sizeName(long parameters) {
        return String.format(Locale.ROOT, "%,d parameters", parameters);
    }

    /** Loss against compute on log-log axes, one line per model size, with the power law fitted on the frontier. */
    public static XYChart lossAgainstCompute(List<Ladder.Rung> rungs) {
        double[] fit = Ladder.frontierFit(rungs);
        String title = Double.isNaN(fit[0]) ? "Loss against training compute"
                : String.format(Locale.ROOT, "Loss falls with compute: C^%.3f along the frontier", fit[0]);
        XYChart chart = bySize(rungs, title, "training " + COMPUTE_AXIS, "validation bits per byte", true,
                r -> r.trainingFlops() / TERA, Ladder.Rung::validationBitsPerByte);
        chart.getStyler().setYAxisDecimalPattern("0.0");
        List<Ladder.Rung> frontier = Ladder.frontier(rungs);
        if (!Double.isNaN(fit[0])) {
            double from = frontier.get(0).trainingFlops(), to = frontier.get(frontier.size() - 1).trainingFlops();
            List<Double> x = java.util.stream.IntStream.rangeClosed(0, 20).mapToObj(i -> from * Math.pow(to / from, i / 20.0)).toList();
            List<Double> y = x.stream().map(c -> fit[1] * Math.pow(c, fit[0])).toList();
            level(chart.addSeries(String.format(Locale.ROOT, "fit on the frontier: C^%.3f", fit[0]), x.stream().map(c -> c / TERA).toList(), y),
                    java.awt.Color.BLACK);
        }
        return chart;
    }

    /** Loss against parameters: one line per compute budget (steps), so a line joins sizes, never a size's own budgets. */
    public static XYChart lossAgainstParameters(List<Ladder.Rung> rungs) {
        XYChart chart = chart("Loss against parameters", "parameters (log scale)", "validation bits per byte", true);
        List<Integer> budgets = rungs.stream().map(Ladder.Rung::steps).distinct().sorted().toList();
        for (int i = 0; i < budgets.size(); i++) {
            int steps = budgets.get(i);
            List<Ladder.Rung> rs = rungs.stream().filter(r -> r.steps() == steps).sorted(java.util.Comparator.comparingLong(Ladder.Rung::parameters)).toList();
            var line = chart.addSeries(String.format(Locale.ROOT, "%,d steps", steps), rs.stream().map(r -> (double) r.parameters()).toList(),
                    rs.stream().map(Ladder.Rung::validationBitsPerByte).toList());
            colour(line, Palette.ramp(i, budgets.size()));
        }
        return chart;
    }

    /** Fine-tuned − scratch on a task, one line per size, each point with its 95% interval over the paired seeds, and the zero line. */
    public static XYChart transferGainAgainstCompute(List<Ladder.Rung> rungs, String task) {
        int seeds = rungs.get(0).transfer(task).fineTuned().size();
        long above = rungs.stream().filter(r -> r.transfer(task).gain().low() > 0).count();
        XYChart chart = chart(String.format(Locale.ROOT, "%s: fine-tuned − scratch > 0 at %d of %d rungs (%d seeds each, 95%% intervals)", task,
                        above, rungs.size(), seeds),
                "pretraining " + COMPUTE_AXIS, "fine-tuned − scratch, test accuracy (points)", true);
        chart.getStyler().setErrorBarsColorSeriesColor(true);
        List<String> sizes = sizes(rungs);
        for (String size : sizes) {
            List<Ladder.Rung> rs = rungs.stream().filter(r -> r.size().equals(size)).toList();
            var line = chart.addSeries(sizeName(rs.get(0).parameters()),
                    rs.stream().map(r -> r.trainingFlops() / TERA).toList(),
                    rs.stream().map(r -> 100 * r.transfer(task).gain().mean()).toList(),
                    rs.stream().map(r -> {
                        Summary.Difference g = r.transfer(task).gain();
                        return Double.isNaN(g.high()) ? 0.0 : 100 * (g.high() - g.mean());
                    }).toList());
            colour(line, Palette.ramp(sizes.indexOf(size), sizes.size()));
        }
        level(chart.addSeries("no difference", span(rungs), List.of(0.0, 0.0)), java.awt.Color.GRAY);
        return chart;
    }

    /**
     * Zero-shot accuracy against compute, one line per size, with chance and the band in which a
     * classifier that guesses would land 95% of the time on a test set of this size (one pretraining run per rung; no seed enters zero-shot).
     */
    public static XYChart zeroShotAgainstCompute(List<Ladder.Rung> rungs, String task) {
        double chance = rungs.get(0).zeroShot(task).chance();
        int testSize = rungs.get(0).zeroShot(task).testTexts();
        long outside = rungs.stream().filter(r -> Math.abs(r.zeroShot(task).accuracy() - chance) > guessingBand(chance, testSize)).count();
        XYChart chart = byCompute(rungs, String.format(Locale.ROOT, "Zero-shot %s: outside guessing's 95%% band at %d of %d rungs", task, outside,
                        rungs.size()), "calibrated zero-shot test accuracy (%)", r -> 100 * r.zeroShot(task).accuracy());
        double band = 100 * guessingBand(chance, testSize);
        chart.getStyler().setYAxisMin(0.0); // the whole range: zoomed to a few points, noise looks like a trend
        chart.getStyler().setYAxisMax(100.0);
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
        return List.of(rungs.stream().mapToDouble(Ladder.Rung::trainingFlops).min().orElse(1) / TERA,
                rungs.stream().mapToDouble(Ladder.Rung::trainingFlops).max().orElse(1) / TERA);
    }

    private static void level(org.knowm.xchart.XYSeries s, java.awt.Color colour) {
        s.setMarker(SeriesMarkers.NONE);
        s.setLineStyle(org.knowm.xchart.style.lines.SeriesLines.DASH_DASH);
        s.setLineColor(colour);
    }

    static XYChart bySize(List<Ladder.Rung> rungs, String title, String xTitle, String yTitle, boolean logX,
                          java.util.function.ToDoubleFunction<Ladder.Rung> x, java.util.function.ToDoubleFunction<Ladder.Rung> y) {
        XYChart chart = chart(title, xTitle, yTitle, logX);
        List<String> sizes = sizes(rungs);
        for (String size : sizes) {
            List<Double> xs = new ArrayList<>(), ys = new ArrayList<>();
            rungs.stream().filter(r -> r.size().equals(size)).forEach(r -> {
                xs.add(x.applyAsDouble(r));
                ys.add(y.applyAsDouble(r));
            });
            long params = rungs.stream().filter(r -> r.size().equals(size)).findFirst().orElseThrow().parameters();
            colour(chart.addSeries(sizeName(params), xs, ys), Palette.ramp(sizes.indexOf(size), sizes.size()));
        }
        return chart;
    }

    /** The ladder's sizes, smallest first, so the ramp runs dark to light with the parameters. */
    private static List<String> sizes(List<Ladder.Rung> rungs) {
        return rungs.stream().sorted(java.util.Comparator.comparingLong(Ladder.Rung::parameters)).map(Ladder.Rung::size).distinct().toList();
    }

    private static void colour(org.knowm.xchart.XYSeries s, java.awt.Color colour) {
        s.setLineColor(colour);
        s.setMarkerColor(colour);
    }

    static XYChart byCompute(List<Ladder.Rung> rungs, String title, String yTitle, java.util.function.ToDoubleFunction<Ladder.Rung> y) {
        return bySize(rungs, title, "pretraining " + COMPUTE_AXIS, yTitle, true, r -> r.trainingFlops() / TERA, y);
    }
}
