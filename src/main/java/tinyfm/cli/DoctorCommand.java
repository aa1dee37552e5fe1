package tinyfm.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tinyfm.base.ModelFile;
import tinyfm.base.Provenance;
import tinyfm.bench.Benchmark;
import tinyfm.finetuning.FineTuneConfig;
import tinyfm.setup.DemoTime;
import tinyfm.setup.Doctor;
import tinyfm.setup.Platform;
import tinyfm.util.Home;
import tinyfm.util.Json;
import tinyfm.util.UserError;

@Command(name = "doctor", sortOptions = false, description = {
        "Check this machine for tinyfm, and estimate how long the demo will take here.",
        "Java, CPU, the tensor library, threads, memory, disk, the project folder, the log, the data, the base and the notebooks;",
        "each problem comes with its fix in one line. The estimate times a few seconds of the demo's real training step."})
final class DoctorCommand implements Callable<Integer> {
    @Option(names = "--json", description = "Print the checks as JSON.")
    boolean json;

    @Option(names = "--calibrate", description = "On the reference machine: time the step, run the demo --runs times, and record both "
            + "in docs/measurements/doctor/demo-time.json, the reference every estimate scales.")
    boolean calibrate;

    @Option(names = "--runs", defaultValue = "3", description = "With --calibrate: demo runs whose median is recorded. Default: ${DEFAULT-VALUE}.")
    int runs;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The speed probe: 6 s of warm-up while the JIT compiles, then the median of 7 repeats of 4 steps: about 15 seconds in all. */
    static final Benchmark.Plan PROBE = new Benchmark.Plan(6, 4, 7, 0);

    @Override
    public Integer call() throws Exception {
        var out = spec.commandLine().getOut();
        var err = spec.commandLine().getErr();
        Path root = Home.dir();
        Doctor doctor = new Doctor(root, Platform.current(), System.getenv());
        List<Doctor.Check> checks = new ArrayList<>(doctor.checks());
        tinyfm.util.UsageError.check(runs >= 1, "--runs must be at least 1, got " + runs);
        boolean canTime = checks.stream().noneMatch(c -> (c.name().equals("Tensor library") || c.name().equals("Default base"))
                && c.status() == Doctor.Status.PROBLEM);
        if (calibrate && !canTime) {
            throw new UserError("cannot calibrate: the tensor library or the default base has a problem (run 'tinyfm doctor' to see it)");
        }
        if (canTime) {
            if (!json) {
                err.println("Timing a few seconds of the demo's fine-tuning step...");
            }
            double secondsPerStep = secondsPerStep();
            if (calibrate) {
                calibrate(root, secondsPerStep, err);
            }
            checks.add(Doctor.guarded("Demo time", () -> Doctor.demoTime(DemoTime.load(DemoTime.referenceFile(root)), secondsPerStep)));
        }
        if (json) {
            JsonArray array = new JsonArray();
            for (Doctor.Check c : checks) {
                JsonObject o = new JsonObject();
                o.addProperty("check", c.name());
                o.addProperty("found", c.found());
                o.addProperty("status", c.status().name().toLowerCase(Locale.ROOT));
                if (c.fix() != null) {
                    o.addProperty("fix", c.fix());
                }
                array.add(o);
            }
            out.println(Json.GSON.toJson(array));
        } else {
            for (Doctor.Check c : checks) {
                String mark = switch (c.status()) { case OK -> "ok  "; case WARNING -> "warn"; case PROBLEM -> "FAIL"; };
                print(out, String.format(Locale.ROOT, "%s %-15s ", mark, c.name()), c.found());
                if (c.fix() != null) {
                    print(out, " ".repeat(21), "fix: " + c.fix());
                }
            }
            long problems = checks.stream().filter(c -> c.status() == Doctor.Status.PROBLEM).count();
            long warnings = checks.stream().filter(c -> c.status() == Doctor.Status.WARNING).count();
            out.println(problems > 0 ? problems + " problem(s) to fix first; " + warnings + " warning(s)."
                    : warnings > 0 ? "Ready, with " + warnings + " warning(s)." : "Ready: " + Platform.current().launcher() + " demo");
        }
        return checks.stream().anyMatch(c -> c.status() == Doctor.Status.PROBLEM) ? 1 : 0;
    }

    /** {@code text} after {@code lead}, folded to 100 columns under its own first column. */
    private static void print(java.io.PrintWriter out, String lead, String text) {
        List<String> lines = ResultsText.wrap(text, " ".repeat(lead.length()));
        out.println(lead + lines.get(0).strip());
        lines.subList(1, lines.size()).forEach(out::println);
    }

    /** A full fine-tuning step of a model shaped like the default base, at the demo's batch size. */
    private static double secondsPerStep() {
        ModelFile base = ModelFile.load(tinyfm.base.Bases.defaultBase());
        return new Benchmark(PROBE, s -> {}).fineTuneSecondsPerStep(base.config(), FineTuneConfig.DEFAULT_BATCH);
    }

    /** Runs the demo {@code runs} times, each as a new process with this one's JVM options, and records the reference. */
    private void calibrate(Path root, double secondsPerStep, java.io.PrintWriter err) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", Platform.current().program("java")).toString()));
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), "demo"));
        List<Double> seconds = new ArrayList<>();
        for (int i = 1; i <= runs; i++) {
            Path log = root.resolve("target").resolve("calibrate-demo-" + i + ".log");
            java.nio.file.Files.createDirectories(log.getParent());
            err.printf("Demo run %d of %d (output in %s)...%n", i, runs, log);
            long t0 = System.nanoTime();
            Process demo = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (demo.waitFor() != 0) {
                throw new UserError(log + ": the demo failed during calibration; its output is there");
            }
            seconds.add(Math.round((System.nanoTime() - t0) / 1e8) / 10.0);
        }
        double after = secondsPerStep(); // the step again after the demos: the reference is the mean of before and after, as the machine drifts
        err.printf(Locale.ROOT, "The step took %.1f ms before the demos and %.1f ms after.%n", 1000 * secondsPerStep, 1000 * after);
        var reference = new DemoTime.Reference(Provenance.describe(Provenance.machine()), (secondsPerStep + after) / 2, seconds, DemoCommand.LIVE_PRETRAIN_SECONDS, LocalDate.now().toString());
        DemoTime.save(DemoTime.referenceFile(root), reference);
        err.printf(Locale.ROOT, "Recorded %s: step %.1f ms, demo %s s (median %.1f s)%n", root.relativize(DemoTime.referenceFile(root)),
                1000 * reference.secondsPerStep(), seconds, reference.medianDemoSeconds());
    }
}
