package tinyfm.util;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.function.UnaryOperator;

/** Writes a file so that a reader sees either the old file or the complete new one, never half of it. */
public final class AtomicFiles {
    private AtomicFiles() {}

    @FunctionalInterface
    public interface Writer {
        void write(OutputStream out) throws IOException;
    }

    private static volatile UnaryOperator<OutputStream> faults = UnaryOperator.identity();

    /**
     * For tests: every write goes through {@code wrap}, which can fail partway as a full disk does.
     * Closing the returned handle restores normal writing.
     */
    public static AutoCloseable simulateFaults(UnaryOperator<OutputStream> wrap) {
        faults = wrap;
        return () -> faults = UnaryOperator.identity();
    }

    private static final java.util.concurrent.atomic.AtomicLong TEMP_COUNTER = new java.util.concurrent.atomic.AtomicLong();

    public static void write(Path target, Writer writer) {
        Path dir = target.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir)) {
            throw new UserError(target + ": directory " + dir + " does not exist; create it first");
        }
        Path temp = null;
        try {
            // not createTempFile: its files are always 0600; createFile honours the umask, as any other tool's output does
            temp = dir.resolve("." + target.getFileName() + "." + ProcessHandle.current().pid() + "-" + TEMP_COUNTER.incrementAndGet() + ".tmp");
            CrashPoints.reached("write a temp file for", target);
            Files.createFile(temp);
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE);
                 OutputStream out = new BufferedOutputStream(faults.apply(Channels.newOutputStream(channel)), 1 << 16)) {
                writer.write(unclosable(out)); // a writer's zip or stream closes what it wraps; the channel must stay open to force it
                out.flush();
                channel.force(true); // on disk before the rename makes it the file, so a power cut cannot leave it half written
            }
            CrashPoints.reached("rename into place", target);
            try {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (AccessDeniedException e) {
            throw new UserError(target + ": cannot write here (permission denied)", e);
        } catch (NoSuchFileException e) {
            throw new UserError(target + ": directory does not exist", e);
        } catch (IOException e) {
            throw new UserError(target + ": cannot write: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // the temp file is harmless; the target is what matters
                }
            }
        }
    }

    private static OutputStream unclosable(OutputStream out) {
        return new java.io.FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                out.flush();
            }
        };
    }

    public static void writeString(Path target, String text) {
        write(target, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
    }
}
