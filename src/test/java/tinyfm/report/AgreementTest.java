package tinyfm.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tinyfm.TestData;
import tinyfm.cli.CliTest;
import tinyfm.comparison.BagOfWordsArm;
import tinyfm.comparison.Experiment;
import tinyfm.comparison.ExperimentSpec;
import tinyfm.comparison.FromScratchArm;
import tinyfm.comparison.FullFineTuneArm;
import tinyfm.comparison.LabelBudget;
import tinyfm.comparison.Run;

/** 'tinyfm check': a rerun agrees with its reference, an edited result is flagged, and another base is refused. */
class AgreementTest {
    @TempDir
    static Path dir;
    static Path task, reference, rerun;

    static ExperimentSpec spec(Path base) {
        return ExperimentSpec.defaults("agreement", base.toString(), List.of(task.toString()))
                .withLabels(List.of(LabelBudget.of(8))).withSeeds(3)
                .withArms(List.of(ExperimentSpec.ArmSpec.of(FullFineTuneArm.ID), ExperimentSpec.ArmSpec.of(FromScratchArm.ID),
                        ExperimentSpec.ArmSpec.of(BagOfWordsArm.ID)))
                .withTraining(1, 16, 2, null, tinyfm.finetuning.Classifier.DEFAULT_READOUT);
    }

    static final Experiment.Listener QUIET = new Experiment.Listener() {
        @Override
        public void started(int totalRuns) {}

        @Override
        public void finished(Run run, int done) {}
    };

    @BeforeAll
    static void aReferenceAndARerun() throws Exception {
        Path base = TestData.tinyBase(Files.createDirectories(dir.resolve("base")), 10);
        task = TestData.task(dir, "colours", List.of("red", "blue"), 12);
        reference = dir.resolve("reference");
        rerun = dir.resolve("rerun");
        ExperimentFolder.run(spec(base).withDescription("the reference"), reference, QUIET, false);
        ExperimentFolder.run(spec(base), rerun, QUIET, false, 2); // two jobs at once: the same numbers
    }

    @Test
    void aRerunOfTheSameSpecOnTheSameBaseAgrees() {
        CliTest.Run r = CliTest.run("check", rerun.toString(), "--reference", reference.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("All 3 cells as expected: your numbers agree with the reference."), r.out());
        assertTrue(r.out().lines().allMatch(l -> l.length() <= 100), r.out());
    }

    @Test
    void anEditedResultIsFlaggedWithWhatDiffers() throws Exception {
        Path edited = dir.resolve("edited");
        Files.createDirectories(edited);
        for (String f : List.of("results.json", "runs.jsonl")) {
            Files.copy(rerun.resolve(f), edited.resolve(f));
        }
        JsonObject results = JsonParser.parseString(Files.readString(edited.resolve("results.json"))).getAsJsonObject();
        for (var run : results.getAsJsonArray("runs")) {
            JsonObject o = run.getAsJsonObject();
            if (o.get("arm").getAsString().equals(FullFineTuneArm.ID)) {
                o.addProperty("testAccuracy", 1.0); // a perfect score no run made
            }
        }
        Files.writeString(edited.resolve("results.json"), results.toString());
        CliTest.Run r = CliTest.run("check", edited.toString(), "--reference", reference.toString());
        assertEquals(1, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("OUTSIDE") && r.out().contains("outside the reference band. Here is what differs:"), r.out());
        assertTrue(r.out().contains("seeds [1, 2, 3] (the reference's)") && r.out().contains("base the same"), r.out());
        assertTrue(r.out().contains("results.json was changed after the run"), r.out());
    }

    @Test
    void anotherBaseIsRefusedInOneLine() throws Exception {
        Path other = TestData.tinyBase(Files.createDirectories(dir.resolve("other-base")), 12);
        Path otherRun = dir.resolve("other-run");
        ExperimentFolder.run(spec(other), otherRun, QUIET, false, 1);
        CliTest.Run r = CliTest.run("check", otherRun.toString(), "--reference", reference.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("tinyfm: error: " + otherRun + " was run on another base than " + reference) && r.err().contains("numbers from different bases are not compared")
                && r.err().strip().lines().count() == 1, r.err());
        CliTest.Run none = CliTest.run("check", otherRun.toString());
        assertEquals(1, none.code());
        assertTrue(none.err().contains("is in no committed experiment trained the same way"), none.err());
    }

    @Test
    void theBandIsTheSeedsIntervalPlusTheMachineSpread() {
        Report.Results ref = Report.read(reference);
        List<Agreement.Verdict> without = Agreement.check(ref, ref, 0), with = Agreement.check(ref, ref, 0.02);
        for (int i = 0; i < without.size(); i++) {
            assertEquals(without.get(i).band() + 0.02, with.get(i).band(), 1e-12);
            Summary.Stat s = without.get(i).reference();
            assertEquals(Summary.tQuantile975(2) * s.std() * Math.sqrt(2.0 / 3), without.get(i).band(), 1e-12);
        }
    }

    @Test
    void theCommittedDemoAgreesWithItselfAndItsSpreadComesFromCommittedReruns() {
        Path demo = tinyfm.util.Home.dir().resolve("docs/results/demo-6x160-broad-xl");
        Report.Results results = Report.read(demo);
        assertEquals(java.util.Optional.of(demo.getFileName()), Agreement.findReference(demo.getParent(), results).map(Path::getFileName));
        double spread = Agreement.machineSpread(tinyfm.util.Home.dir().resolve("docs/measurements/machine-spread"), results);
        assertTrue(spread > 0 && spread < 0.2, "the reruns with other thread settings moved the means by " + spread);
    }
}
