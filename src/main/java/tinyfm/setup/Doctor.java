package tinyfm.setup;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import tinyfm.base.Provenance;
import tinyfm.data.BundledData;

/**
 * What a student runs first, and a teacher asks for when something is wrong: each thing tinyfm
 * needs from this machine, whether it is there, and, where it is not, the fix in one line.
 */
public final class Doctor {
    public enum Status { OK, WARNING, PROBLEM }

    /** One finding: what was looked at, what was found, and the fix when it is not fine. */
    public record Check(String name, String found, Status status, String fix) {
        static Check ok(String name, String found) {
            return new Check(name, found, Status.OK, null);
        }
    }

    private static final long GB = 1L << 30;

    private final Path root;
    private final Platform platform;
    private final Map<String, String> env;

    public Doctor(Path root, Platform platform, Map<String, String> env) {
        this.root = root;
        this.platform = platform;
        this.env = env;
    }

    /** Every check but the demo's time, which trains for a few seconds ({@link #demoTime}); one that fails is a finding, not the end of the report. */
    public List<Check> checks() {
        List<Check> checks = new ArrayList<>();
        checks.add(Check.ok("Java", Runtime.version() + " (" + System.getProperty("java.vendor") + ")"));
        checks.add(cpu());
        checks.add(tensorLibrary());
        checks.add(threads());
        checks.add(memory());
        checks.add(disk());
        checks.add(projectFolder());
        checks.add(log());
        checks.add(guarded("Bundled data", this::data));
        checks.add(guarded("Default base", this::defaultBase));
        checks.add(guarded("Notebooks", this::notebookKernel));
        return checks;
    }

    /** The check, or a problem naming what stopped it (a damaged file says which, in one line). */
    public static Check guarded(String name, java.util.function.Supplier<Check> check) {
        try {
            return check.get();
        } catch (RuntimeException e) {
            return new Check(name, e.getMessage(), Status.PROBLEM, "restore the file it names: git checkout -- FILE (or clone tinyfm again)");
        }
    }

    Check cpu() {
        int cores = Runtime.getRuntime().availableProcessors();
        String vector = Provenance.vectorExtensions();
        String found = cores + " cores, " + Provenance.cpuModel() + " (vector extensions: " + vector + ")";
        if (vector.equals("none") || vector.equals("AVX")) {
            return new Check("CPU", found, Status.WARNING, "no AVX2: training runs several times slower; in class, " + platform.launcher() + " demo --quick");
        }
        return cores < 2 ? new Check("CPU", found, Status.WARNING, "one core: expect about twice the times quoted for 2 cores")
                : Check.ok("CPU", found);
    }

    Check tensorLibrary() {
        try {
            var info = org.nd4j.linalg.factory.Nd4j.getExecutioner().getEnvironmentInformation();
            String backend = org.nd4j.linalg.factory.Nd4j.getBackend().getClass().getSimpleName();
            String coreType = env.get("OPENBLAS_CORETYPE");
            return Check.ok("Tensor library", "ND4J " + backend + ", BLAS " + info.get("blas.vendor")
                    + (coreType == null ? "" : ", OPENBLAS_CORETYPE=" + coreType) + ", " + platform.javacpp() + " natives");
        } catch (Throwable e) { // a missing native library arrives as an Error, not an Exception
            return new Check("Tensor library", "ND4J's native library did not load (" + e.getClass().getSimpleName() + ")", Status.PROBLEM,
                    "rebuild for this machine: mvn -B -DskipTests -Djavacpp.platform=" + platform.javacpp() + " package");
        }
    }

    Check threads() {
        String policy = env.getOrDefault("OMP_WAIT_POLICY", "(unset)");
        String found = "OMP_WAIT_POLICY=" + policy + (env.containsKey("OMP_NUM_THREADS") ? ", OMP_NUM_THREADS=" + env.get("OMP_NUM_THREADS") : "");
        return policy.equalsIgnoreCase("passive") ? Check.ok("Threads", found)
                : new Check("Threads", found, Status.WARNING, "run through " + platform.launcher() + ", which sets OMP_WAIT_POLICY=passive: spinning threads made training 1.7x slower");
    }

