package tinyfm.setup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tinyfm.cli.CliTest;
import tinyfm.util.Home;
import tinyfm.util.UserError;

/** The doctor names what is wrong and how to fix it, and scales the reference demo time by the step measured here. */
class DoctorTest {
    static Doctor.Check named(List<Doctor.Check> checks, String name) {
        return checks.stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow(() -> new AssertionError("no check " + name));
    }

    @Test
    void thisCheckoutHasNoProblemAndEveryWarningComesWithItsFix() {
        List<Doctor.Check> checks = new Doctor(Home.dir(), Platform.current(), Map.of("OMP_WAIT_POLICY", "passive")).checks();
        for (Doctor.Check c : checks) {
            assertTrue(c.status() != Doctor.Status.PROBLEM, c.toString());
            assertTrue((c.status() == Doctor.Status.OK) == (c.fix() == null), "a fix exactly where something is not fine: " + c);
        }
        assertTrue(named(checks, "Bundled data").found().contains("match datasets/SHA256SUMS"), checks.toString());
        assertTrue(named(checks, "Tensor library").found().contains("BLAS"), checks.toString());
    }

    @Test
    void aFolderThatCannotBeWrittenAndSpinningThreadsAreNamedWithTheirFixes(@TempDir Path dir) {
        Doctor doctor = new Doctor(dir.resolve("not-there"), Platform.current(), Map.of());
        Doctor.Check folder = doctor.projectFolder();
        assertEquals(Doctor.Status.PROBLEM, folder.status());
        assertTrue(folder.fix().contains("a folder you own"), folder.toString());
        Doctor.Check threads = doctor.threads();
        assertEquals(Doctor.Status.WARNING, threads.status());
        assertTrue(threads.found().contains("OMP_WAIT_POLICY=(unset)") && threads.fix().contains("OMP_WAIT_POLICY=passive"), threads.toString());
    }

    @Test
    void theEstimateScalesTheTrainingPartAndKeepsTheFixedLivePretraining() {
        var reference = new DemoTime.Reference("2 cores, test CPU (AVX-512)", 0.300, List.of(240.0, 200.0, 220.0), 30, "2026-12-06");
        assertEquals(220.0, reference.medianDemoSeconds());
        assertEquals(220.0, reference.estimate(0.300), 1e-9);
        assertEquals(30 + 190 * 2, reference.estimate(0.600), 1e-9); // twice as slow a step: the 190 s of work doubles, the 30 s do not
        Doctor.Check slow = Doctor.demoTime(Optional.of(reference), 0.600);
        assertTrue(slow.found().startsWith("about 6.8 minutes (a fine-tuning step takes 600 ms here, 300 ms on the reference"), slow.found());
        Doctor.Check unknown = Doctor.demoTime(Optional.empty(), 0.300);
        assertEquals(Doctor.Status.WARNING, unknown.status());
        assertTrue(unknown.fix().contains("demo-time.json is missing"), unknown.toString());
    }

    @Test
    void aReferenceSavedIsReadBackAndADamagedOneGetsAOneLineError(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("demo-time.json");
        var reference = new DemoTime.Reference("2 cores, test CPU (AVX2)", 0.25, List.of(180.5, 190.0, 200.0), 30, "2026-12-06");
        DemoTime.save(file, reference);
        assertEquals(reference, DemoTime.load(file).orElseThrow());
        assertTrue(DemoTime.load(dir.resolve("none.json")).isEmpty());
        Files.writeString(file, "{\"secondsPerStep\": 0.2}");
        UserError e = assertThrows(UserError.class, () -> DemoTime.load(file));
        assertTrue(e.getMessage().startsWith(file + ": not a demo-time reference") && !e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void doctorJsonListsEveryCheckWithItsStatusAndTheDemoTime() {
        CliTest.Run r = CliTest.run("doctor", "--json");
        assertTrue(r.code() == 0, r.err());
        JsonArray checks = JsonParser.parseString(r.out()).getAsJsonArray();
        List<String> names = checks.asList().stream().map(JsonElement::getAsJsonObject).map(o -> o.get("check").getAsString()).toList();
        assertTrue(names.containsAll(List.of("Java", "CPU", "Tensor library", "Memory", "Disk", "Project folder", "Log", "Notebooks", "Demo time")), names.toString());
        for (JsonElement c : checks) {
            String status = c.getAsJsonObject().get("status").getAsString();
            assertTrue(List.of("ok", "warning", "problem").contains(status), c.toString());
            assertEquals(!status.equals("ok"), c.getAsJsonObject().has("fix"), c.toString());
        }
        assertTrue(r.err().isEmpty(), "--json prints nothing else: " + r.err());
    }
}
