package tinyfm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tinyfm.util.Home;

/**
 * The Windows launcher, {@code tinyfm.cmd}, cannot run here, so its steps are checked against the
 * ones {@code ./tinyfm} runs on every test machine: the same Java check, the same build, the same
 * JVM options and defaults, and line endings cmd.exe reads labels by.
 */
class LaunchersTest {
    static final Path ROOT = Home.dir();

    /** Each JVM option on the launcher's java line, by name, with its value once the launcher's defaults are filled in. */
    static Map<String, String> jvmOptions(String javaLine) {
        Map<String, String> options = new TreeMap<>();
        Matcher m = Pattern.compile("\"?(-Xmx|-D[\\w.]+=)\"?([^\\s\"]+)").matcher(javaLine);
        while (m.find()) {
            options.put(m.group(1), m.group(2));
        }
        return options;
    }

    /** The launcher's last java command, from "java -Xmx" to the end. */
    static String javaLine(String launcher) {
        return launcher.substring(launcher.lastIndexOf("java -Xmx"));
    }

    @Test
    void theWindowsLauncherRunsJavaAsTheUnixOneDoes() throws Exception {
        String sh = Files.readString(ROOT.resolve("tinyfm")), cmd = Files.readString(ROOT.resolve("tinyfm.cmd"));
        // sh: ${TINYFM_HEAP:-2g}; cmd: set "TINYFM_HEAP=2g", then %TINYFM_HEAP%
        String unixLine = javaLine(sh).replaceAll("\\$\\{TINYFM_\\w+:-([^}]*)}", "$1")
                .replace("\"$here\"", "HOME").replace("\"$log\"", "HOME/tinyfm.log");
        String windowsLine = javaLine(cmd).replace("%here:~0,-1%", "HOME").replace("%here%", "HOME/");
        Matcher set = Pattern.compile("set \"(TINYFM_\\w+)=([^\"]*)\"").matcher(cmd);
        while (set.find()) {
            windowsLine = windowsLine.replace("%" + set.group(1) + "%", set.group(2));
        }
        Map<String, String> unix = jvmOptions(unixLine), windows = jvmOptions(windowsLine);
        assertEquals(List.of("-Dorg.bytedeco.javacpp.maxbytes=", "-Dorg.bytedeco.javacpp.maxphysicalbytes=", "-Dtinyfm.home=", "-Dtinyfm.log=", "-Xmx"),
                List.copyOf(unix.keySet()), unixLine);
        assertEquals(unix, windows, "the same JVM options and defaults in tinyfm and tinyfm.cmd");
        assertTrue(sh.contains("-jar \"$jar\" \"$@\"") && cmd.contains("-jar \"%jar%\" %*"), "both run the jar with every argument");
        assertTrue(sh.contains("${TINYFM_JAVA_OPTS:-}") && cmd.contains("%TINYFM_JAVA_OPTS%"), "both pass TINYFM_JAVA_OPTS");
        assertTrue(sh.contains("OMP_WAIT_POLICY:-passive") && cmd.contains("set \"OMP_WAIT_POLICY=passive\""), "both let idle OpenMP threads sleep");
    }

    @Test
    void theWindowsLauncherChecksJavaAndBuildsAsTheUnixOneDoes() throws Exception {
        String sh = Files.readString(ROOT.resolve("tinyfm")), cmd = Files.readString(ROOT.resolve("tinyfm.cmd"));
        String build = "mvn -B -q -DskipTests -Djavacpp.platform=";
        assertTrue(sh.contains(build + "\"$(platform)\" package"), sh);
        assertTrue(cmd.contains("call " + build + "windows-x86_64 package"), "cmd builds for Windows, and 'call' returns to the script after mvn.cmd");
        for (String launcher : List.of(sh, cmd)) {
            assertTrue(launcher.contains("java.specification.version") && launcher.contains("Java 17 or newer is needed"), "both refuse a Java before 17 in one line");
            assertTrue(launcher.contains("no 'java' is on the PATH"), "both say when there is no java");
            assertTrue(launcher.contains("build failed; see "), "both name the build log when the build fails");
        }
        // the Java check: versions "1.8" (Java 8) and 11 go to oldjava, 17 and 21 on
        assertTrue(cmd.contains("if \"%javamajor%\"==\"1\" goto oldjava") && cmd.contains("if %javamajor% LSS 17 goto oldjava"), cmd);
        // every goto has its label
        Matcher gotos = Pattern.compile("goto (\\w+)").matcher(cmd);
        while (gotos.find()) {
            assertTrue(cmd.contains("\r\n:" + gotos.group(1) + "\r\n"), "label :" + gotos.group(1) + " is missing");
        }
    }

    @Test
    void theWindowsLauncherHasWindowsLineEndings() throws Exception {
        byte[] cmd = Files.readAllBytes(ROOT.resolve("tinyfm.cmd"));
        for (int i = 0; i < cmd.length; i++) { // cmd.exe can miss a label in a file with bare LF line endings
            if (cmd[i] == '\n') {
                assertEquals('\r', cmd[i - 1], "a bare LF in tinyfm.cmd at byte " + i + " (.gitattributes keeps *.cmd in CRLF)");
            }
        }
    }
}
