package tinyfm.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tinyfm.base.Bases;
import tinyfm.base.ModelFile;
import tinyfm.base.Provenance;
import tinyfm.data.Corpus;
import tinyfm.scale.Ladder;
import tinyfm.scale.ScaleReport;
import tinyfm.util.OutputLock;
import tinyfm.util.UserError;

@Command(name = "scale", sortOptions = false, description = {
        "Scale, measured: pretrain a ladder of model sizes for several compute budgets on the same corpus.",
        "For each rung: validation bits per byte, training FLOPs, the transfer gain on topic and on sentiment (fine-tuned − scratch, 100 labels, 3 paired seeds, with 95%% intervals) and calibrated zero-shot accuracy on each. Writes ladder.json and ladder.csv, report.md with the fitted power law, and charts."})
final class ScaleCommand implements Callable<Integer> {
    @Option(names = "--quick", description = "Three sizes × two budgets, for a first look (the full ladder, 4 × 4 with 3 seeds per rung, took 22 minutes on a 2-core AVX-512 EPYC).")
    boolean quick;

    @Option(names = "--corpus", defaultValue = "broad", description = "Corpus for every rung. Default: ${DEFAULT-VALUE}.")
    String corpus;

    @Option(names = "--seed", defaultValue = Main.DEFAULT_SEED, description = "Random seed of every rung's pretraining and fine-tuning "
            + "(the ladder in docs/measurements/scale was made with the default). Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--out", defaultValue = "results/scale", description = "Output folder (created if missing). Default: ${DEFAULT-VALUE}.")
    Path out;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        // the fit and the files written go to stdout; the intro, progress and each rung's line to stderr
        PrintWriter stdout = spec.commandLine().getOut(), stderr = spec.commandLine().getErr();
        Corpus c = Corpus.load(corpus); // a bad corpus fails before the output folder exists
        Outputs.ensureFolder(out);
        try (OutputLock lock = OutputLock.acquire(out.resolve("ladder.json"))) {
            Ladder.Plan plan = quick ? Ladder.Plan.quick(seed) : Ladder.Plan.full(seed);
            ModelFile first = ModelFile.load(Bases.first()); // its tokenizer, so every rung reads the same tokens as the committed ladder
            Ladder ladder = new Ladder(c, first.tokenizer(), plan);
            stderr.printf("Scaling ladder: %d sizes × %d budgets on %s; each rung is pretrained, then fine-tuned on %s (%d labels, %d paired seeds) "
                    + "and prompted zero-shot on each.%n", plan.sizes().size(), plan.steps().size(), c.name(), String.join(" and ", plan.tasks()),
                    plan.labels(), plan.seeds());
            ProgressLine bar = new ProgressLine(stderr, "scale");
            int[] done = {0};
            bar.update(0, ladder.runs(), "0/" + ladder.runs() + " rungs", true);
            List<Ladder.Rung> rungs = ladder.run(step -> bar.update(done[0], ladder.runs(), step, true), r -> {
                done[0]++;
                StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %-2s %,9d params  %4d steps  %.3f bits/byte", r.size(),
                        r.parameters(), r.steps(), r.validationBitsPerByte()));
                for (Ladder.Transfer t : r.transfer()) {
                    line.append(String.format(Locale.ROOT, "  %s gain %+.1f, zero-shot %.1f%%", t.task(), 100 * t.gain().mean(),
                            100 * r.zeroShot(t.task()).accuracy()));
                }
                bar.message(line.append(String.format(Locale.ROOT, "  (%.0f s)", r.trainSeconds())).toString());
                bar.update(done[0], ladder.runs(), done[0] + "/" + ladder.runs() + " rungs", true);
            });
            bar.finish();
            String command = "tinyfm scale" + (quick ? " --quick" : "") + (corpus.equals("broad") ? "" : " --corpus " + corpus)
                    + (seed == Long.parseLong(Main.DEFAULT_SEED) ? "" : " --seed " + seed);
            var m = Provenance.machine();
            String machine = Provenance.describe(m);
            List<String> charts = ScaleReport.write(out, rungs, command, machine);
            double[] fit = Ladder.frontierFit(rungs);
            stdout.printf(Locale.ROOT, "Loss falls as C^%.3f on the compute-efficient frontier (Kaplan et al. 2020: C^%.3f; Hoffmann et al. 2022: about C^%.3f "
                    + "for the reducible loss); report.md says why a toy ladder's slope is steeper.%n", fit[0], ScaleReport.KAPLAN_COMPUTE_SLOPE,
                    ScaleReport.HOFFMANN_REDUCIBLE_SLOPE);
            stdout.printf("Wrote %s: report.md, ladder.json, ladder.csv and %d charts.%n", out, charts.size());
            return 0;
        }
    }
}
