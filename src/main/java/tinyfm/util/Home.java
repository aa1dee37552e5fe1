package tinyfm.util;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where tinyfm's own files live (datasets/, bases/). The launcher sets -Dtinyfm.home;
 * otherwise it is found next to target/tinyfm.jar, or the working directory is used.
 */
public final class Home {
    private Home() {}

    public static Path dir() {
        String prop = System.getProperty("tinyfm.home");
        if (prop != null && !prop.isBlank()) {
            return Path.of(prop).toAbsolutePath().normalize();
        }
        try {
            Path code = Path.of(Home.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            for (Path p = code; p != null; p = p.getParent()) {
                if (Files.isDirectory(p.resolve("datasets")) && Files.exists(p.resolve("pom.xml"))) {
                    return p;
                }
            }
        } catch (URISyntaxException | SecurityException ignored) {
            // fall through to the working directory
        }
        return Path.of("").toAbsolutePath();
    }

    public static Path datasets() {
        return dir().resolve("datasets");
    }
}
