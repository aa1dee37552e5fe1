package tinyfm.util;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The places where tinyfm changes something on disk, counted, for the crash sweep
 * ({@code CrashSweepTest}): every write, rename, append and delete of a file the user keeps calls
 * {@link #reached} just before it happens. With {@code -Dtinyfm.crash.at=K} the process halts at the
 * K-th of them as a kill or a power cut would ({@link Runtime#halt}: no shutdown hooks, no finally
 * blocks). With {@code -Dtinyfm.crash.count=FILE} a run that ends normally writes how many it passed.
 * Without either property, {@link #reached} only counts. The library's own log is not counted: a
 * torn log line loses nothing.
 */
public final class CrashPoints {
    /** The exit status of a halted run: a kill's (128 + SIGKILL). */
    public static final int HALTED = 137;

    private static final long HALT_AT = Long.getLong("tinyfm.crash.at", 0);
    private static final AtomicLong PASSED = new AtomicLong();

    static {
        String countFile = System.getProperty("tinyfm.crash.count");
        if (countFile != null) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    Files.writeString(Path.of(countFile), PASSED.get() + "\n");
                } catch (IOException ignored) {
                    // the sweep then finds no count and says so
                }
            }));
        }
    }

    private CrashPoints() {}

    /** {@link Files#createDirectories}, counted as a write point when it creates anything. */
    public static void createDirectories(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            reached("create the folder", dir);
            Files.createDirectories(dir);
        }
    }

    /** Just before {@code what} happens to {@code file}: halts here if this is the point the sweep asked for. */
    public static void reached(String what, Path file) {
        long k = PASSED.incrementAndGet();
        if (k == HALT_AT) {
            System.err.println("tinyfm: halted before file operation " + k + " (" + what + " " + file + "), as a kill would");
            System.err.flush();
            Runtime.getRuntime().halt(HALTED);
        }
    }
}
