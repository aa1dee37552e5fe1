package tinyfm.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import tinyfm.util.UserError;

/** Checks an --out path before any work starts, so a long run never ends in a failed save. */
final class Outputs {
    private Outputs() {}

    /** An output folder: created if missing; a file in its place, or a folder that cannot be written, is a one-line error. */
    static void ensureFolder(Path out) {
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new UserError(out + ": is a file; --out takes a folder");
        }
        try {
            tinyfm.util.CrashPoints.createDirectories(out);
        } catch (java.io.IOException e) {
            throw new UserError(out + ": cannot create the folder: " + e.getMessage());
        }
        if (!Files.isWritable(out)) {
            throw new UserError(out + ": folder is not writable");
        }
    }

    static void ensureWritable(Path out, boolean force) {
        if (Files.isDirectory(out)) {
            throw new UserError(out + ": is a folder; give a file path for --out");
        }
        if (Files.exists(out) && !force) {
            throw new UserError(out + ": already exists; add --force to overwrite it, or choose another --out");
        }
        Path dir = out.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir)) {
            throw new UserError(out + ": directory " + dir + " does not exist; create it first");
        }
        if (!Files.isWritable(dir)) {
            throw new UserError(out + ": directory " + dir + " is not writable");
        }
    }
}
