package tinyfm.setup;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * The operating system tinyfm runs on, as far as set-up cares: how it joins a classpath, what its
 * programs are called, where Jupyter keeps kernels, and how a student gets Jupyter there.
 *
 * @param os         "linux", "macos" or "windows"
 * @param javacpp    the native-library platform Maven builds for (linux-x86_64, macosx-arm64, ...)
 * @param home       the user's home folder
 * @param appData    Windows' %APPDATA% (null elsewhere)
 */
public record Platform(String os, String javacpp, Path home, Path appData) {

    public static Platform current() {
        String name = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String os = name.startsWith("windows") ? "windows" : name.startsWith("mac") ? "macos" : "linux";
        boolean arm = System.getProperty("os.arch").matches("aarch64|arm64");
        String javacpp = switch (os) {
            case "windows" -> "windows-x86_64";
            case "macos" -> arm ? "macosx-arm64" : "macosx-x86_64";
            default -> arm ? "linux-arm64" : "linux-x86_64";
        };
        String appData = System.getenv("APPDATA");
        return new Platform(os, javacpp, Path.of(System.getProperty("user.home")), appData == null ? null : Path.of(appData));
    }

    public boolean windows() {
        return os.equals("windows");
    }

    /** What joins a classpath's entries: ';' on Windows, ':' elsewhere. */
    public String pathSeparator() {
        return windows() ? ";" : ":";
    }

    /** A program's file name: {@code java.exe}, {@code mvn.cmd} on Windows. */
    public String program(String name) {
        if (!windows()) {
            return name;
        }
        return Map.of("mvn", "mvn.cmd", "jupyter", "jupyter.exe").getOrDefault(name, name + ".exe");
    }

    /** The user's Jupyter data folder, as {@code jupyter --paths} lists it first for this OS. */
    public Path jupyterDataDir() {
        return switch (os) {
            case "windows" -> (appData != null ? appData : home.resolve("AppData").resolve("Roaming")).resolve("jupyter");
            case "macos" -> home.resolve("Library").resolve("Jupyter");
            default -> home.resolve(".local").resolve("share").resolve("jupyter");
        };
    }

    /** How a student starts tinyfm here: {@code ./tinyfm}, or {@code .\tinyfm.cmd} (which cmd and PowerShell both run). */
    public String launcher() {
        return windows() ? ".\\tinyfm.cmd" : "./tinyfm";
    }

    /** An environment variable set for one command: {@code NAME=value ./tinyfm ...}, or PowerShell's form on Windows. */
    public String withVariable(String name, String value, String command) {
        return windows() ? "$env:" + name + "=\"" + value + "\"; " + command : name + "=\"" + value + "\" " + command;
    }

    /** One line: how to get Jupyter on this OS when none is on the PATH. */
    public String jupyterHint() {
        return switch (os) {
            case "windows" -> "install Python from python.org (tick 'Add to PATH'), then: python -m pip install notebook nbconvert";
            case "macos" -> "brew install jupyterlab   (or: pipx install notebook)";
            default -> "sudo apt-get install jupyter-notebook jupyter-nbconvert   (or: pipx install notebook)";
        };
    }
}
