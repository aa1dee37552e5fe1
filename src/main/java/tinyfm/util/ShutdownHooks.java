package tinyfm.util;

/** Work that must also run when the JVM is stopped (Ctrl-C, kill), and is taken back when the work ends normally. */
public final class ShutdownHooks {
    private ShutdownHooks() {}

    public static Thread add(Runnable onShutdown) {
        Thread hook = new Thread(onShutdown, "tinyfm-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        return hook;
    }

    /** Takes the hook back; if the JVM is already shutting down, the hook runs instead, as it should. */
    public static void remove(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or about to
        }
    }
}
