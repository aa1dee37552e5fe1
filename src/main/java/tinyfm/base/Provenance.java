package tinyfm.base;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where a model came from and what it cost: written into every model file, shown by {@code inspect}. */
public final class Provenance {
    private Provenance() {}

    public static JsonObject machine() {
        JsonObject m = new JsonObject();
        m.addProperty("cores", Runtime.getRuntime().availableProcessors());
        m.addProperty("cpu", cpuModel());
        m.addProperty("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        m.addProperty("java", System.getProperty("java.version"));
        m.addProperty("dl4j", "1.0.0-M2.1");
        String v = Provenance.class.getPackage().getImplementationVersion();
        m.addProperty("tinyfm", v == null ? "dev" : v);
        return m;
    }

    public static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // not Linux: fall through
        }
        return System.getProperty("os.arch");
    }
}
