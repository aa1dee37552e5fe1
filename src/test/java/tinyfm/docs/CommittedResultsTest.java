package tinyfm.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tinyfm.comparison.ExperimentSpec;
import tinyfm.report.ExperimentFolder;
import tinyfm.report.Report;
import tinyfm.util.Home;

/**
 * The committed results are one folder per experiment: its spec, its results.json, and what one
 * command ({@code tinyfm report --all}) derives from them. Each report is exactly its regeneration.
 */
class CommittedResultsTest {
    /** What the committed results may weigh in all (the repository stays lean). */
    static final long MAX_BYTES = 8_000_000;

    static List<Path> experiments() throws Exception {
        try (var folders = Files.list(Home.dir().resolve("docs/results"))) {
            return folders.filter(Files::isDirectory).sorted().toList();
        }
    }

    @Test
    void everyFolderIsAnExperimentNamedAsItsSpecSays() throws Exception {
        List<Path> folders = experiments();
        assertTrue(folders.size() >= 10, folders.toString());
        for (Path folder : folders) {
            String name = folder.getFileName().toString();
            assertTrue(Files.isRegularFile(folder.resolve(ExperimentSpec.FILE)) && Files.isRegularFile(folder.resolve(Report.RESULTS)),
                    name + " holds spec.json and results.json");
            ExperimentSpec spec = ExperimentSpec.read(folder.resolve(ExperimentSpec.FILE));
            assertEquals(name, spec.name(), "the folder is named for its experiment");
            assertEquals(spec, Report.read(folder).context().spec(), name + ": spec.json is the spec its results ran");
            assertFalse(spec.base().startsWith("/"), name + ": the base is a path in the project, not on one machine");
        }
    }

    @Test
    void everyCommittedReportIsItsRegeneration(@TempDir Path tmp) throws Exception {
        for (Path folder : experiments()) {
            Path again = tmp.resolve(folder.getFileName().toString());
            Files.createDirectories(again);
            Files.copy(folder.resolve(Report.RESULTS), again.resolve(Report.RESULTS));
            List<String> charts = ExperimentFolder.rederive(again);
            String where = "regenerate with: ./tinyfm report --all (" + folder.getFileName() + ")";
            assertEquals(Files.readString(again.resolve("report.md")), Files.readString(folder.resolve("report.md")), where);
            assertEquals(Files.readString(again.resolve("results.csv")), Files.readString(folder.resolve("results.csv")), where);
            for (String chart : charts) {
                assertTrue(Files.isRegularFile(folder.resolve(chart + ".png")), where + ": " + chart + ".png is committed");
            }
        }
    }

    @Test
    void theResultsAreLeanAndCarryNoMachinePathsAndNoSvgCopies() throws Exception {
        long bytes = 0;
        for (Path root : List.of(Home.dir().resolve("docs/results"), Home.dir().resolve("docs/measurements"))) {
            try (var walk = Files.walk(root)) {
                for (Path f : walk.filter(Files::isRegularFile).toList()) {
                    bytes += Files.size(f);
                    String name = f.getFileName().toString();
                    assertFalse(name.endsWith(".svg"), f + ": charts are PNG only");
                    assertFalse(name.equals("runs.jsonl"), f + ": a finished experiment's journal is not committed");
                    if (name.matches(".*\\.(md|txt|json|csv)")) {
                        String text = Files.readString(f);
                        for (String machine : List.of("/root/", "/home/", "/tmp/", "/work/")) {
                            assertFalse(text.contains(machine), f + " records a path of the machine it ran on: " + machine);
                        }
                    }
                }
            }
        }
        assertTrue(bytes <= MAX_BYTES, "committed results weigh " + bytes + " bytes, more than " + MAX_BYTES);
    }
}
