package tinyfm.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import tinyfm.util.ShutdownHooks;

/**
 * Ctrl-C during a pretraining loop: the request is passed to the loop, which writes its checkpoint
 * and returns; the process exits once it has (or after two minutes).
 */
final class CleanStop implements AutoCloseable {
    private final AtomicBoolean requested = new AtomicBoolean();
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Thread hook;

    CleanStop() {
        hook = ShutdownHooks.add(() -> {
            requested.set(true);
            try {
                finished.await(120, TimeUnit.SECONDS); // let the loop write its checkpoint
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        });
    }

    /** The flag the loop polls. */
    AtomicBoolean flag() {
        return requested;
    }

    boolean requested() {
        return requested.get();
    }

    @Override
    public void close() {
        finished.countDown();
        ShutdownHooks.remove(hook);
    }
}
