package tinyfm.setup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The kernelspec as each kind of OS needs it: its classpath joined and its files named the platform's way. */
class NotebookKernelTest {
    static final Platform WINDOWS = new Platform("windows", "windows-x86_64", Path.of("C:\\Users\\ada"), Path.of("C:\\Users\\ada\\AppData\\Roaming"));
    static final Platform LINUX = new Platform("linux", "linux-x86_64", Path.of("/home/ada"), null);
    static final Platform MACOS = new Platform("macos", "macosx-arm64", Path.of("/Users/ada"), null);

    static List<String> argv(String spec) {
        JsonArray argv = JsonParser.parseString(spec).getAsJsonObject().getAsJsonArray("argv");
        List<String> args = new ArrayList<>();
        argv.forEach(a -> args.add(a.getAsString()));
        return args;
    }

    static List<String> classpath(List<String> argv, String separator) {
        return List.of(argv.get(argv.indexOf("-cp") + 1).split(java.util.regex.Pattern.quote(separator)));
    }

    @Test
    void onWindowsTheClasspathIsJoinedBySemicolonsAndNamedWithBackslashes() {
        NotebookKernel kernel = new NotebookKernel(Path.of("C:\\Users\\ada\\tinyfm"), WINDOWS);
        List<String> argv = argv(kernel.spec(Path.of("C:\\Program Files\\Java\\bin\\java.exe")));
        assertEquals("C:\\Program Files\\Java\\bin\\java.exe", argv.get(0));
        List<String> classpath = classpath(argv, ";");
        assertEquals(List.of("C:\\Users\\ada\\tinyfm\\notebooks\\kernel\\target\\tinyfm-kernel.jar", "C:\\Users\\ada\\tinyfm\\notebooks\\kernel\\target\\lib\\*",
                "C:\\Users\\ada\\tinyfm\\target\\tinyfm.jar", "C:\\Users\\ada\\tinyfm\\target\\lib\\*"), classpath);
        assertTrue(argv.contains("-Djavacpp.platform=windows-x86_64") && argv.contains("-Dtinyfm.log=C:\\Users\\ada\\tinyfm\\tinyfm.log"), argv.toString());
        assertEquals(Path.of("C:\\Users\\ada\\AppData\\Roaming").resolve("jupyter"), WINDOWS.jupyterDataDir());
        assertEquals("java.exe", WINDOWS.program("java"));
        assertEquals("mvn.cmd", WINDOWS.program("mvn"));
    }

    @Test
    void onLinuxAndMacosTheClasspathIsJoinedByColons() {
        for (Platform unix : List.of(LINUX, MACOS)) {
            Path root = unix.home().resolve("tinyfm");
            List<String> argv = argv(new NotebookKernel(root, unix).spec(Path.of("/usr/bin/java")));
            List<String> classpath = classpath(argv, ":");
            assertEquals(4, classpath.size(), argv.toString());
            classpath.forEach(entry -> assertTrue(entry.startsWith(root + "/") && !entry.contains("\\"), entry));
            assertTrue(argv.contains("-Djavacpp.platform=" + unix.javacpp()), argv.toString());
            assertEquals("java", unix.program("java"));
        }
        assertEquals(Path.of("/home/ada/.local/share/jupyter"), LINUX.jupyterDataDir());
        assertEquals(Path.of("/Users/ada/Library/Jupyter"), MACOS.jupyterDataDir());
        assertTrue(MACOS.jupyterHint().startsWith("brew ") && WINDOWS.jupyterHint().contains("pip") && LINUX.jupyterHint().contains("apt-get"));
    }

    @Test
    void installWritesAKernelspecThatIsFoundAgain(@TempDir Path dir) throws Exception {
        Platform here = new Platform("linux", "linux-x86_64", dir.resolve("home"), null);
        NotebookKernel kernel = new NotebookKernel(dir.resolve("project"), here);
        assertFalse(kernel.installed().isPresent());
        Path installed = kernel.install(kernel.projectJupyterPath(), Path.of("/usr/bin/java"));
        assertEquals(kernel.projectJupyterPath().resolve("kernels").resolve("tinyfm-java"), installed);
        JsonObject spec = JsonParser.parseString(Files.readString(installed.resolve("kernel.json"))).getAsJsonObject();
        assertEquals("Java (tinyfm)", spec.get("display_name").getAsString());
        assertEquals("{connection_file}", spec.getAsJsonArray("argv").get(spec.getAsJsonArray("argv").size() - 1).getAsString());
        assertEquals(installed.resolve("kernel.json"), kernel.installed().orElseThrow());
        try (var files = Files.list(installed)) {
            assertEquals(List.of("kernel.json"), files.map(p -> p.getFileName().toString()).toList(), "no temp file left behind");
        }
    }
}
