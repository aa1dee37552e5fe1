package tinyfm.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import tinyfm.util.Home;
import tinyfm.util.Sha256;
import tinyfm.util.UserError;

/** The prepared files under datasets/, checked against datasets/SHA256SUMS. */
public final class BundledData {
    private BundledData() {}

    public record Check(String file, boolean ok, String problem) {}

    public static List<Check> verify() {
        Path dir = Home.datasets();
        Path sums = dir.resolve("SHA256SUMS");
        if (!Files.exists(sums)) {
            throw new UserError(sums + ": missing; run datasets/prepare to rebuild the bundled data");
        }
        List<Check> checks = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(sums)) {
                if (line.isBlank()) {
                    continue;
                }
                String expected = line.substring(0, 64);
                String name = line.substring(66);
                Path file = dir.resolve(name);
                if (!Files.exists(file)) {
                    checks.add(new Check(name, false, "missing"));
                } else {
                    String actual = Sha256.of(file);
                    checks.add(new Check(name, actual.equals(expected), actual.equals(expected) ? "" : "checksum differs"));
                }
            }
        } catch (IOException | StringIndexOutOfBoundsException e) {
            throw new UserError(sums + ": cannot read checksums: " + e.getMessage());
        }
        return checks;
    }
}
