package tinyfm.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tinyfm.comparison.ComparisonJournal;
import tinyfm.comparison.Run;
import tinyfm.report.Agreement;
import tinyfm.report.Report;
import tinyfm.util.Home;
import tinyfm.util.UserError;

@Command(name = "check", sortOptions = false, description = {
        "Do my numbers agree? Hold a folder that 'demo' or 'compare' wrote against the committed reference experiment of the same base.",
        "Each cell's mean test accuracy must fall within the band of the reference's seeds (95%%) plus the spread measured between "
                + "thread settings (docs/measurements/machine-spread). A run of another base is refused."})
final class CheckCommand implements Callable<Integer> {
    @Parameters(paramLabel = "DIR", description = "A folder that 'tinyfm demo' or 'tinyfm compare' wrote (results/demo after the demo).")
    Path dir;

    @Option(names = "--reference", paramLabel = "DIR", description = "Hold it against this experiment folder instead of the committed one of the same base.")
    Path referenceDir;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        var out = spec.commandLine().getOut();
        Report.Results here = Report.read(dir);
        Path committed = Home.dir().resolve("docs").resolve("results");
        Path reference = referenceDir != null ? referenceDir : Agreement.findReference(committed, here).orElseThrow(() -> new UserError(dir
                + ": its base (sha256 " + here.context().baseSha256().substring(0, 12) + "…) is in no committed experiment trained the same way; "
                + "'tinyfm check' compares only runs of the same base (give --reference DIR for another)"));
        Report.Results ref = Report.read(reference);
        Agreement.requireSameBase(here, dir, ref, reference);
        double spread = Agreement.machineSpread(Home.dir().resolve("docs").resolve("measurements").resolve("machine-spread"), ref);
        List<Agreement.Verdict> verdicts = Agreement.check(here, ref, spread);
        ResultsText.wrap(String.format("%s against %s: the same base (sha256 %s…).", dir, shown(reference),
                ref.context().baseSha256().substring(0, 12)), "").forEach(out::println);
        ResultsText.wrap(String.format(Locale.ROOT, "Band: the difference two means of seeds may show at 95%%, plus %.1f points, the most "
                + "a mean moved between thread settings on one machine (docs/measurements/machine-spread).", 100 * spread), "").forEach(out::println);
        out.println();
        TextTable table = new TextTable("task", "labels", "arm", "here", "reference", "band", "verdict");
        for (Agreement.Verdict v : verdicts) {
            table.row(v.task(), v.labels().toString(), tinyfm.comparison.Arms.shortLabel(v.arm()), percent(v.here().mean()),
                    v.compared() ? percent(v.reference().mean()) : "–", v.compared() ? String.format(Locale.ROOT, "±%.1f", 100 * v.band()) : "–",
                    !v.compared() ? "no reference" : v.asExpected() ? "as expected" : "OUTSIDE");
        }
        table.lines("").forEach(out::println);
        List<Agreement.Verdict> outside = verdicts.stream().filter(v -> !v.asExpected()).toList();
        for (Agreement.Verdict v : outside) {
            out.println();
            out.printf("%s, %s labels, %s: outside the reference band. Here is what differs:%n", v.task(), v.labels(), tinyfm.comparison.Arms.shortLabel(v.arm()));
            Agreement.differences(here, ref, v).forEach(d -> out.println("  " + d));
        }
        List<Run> edited = Agreement.editedAfterTheRun(here.runs(), ComparisonJournal.recorded(dir));
        for (Run r : edited) {
            out.printf(Locale.ROOT, "%nresults.json was changed after the run: %s, %s labels, %s, seed %d reads %s; the journal (%s) recorded otherwise.%n",
                    r.task(), r.labels(), tinyfm.comparison.Arms.shortLabel(r.arm()), r.seed(), percent(r.testAccuracy()), ComparisonJournal.FILE);
        }
        out.println();
        long compared = verdicts.stream().filter(Agreement.Verdict::compared).count();
        if (outside.isEmpty() && edited.isEmpty()) {
            out.printf("All %d cells as expected: your numbers agree with the reference%s.%n", compared,
                    compared < verdicts.size() ? " (" + (verdicts.size() - compared) + " cells have none to agree with)" : "");
            return 0;
        }
        out.printf("%d of %d cells outside the band%s.%n", outside.size(), verdicts.size(),
                edited.isEmpty() ? "" : ", and " + edited.size() + " run(s) edited after the run");
        return 1;
    }

    private static String percent(double x) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * x);
    }

    private static String shown(Path p) {
        Path abs = p.toAbsolutePath().normalize();
        return abs.startsWith(Home.dir()) ? Home.dir().relativize(abs).toString() : p.toString();
    }
}
