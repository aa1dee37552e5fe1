package tinyfm.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tinyfm.report.Report;
import tinyfm.util.UserError;

@Command(name = "report", sortOptions = false, description = {
        "Derive an experiment's tables and charts again from its results.json, pair two experiments seed by seed, or draw what a base knew as it read.",
        "Every number the README, docs/findings.md and notebook 4 cite comes from a committed results.json this way; --all redraws every committed experiment."})
final class ReportCommand implements Callable<Integer> {
    @CommandLine.ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    static final class Source {
        @Option(names = "--from", description = "A folder that 'tinyfm compare' or 'tinyfm demo' wrote, or its results.json.")
        Path from;

        @Option(names = "--all", paramLabel = "DIR", arity = "0..1", fallbackValue = "docs/results", description = "Every experiment "
                + "folder under DIR (default: the committed ones, docs/results): report.md, results.csv and charts derived again from each results.json.")
        Path all;

        @Option(names = "--reading", paramLabel = "BASE", description = "A base pretrained with --probe: draw its probes and loss against tokens read.")
        Path reading;

        @Option(names = "--pair", arity = "2", paramLabel = "RESULTS", description = "Two comparisons of different bases on the same cells "
                + "(each a folder that 'tinyfm compare' wrote, or its results.json): the fine-tune's and the probe's test accuracy, "
                + "A − B seed by seed, with a 95%% interval.")
        List<Path> pair;

        @Option(names = "--scale", paramLabel = "DIR", description = "A folder that 'tinyfm scale' wrote: draw its charts again from ladder.json.")
        Path scale;
    }

    @Option(names = "--out", description = "Where to write. Default: the --from folder; with --reading, the current folder; with --pair, a markdown file (default: print only).")
    Path out;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (source.reading != null) {
            return reading(source.reading);
        }
        if (source.pair != null) {
            tinyfm.util.UsageError.check(source.pair.size() == 2, "--pair takes two comparisons, A and B, once");
            return pair(source.pair.get(0), source.pair.get(1));
        }
        if (source.all != null) {
            return all(source.all);
        }
        if (source.scale != null) {
            Path dir = out != null ? out : source.scale;
            tinyfm.util.CrashPoints.createDirectories(dir);
            List<String> charts = tinyfm.scale.ScaleReport.drawCharts(dir, tinyfm.scale.ScaleReport.read(source.scale));
            spec.commandLine().getOut().printf("Wrote %d charts in %s, from %s.%n", charts.size(), dir, source.scale.resolve("ladder.json"));
            return 0;
        }
        Path from = resultsFolder(source.from);
        Report.Results results = Report.read(from);
        Path dir = out != null ? out : from;
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new UserError(dir + ": exists and is not a folder");
        }
        tinyfm.util.CrashPoints.createDirectories(dir);
        List<String> charts = Report.rewrite(dir, results);
        var o = spec.commandLine().getOut();
        ResultsText.summary(results).forEach(o::println);
        o.printf("%nWrote %s: report.md, results.csv and %d charts, from %s.%n", dir, charts.size(), from.resolve(Report.RESULTS));
        return 0;
    }

    /** Every experiment folder under {@code root} (a folder holding results.json), derived again. */
    private int all(Path root) throws java.io.IOException {
        Path dir = Files.isDirectory(root) || root.isAbsolute() ? root : tinyfm.util.Home.dir().resolve(root);
        if (!Files.isDirectory(dir)) {
            throw new UserError(root + ": not a folder");
        }
        List<Path> folders;
        try (var walk = Files.walk(dir)) {
            folders = walk.filter(p -> p.getFileName().toString().equals(Report.RESULTS)).map(Path::getParent).sorted().toList();
        }
        if (folders.isEmpty()) {
            throw new UserError(root + ": holds no experiment folder (none has a results.json)");
        }
        var o = spec.commandLine().getOut();
        for (Path folder : folders) {
            List<String> charts = tinyfm.report.ExperimentFolder.rederive(folder);
            o.printf("%s: report.md, results.csv and %d charts%n", dir.relativize(folder), charts.size());
        }
        o.printf("Derived %d experiments again from their results.json.%n", folders.size());
        return 0;
    }

    private int pair(Path a, Path b) {
        String table = tinyfm.report.Pairing.markdown(a.toString(), Report.read(resultsFolder(a)), b.toString(), Report.read(resultsFolder(b)));
        spec.commandLine().getOut().print(table);
        if (out != null) {
            if (Files.isDirectory(out)) {
                throw new UserError(out + ": is a folder; with --pair, --out names the markdown file to write");
            }
            tinyfm.util.AtomicFiles.writeString(out, table);
            spec.commandLine().getErr().printf("Wrote %s.%n", out);
        }
        return 0;
    }

    /** A comparison's folder, given the folder or its results.json. */
    private static Path resultsFolder(Path p) {
        return p.getFileName() != null && p.getFileName().toString().equals(Report.RESULTS) && !Files.isDirectory(p)
                ? (p.getParent() != null ? p.getParent() : Path.of(".")) : p;
    }

    private int reading(Path base) throws java.io.IOException {
        tinyfm.base.ModelFile m = tinyfm.base.ModelFile.load(base, tinyfm.base.ModelFile.Kind.BASE, "--reading needs a base from 'tinyfm pretrain'");
        var reading = tinyfm.report.ReadingChart.of(m.provenance(), base.toString());
        Path dir = out != null ? out : Path.of(".");
        tinyfm.util.CrashPoints.createDirectories(dir);
        String name = "reading-" + base.getFileName().toString().replaceFirst("\\.tfm$", "");
        tinyfm.report.Charts.save(tinyfm.report.ReadingChart.image(reading), dir, name);
        var o = spec.commandLine().getOut();
        StringBuilder table = new StringBuilder("# What " + base.getFileName() + " knew as it read\n\n"
                + "Linear-probe test accuracy on the frozen base, mean over seeds, at each point of its pretraining "
                + "(`tinyfm report --reading " + base + "`).\n\n");
        reading.continuedAt().ifPresent(at -> table.append(String.format(java.util.Locale.ROOT,
                "The rows before %,d tokens are its parent base's own run, from the parent's provenance; `tinyfm adapt` continued it from there.%n%n", at)));
        table.append(tinyfm.report.ReadingChart.table(reading));
        tinyfm.util.AtomicFiles.writeString(dir.resolve(name + ".md"), table.toString());
        o.print(table);
        o.printf("Wrote %s.md and %s.png in %s.%n", name, name, dir);
        return 0;
    }
}
