package tinyfm.setup;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import tinyfm.util.AtomicFiles;
import tinyfm.util.Json;
import tinyfm.util.UserError;

/**
 * How long the demo will take on this machine, from a few seconds of its real work: the demo's time
 * on a reference machine, its training part scaled by how fast a fine-tuning step of the default
 * base runs here against there. The live pretraining has a fixed length, so it is not scaled.
 *
 * <p>The reference is a file that {@code tinyfm doctor --calibrate} writes on the reference machine:
 * the step's time and the demo's measured times there.
 */
public final class DemoTime {
    private DemoTime() {}

    /** The reference machine's figures: its fine-tuning step, and the demo's wall times (whole process, jar built). */
    public record Reference(String machine, double secondsPerStep, List<Double> demoSeconds, double fixedSeconds, String date) {
        public double medianDemoSeconds() {
            return tinyfm.bench.Benchmark.median(demoSeconds.stream().mapToDouble(Double::doubleValue).toArray());
        }

        /** The demo's time on a machine whose step takes {@code secondsPerStepHere}. */
        public double estimate(double secondsPerStepHere) {
            return fixedSeconds + (medianDemoSeconds() - fixedSeconds) * secondsPerStepHere / secondsPerStep;
        }
    }

    /** Where the reference is kept, beside the other measurements. */
    public static Path referenceFile(Path root) {
        return root.resolve("docs").resolve("measurements").resolve("doctor").resolve("demo-time.json");
    }

    public static Optional<Reference> load(Path file) {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            JsonObject json = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
            Reference r = Json.GSON.fromJson(json, Reference.class);
            if (r.demoSeconds() == null || r.demoSeconds().isEmpty() || !(r.secondsPerStep() > 0)) {
                throw new UserError(file + ": not a demo-time reference (it needs secondsPerStep and demoSeconds); 'tinyfm doctor --calibrate' writes one");
            }
            return Optional.of(r);
        } catch (IOException | RuntimeException e) {
            if (e instanceof UserError u) {
                throw u;
            }
            throw new UserError(file + ": not a demo-time reference (" + e.getMessage() + "); 'tinyfm doctor --calibrate' writes one");
        }
    }

    public static void save(Path file, Reference reference) {
        try {
            Files.createDirectories(file.getParent());
        } catch (IOException e) {
            throw new UserError(file.getParent() + ": cannot create the folder (" + e.getMessage() + ")");
        }
        AtomicFiles.writeString(file, Json.GSON.toJson(reference) + "\n");
    }

    public static String minutes(double seconds) {
        return seconds < 90 ? String.format(Locale.ROOT, "%.0f s", seconds) : String.format(Locale.ROOT, "%.1f minutes", seconds / 60);
    }
}
