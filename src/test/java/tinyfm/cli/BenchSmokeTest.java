package tinyfm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bench code path, at toy size: it runs, prints the table and writes its JSON. Real figures come from the command. */
class BenchSmokeTest {
    @Test
    void benchRunsOnTheTinyPreset(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("bench.json");
        CliTest.Run r = CliTest.run("bench", "--presets", "tiny", "--smoke", "--json", json.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("sgemm"), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("tiny ")), r.out());
        var results = JsonParser.parseString(Files.readString(json)).getAsJsonObject().getAsJsonArray("results");
        assertTrue(results.get(0).getAsJsonObject().get("trainTokensPerSecond").getAsDouble() > 0);
    }
}