    Check memory() {
        long heap = Runtime.getRuntime().maxMemory();
        long physical = -1;
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            physical = os.getTotalMemorySize();
        }
        String found = String.format(Locale.ROOT, "Java heap up to %.1f GB%s", heap / (double) GB,
                physical > 0 ? String.format(Locale.ROOT, ", %.1f GB in the machine", physical / (double) GB) : "");
        if (heap < GB) {
            return new Check("Memory", found, Status.PROBLEM, "give Java more heap: " + platform.withVariable("TINYFM_HEAP", "2g", platform.launcher() + " ..."));
        }
        if (physical > 0 && physical < 4 * GB) {
            return new Check("Memory", found, Status.WARNING, "under 4 GB: close other programs before the demo");
        }
        return Check.ok("Memory", found);
    }

    Check disk() {
        try {
            long free = Files.getFileStore(root).getUsableSpace();
            String found = String.format(Locale.ROOT, "%.1f GB free where the project is", free / (double) GB);
            return free < GB / 2 ? new Check("Disk", found, Status.PROBLEM, "free some space: a comparison writes its folder and checkpoints (tens of MB)")
                    : free < 2 * GB ? new Check("Disk", found, Status.WARNING, "under 2 GB free: enough for the demo, tight for pretraining a base")
                    : Check.ok("Disk", found);
        } catch (IOException e) {
            return new Check("Disk", "cannot read the free space (" + e.getMessage() + ")", Status.WARNING, "check that " + root + " exists");
        }
    }

    Check projectFolder() {
        try {
            Path probe = Files.createTempFile(root, ".doctor", ".tmp");
            Files.delete(probe);
            return Check.ok("Project folder", root + " (writable)");
        } catch (IOException | RuntimeException e) {
            return new Check("Project folder", root + " is not writable", Status.PROBLEM,
                    "clone tinyfm into a folder you own (results/, bases/ and the log are written there)");
        }
    }

    Check log() {
        String log = System.getProperty("tinyfm.log");
        if (log == null) {
            return new Check("Log", "no log file set: library messages go to the terminal", Status.WARNING, "run through " + platform.launcher() + ", which sets it");
        }
        Path file = Path.of(log);
        boolean writable = Files.exists(file) ? Files.isWritable(file) : file.getParent() != null && Files.isWritable(file.getParent());
        return writable ? Check.ok("Log", file + " (library messages go there)")
                : new Check("Log", file + " cannot be written", Status.WARNING, "run from a folder you own, or set -Dtinyfm.log=FILE in TINYFM_JAVA_OPTS");
    }

    Check data() {
        List<BundledData.Check> checks = BundledData.verify();
        long bad = checks.stream().filter(c -> !c.ok()).count();
        return bad == 0 ? Check.ok("Bundled data", checks.size() + " files match datasets/SHA256SUMS")
                : new Check("Bundled data", bad + " of " + checks.size() + " files fail their checksum (first: " + checks.stream().filter(c -> !c.ok())
                        .findFirst().orElseThrow().file() + ")", Status.PROBLEM, platform.windows()
                        ? "clone again after: git config --global core.autocrlf false   (Git changed the files' line endings)"
                        : "restore them: git checkout -- datasets   (or run datasets/prepare)");
    }

    Check defaultBase() {
        Path base = tinyfm.base.Bases.defaultBase();
        if (!Files.isRegularFile(base)) {
            return new Check("Default base", tinyfm.base.Bases.DEFAULT + " is missing", Status.PROBLEM, "restore it: git checkout -- " + tinyfm.base.Bases.DEFAULT);
        }
        return Check.ok("Default base", String.format(Locale.ROOT, "%s (%.1f MB)", tinyfm.base.Bases.DEFAULT, base.toFile().length() / 1e6));
    }

    Check notebookKernel() {
        NotebookKernel kernel = new NotebookKernel(root, platform);
        Optional<Path> spec = kernel.installed();
        Optional<Path> jupyter = kernel.jupyter();
        String found = (spec.isPresent() ? "kernelspec " + spec.get() : "kernel not installed") + "; "
                + (jupyter.isPresent() ? "Jupyter " + jupyter.get() : "no Jupyter on the PATH");
        String install = platform.launcher() + " notebooks install";
        if (jupyter.isEmpty()) {
            return new Check("Notebooks", found, Status.WARNING, platform.jupyterHint() + ", then: " + install);
        }
        if (spec.isEmpty() || !kernel.current(spec.get())) {
            return new Check("Notebooks", found + (spec.isEmpty() ? "" : " (it names another Java or project folder)"), Status.WARNING, install);
        }
        return Check.ok("Notebooks", found);
    }

    /** The demo's estimated time here, from {@code secondsPerStep} measured here against the reference. */
    public static Check demoTime(Optional<DemoTime.Reference> reference, double secondsPerStep) {
        String step = String.format(Locale.ROOT, "a fine-tuning step takes %.0f ms here", 1000 * secondsPerStep);
        if (reference.isEmpty()) {
            return new Check("Demo time", step + "; no reference to scale it by", Status.WARNING,
                    "docs/measurements/doctor/demo-time.json is missing from this checkout: git checkout -- docs/measurements/doctor");
        }
        DemoTime.Reference r = reference.get();
        double estimate = r.estimate(secondsPerStep);
        String found = String.format(Locale.ROOT, "about %s (%s, %.0f ms on the reference, %s, whose demo took %.0f s)%s",
                DemoTime.minutes(estimate), step, 1000 * r.secondsPerStep(), r.machine(), r.medianDemoSeconds(),
                tinyfm.comparison.Experiment.defaultJobs() > 1 ? "; with more cores it runs cells at once, so likely less" : "");
        return estimate > 600 ? new Check("Demo time", found, Status.WARNING, "use ./tinyfm demo --quick in class on this machine")
                : Check.ok("Demo time", found);
    }
}
