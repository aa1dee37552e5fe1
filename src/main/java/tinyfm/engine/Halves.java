package tinyfm.engine;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs a loop over [0, n) as two halves at once: the upper half on one helper thread, the lower
 * half on the caller. The Java loops in {@link Kernels} and {@link FusedLayerNorm} would otherwise
 * keep one core busy while the other waits for the next matrix product.
 *
 * <p>The split point depends only on n, and each index is computed by one thread in the same way,
 * so results are the same on every run. Short loops, and calls while the helper is busy (another
 * model on another thread), simply run on the caller.
 */
final class Halves {
    /** Below this much work the hand-off (a few microseconds) costs more than it saves. */
    static final long MIN_WORK = 32_768;
    /** How long the helper spins for the next task before it parks: kernels tend to come in bursts. */
    private static final long SPIN_NANOS = 200_000;

    interface Body {
        void run(int from, int to);
    }

    static final boolean OFF = Boolean.getBoolean("tinyfm.halves.off");
    private static final AtomicBoolean BUSY = new AtomicBoolean();
    private static final Helper HELPER = new Helper();

    private Halves() {
    }

    /** Runs body over [0, n); {@code work} is roughly how many elements the whole loop touches. */
    static void run(int n, long work, Body body) {
        if (n < 2 || work < MIN_WORK || OFF || !BUSY.compareAndSet(false, true)) {
            body.run(0, n);
            return;
        }
        try {
            int mid = n / 2;
            HELPER.start(body, mid, n);
            body.run(0, mid);
            HELPER.await();
        } finally {
            BUSY.set(false);
        }
    }

    private static final class Helper implements Runnable {
        private final Thread thread;
        private volatile Body body;
        private volatile int from, to;
        private volatile boolean done = true;
        private volatile Throwable failure;

        Helper() {
            thread = new Thread(this, "tinyfm-halves");
            thread.setDaemon(true);
            thread.start();
        }

        void start(Body task, int from, int to) {
            this.from = from;
            this.to = to;
            this.failure = null;
            this.done = false;
            this.body = task;  // written last: the helper starts when it sees a body
            LockSupport.unpark(thread);
        }

        void await() {
            while (!done) {
                Thread.onSpinWait();
            }
            Throwable t = failure;
            if (t instanceof RuntimeException e) {
                throw e;
            }
            if (t instanceof Error e) {
                throw e;
            }
        }

        @Override
        public void run() {
            while (true) {
                Body task = nextTask();
                try {
                    task.run(from, to);
                } catch (Throwable t) {
                    failure = t;
                } finally {
                    body = null;
                    done = true;
                }
            }
        }

        private Body nextTask() {
            long spinUntil = System.nanoTime() + SPIN_NANOS;
            while (true) {
                Body task = body;
                if (task != null) {
                    return task;
                }
                if (System.nanoTime() < spinUntil) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                    spinUntil = System.nanoTime() + SPIN_NANOS;
                }
            }
        }
    }
}
