package tinyfm.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static tinyfm.report.TimeViewsTest.run;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tinyfm.comparison.ExperimentSpec;
import tinyfm.comparison.Run;
import tinyfm.util.UserError;

/** Two bases paired seed by seed: the same interval and rounding as the comparison's own report, and a check of the draws. */
class PairingTest {
    /** Three seeds at 32 labels; the fine-tune's accuracies are given, bag-of-words is the same draw for every base. */
    static List<Run> runs(double[] full, double[] bow) {
        List<Run> runs = new ArrayList<>();
        for (int i = 0; i < full.length; i++) {
            runs.add(run("32", 32, i + 1, "full", full[i], 0.5));
            runs.add(run("32", 32, i + 1, "scratch", 0.30, 0.3));
            runs.add(run("32", 32, i + 1, "bow", bow[i], 0.4));
        }
        return runs;
    }

    static Report.Results results(String base, List<Run> runs) {
        ExperimentSpec spec = ExperimentSpec.defaults("pairing", base, List.of("topic"));
        return new Report.Results(new Report.Context(spec, "", 0, "", null, null), runs);
    }

    static final double[] BOW = {0.45, 0.47, 0.44};

    @Test
    void theDifferenceIsPairedSeedBySeedAndRoundedAsTheReportRoundsIt() {
        // A's mean is 60.05%: the report's table and the pairing must print the same tenth
        List<Run> a = runs(new double[] {0.6010, 0.5990, 0.6015}, BOW), b = runs(new double[] {0.5510, 0.5590, 0.5420}, BOW);
        String table = Pairing.markdown("a/results.json", results("bases/a.tfm", a), "b", results("b.tfm", b));
        String reportA = Report.mainTable(a, ExperimentSpec.DEFAULT_PAIRS);
        String meanA = reportA.lines().filter(l -> l.contains("topic")).findFirst().orElseThrow().split("\\|")[3].trim().split(" ")[0];
        Summary.Difference d = Summary.paired(List.of(0.6010, 0.5990, 0.6015), List.of(0.5510, 0.5590, 0.5420));
        String row = String.format(java.util.Locale.ROOT, "| topic | 32 | full fine-tune | %s%% | 55.1%% | %s | 3 |", meanA, Report.difference(d));
        assertTrue(table.contains(row), "expected " + row + " in\n" + table);
        assertTrue(table.contains("base `a.tfm`"), table);
        assertTrue(table.contains("agrees seed by seed in all 1 shared cells"), table);
        assertEquals(1, table.lines().filter(l -> l.startsWith("| topic")).count(), "no probe ran, so one row: " + table);
    }

    /** Every committed pairing (a vs-NAME.md under docs/results) is what 'tinyfm report --pair' makes from the two results.json it names. */
    @Test
    void everyCommittedPairingIsWhatTheCommandMakes() throws java.io.IOException {
        java.nio.file.Path root = tinyfm.util.Home.dir().resolve("docs/results");
        List<java.nio.file.Path> files;
        try (var walk = java.nio.file.Files.walk(root)) {
            files = walk.filter(f -> f.getFileName().toString().matches("vs-.*\\.md")).sorted().toList();
        }
        assertTrue(files.size() >= 3, "the committed pairings: " + files);
        for (java.nio.file.Path file : files) {
            String text = java.nio.file.Files.readString(file);
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^A: `([^`]+)`.*\\nB: `([^`]+)`").matcher(text);
            assertTrue(m.find(), file + " names its two results files");
            java.nio.file.Path a = tinyfm.util.Home.dir().resolve(m.group(1)), b = tinyfm.util.Home.dir().resolve(m.group(2));
            assertEquals(Pairing.markdown(m.group(1), Report.read(a.getParent()), m.group(2), Report.read(b.getParent())), text, file.toString());
        }
    }

    @Test
    void differentDrawsCannotBePaired() {
        List<Run> a = runs(new double[] {0.6, 0.6, 0.6}, BOW), b = runs(new double[] {0.5, 0.5, 0.5}, new double[] {0.45, 0.50, 0.44});
        UserError e = assertThrows(UserError.class, () -> Pairing.markdown("a", results("a.tfm", a), "b", results("b.tfm", b)));
        assertTrue(e.getMessage().contains("seed 2") && e.getMessage().contains("cannot be paired"), e.getMessage());
    }

    @Test
    void comparisonsWithNoCellInCommonSayNothingPairs() {
        List<Run> a = runs(new double[] {0.6}, new double[] {0.45});
        List<Run> b = a.stream().map(r -> new Run("sentiment", r.labels(), r.trainExamples(), r.seed(), r.arm(), r.epochs(),
                r.validationAccuracy(), r.testAccuracy(), r.testMacroF1(), r.trainSeconds(), r.curve())).toList();
        UserError e = assertThrows(UserError.class, () -> Pairing.markdown("a", results("a.tfm", a), "b", results("b.tfm", b)));
        assertTrue(e.getMessage().contains("nothing pairs"), e.getMessage());
    }
}
