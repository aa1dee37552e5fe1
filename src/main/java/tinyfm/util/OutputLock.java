package tinyfm.util;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Keeps two runs from writing the same output: {@code out.lock} holds the writer's process id and
 * start time. A second run aimed at the same file refuses; a lock whose process is gone (a run killed
 * with -9, a machine that rebooted) is stale and is taken over. The lock is removed on exit.
 */
public final class OutputLock implements AutoCloseable {
    private final Path lock;
    private final Thread cleanup;

    private OutputLock(Path lock) {
        this.lock = lock;
        this.cleanup = ShutdownHooks.add(this::delete); // Ctrl-C and kill end through System.exit too
    }

    public static Path lockFile(Path out) {
        return out.resolveSibling(out.getFileName() + ".lock");
    }

    /** Takes the lock on {@code out}, or says which run holds it. */
    public static OutputLock acquire(Path out) {
        Path lock = lockFile(out);
        for (int attempt = 0; attempt < 2; attempt++) {
            try {
                CrashPoints.reached("create the lock", lock);
                Files.writeString(lock, me(), StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE_NEW,
                        java.nio.file.StandardOpenOption.WRITE);
                return new OutputLock(lock);
            } catch (FileAlreadyExistsException e) {
                Optional<Long> holder = liveHolder(lock);
                if (holder.isPresent()) {
                    throw new UserError(out + ": another tinyfm run (process " + holder.get() + ") is writing this file; "
                            + "wait for it to finish, or choose another output");
                }
                try {
                    CrashPoints.reached("delete a stale lock", lock);
                    Files.deleteIfExists(lock); // stale: its process is gone
                } catch (IOException gone) {
                    throw new UserError(lock + ": stale lock file that cannot be removed (" + gone.getMessage() + ")");
                }
            } catch (IOException e) {
                throw new UserError(out + ": cannot create the lock file " + lock.getFileName() + " (" + e.getMessage() + ")");
            }
        }
        throw new UserError(out + ": another tinyfm run keeps taking the lock " + lock.getFileName() + "; try again");
    }

    private static String me() {
        ProcessHandle self = ProcessHandle.current();
        return self.pid() + " " + self.info().startInstant().map(i -> String.valueOf(i.toEpochMilli())).orElse("?") + "\n";
    }

    /** The process id in a lock file if that process still runs (the same process: its start time matches). */
    private static Optional<Long> liveHolder(Path lock) {
        String[] parts;
        try {
            parts = Files.readString(lock, StandardCharsets.UTF_8).strip().split(" ");
        } catch (IOException e) {
            return Optional.empty();
        }
        try {
            long pid = Long.parseLong(parts[0]);
            String started = parts.length > 1 ? parts[1] : "?";
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                    .filter(p -> started.equals("?") || p.info().startInstant().map(i -> String.valueOf(i.toEpochMilli()).equals(started)).orElse(true))
                    .map(ProcessHandle::pid);
        } catch (NumberFormatException e) {
            return Optional.empty(); // not written by tinyfm, or cut short: nobody holds it
        }
    }

    private void delete() {
        CrashPoints.reached("delete the lock", lock);
        try {
            Files.deleteIfExists(lock);
        } catch (IOException ignored) {
            // a lock left behind is detected as stale by the next run
        }
    }

    @Override
    public void close() {
        delete();
        ShutdownHooks.remove(cleanup);
    }
}
