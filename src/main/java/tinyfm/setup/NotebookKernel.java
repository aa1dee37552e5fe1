package tinyfm.setup;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tinyfm.util.AtomicFiles;
import tinyfm.util.Json;
import tinyfm.util.UserError;

/**
 * The notebooks' Java kernel ({@code notebooks/kernel}) and its Jupyter kernelspec: the one file
 * ({@code kernels/tinyfm-java/kernel.json}) that tells Jupyter how to start it. Written by Java, so
 * it installs wherever the CLI runs, with the classpath joined as the OS joins it.
 */
public final class NotebookKernel {
    public static final String NAME = "tinyfm-java";

    private final Path root;
    private final Platform platform;

    public NotebookKernel(Path root, Platform platform) {
        this.root = root;
        this.platform = platform;
    }

    /** The project-local Jupyter folder: nothing is written to the home folder unless asked. */
    public Path projectJupyterPath() {
        return root.resolve("notebooks").resolve(".jupyter");
    }

    public Path kernelJar() {
        return root.resolve("notebooks").resolve("kernel").resolve("target").resolve("tinyfm-kernel.jar");
    }

    /** The kernelspec: how Jupyter starts the kernel, with tinyfm's JVM options and this project's jars. */
    public String spec(Path java) {
        List<String> classpath = List.of(file("notebooks", "kernel", "target", "tinyfm-kernel.jar"), file("notebooks", "kernel", "target", "lib", "*"),
                file("target", "tinyfm.jar"), file("target", "lib", "*"));
        JsonArray argv = new JsonArray();
        for (String arg : List.of(java.toString(), "-Xmx3g",
                "-Dorg.bytedeco.javacpp.maxbytes=6G", "-Dorg.bytedeco.javacpp.maxphysicalbytes=10G",
                "-Djavacpp.platform=" + platform.javacpp(), "-Dtinyfm.home=" + root, "-Dtinyfm.log=" + file("tinyfm.log"),
                "-cp", String.join(platform.pathSeparator(), classpath),
                "tinyfm.notebook.TinyfmKernel", "{connection_file}")) {
            argv.add(arg);
        }
        JsonObject spec = new JsonObject();
        spec.addProperty("display_name", "Java (tinyfm)");
        spec.addProperty("language", "java");
        spec.addProperty("interrupt_mode", "message");
        spec.add("argv", argv);
        JsonObject env = new JsonObject();
        env.addProperty("OMP_WAIT_POLICY", "passive"); // idle OpenMP threads sleep, as the launcher sets
        spec.add("env", env);
        return Json.GSON.toJson(spec) + "\n";
    }

    /** A file under the project, named with the target platform's separator, which may not be this JVM's (a test writes a Windows spec on Linux). */
    private String file(String... parts) {
        return root + (platform.windows() ? "\\" : "/") + String.join(platform.windows() ? "\\" : "/", parts);
    }

    /** Writes the kernelspec under {@code jupyterPath}/kernels/tinyfm-java; returns its folder. */
    public Path install(Path jupyterPath, Path java) {
        Path dir = jupyterPath.resolve("kernels").resolve(NAME);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UserError(dir + ": cannot create the kernel's folder (" + e.getMessage() + ")");
        }
        AtomicFiles.writeString(dir.resolve("kernel.json"), spec(java));
        return dir;
    }

    /** Whether the kernel's jar is missing, or older than its sources. */
    public boolean needsBuild() {
        Path jar = kernelJar(), kernel = root.resolve("notebooks").resolve("kernel");
        if (!Files.exists(jar)) {
            return true;
        }
        try (var sources = Files.walk(kernel.resolve("src"))) {
            long built = Files.getLastModifiedTime(jar).toMillis();
            return Files.getLastModifiedTime(kernel.resolve("pom.xml")).toMillis() > built
                    || sources.anyMatch(f -> f.toFile().lastModified() > built);
        } catch (IOException e) {
            return true;
        }
    }

    /** Builds the kernel's jar with Maven if it is missing or stale; the build's output goes to {@code log}. */
    public void buildIfNeeded(Path log) {
        if (!needsBuild()) {
            return;
        }
        Optional<Path> mvn = onPath(platform.program("mvn"));
        if (mvn.isEmpty() && Files.exists(kernelJar())) {
            return; // older than its sources, but it is the kernel there is
        }
        if (mvn.isEmpty()) {
            throw new UserError(kernelJar() + ": not built, and no Maven ('mvn') is on the PATH to build it; install Maven, then run this again");
        }
        try {
            Files.createDirectories(log.getParent());
            Process build = new ProcessBuilder(mvn.get().toString(), "-B", "-q", "-DskipTests", "package")
                    .directory(root.resolve("notebooks").resolve("kernel").toFile())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (build.waitFor() != 0 || !Files.exists(kernelJar())) {
                throw new UserError("notebooks/kernel: the kernel's build failed; see " + log);
            }
        } catch (IOException e) {
            throw new UserError("notebooks/kernel: cannot run Maven (" + e.getMessage() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserError("notebooks/kernel: the build was interrupted");
        }
    }

    /** Where a kernelspec for tinyfm is installed (project-local first, then the user's), if anywhere. */
    public Optional<Path> installed() {
        for (Path jupyterPath : List.of(projectJupyterPath(), platform.jupyterDataDir())) {
            Path spec = jupyterPath.resolve("kernels").resolve(NAME).resolve("kernel.json");
            if (Files.isRegularFile(spec)) {
                return Optional.of(spec);
            }
        }
        return Optional.empty();
    }

    /** Whether an installed kernelspec starts a Java that is there, on this project's folder (not a moved or upgraded one's). */
    public boolean current(Path spec) {
        try {
            var argv = com.google.gson.JsonParser.parseString(Files.readString(spec)).getAsJsonObject().getAsJsonArray("argv");
            List<String> args = new ArrayList<>();
            argv.forEach(a -> args.add(a.getAsString()));
            return !args.isEmpty() && Files.isRegularFile(Path.of(args.get(0))) && args.contains("-Dtinyfm.home=" + root);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Jupyter on the PATH, however it was installed (pip, conda, Homebrew, Debian). */
    public Optional<Path> jupyter() {
        return onPath(platform.program("jupyter"));
    }

    /** The first file called {@code program} in a PATH folder. */
    static Optional<Path> onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            try {
                Path candidate = Path.of(dir.strip().replace("\"", "")).resolve(program); // Windows' PATH may quote an entry
                if (!dir.isBlank() && Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            } catch (java.nio.file.InvalidPathException ignored) {
                // an entry that names no folder: not where a program is
            }
        }
        return Optional.empty();
    }
}
