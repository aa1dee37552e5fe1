package tinyfm.notebook;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The %maven magic: resolves artifacts and their dependencies with the machine's Maven, for this platform only. */
final class Maven {
    private Maven() {}

    static List<Path> resolve(List<String> coordinates) throws IOException, InterruptedException {
        Path work = Files.createTempDirectory("tinyfm-maven");
        StringBuilder deps = new StringBuilder();
        for (String c : coordinates) {
            String[] p = c.split(":");
            if (p.length != 3) {
                throw new IllegalArgumentException("%maven takes GROUP:ARTIFACT:VERSION, got " + c);
            }
            deps.append("<dependency><groupId>").append(p[0]).append("</groupId><artifactId>").append(p[1])
                    .append("</artifactId><version>").append(p[2]).append("</version></dependency>");
        }
        Files.writeString(work.resolve("pom.xml"), "<project><modelVersion>4.0.0</modelVersion><groupId>x</groupId><artifactId>x</artifactId>"
                + "<version>0</version><dependencies>" + deps + "</dependencies></project>");
        String platform = System.getProperty("javacpp.platform", "linux-x86_64");
        Process mvn = new ProcessBuilder("mvn", "-B", "-q", "dependency:copy-dependencies", "-DoutputDirectory=lib",
                "-Djavacpp.platform=" + platform).directory(work.toFile()).redirectErrorStream(true).start();
        String log = new String(mvn.getInputStream().readAllBytes());
        if (mvn.waitFor() != 0) {
            throw new IllegalStateException("%maven failed: " + log.strip());
        }
        try (Stream<Path> jars = Files.list(work.resolve("lib"))) {
            return jars.filter(j -> j.toString().endsWith(".jar")).sorted().toList();
        }
    }
}
