package tinyfm.cli;

import tinyfm.model.GptConfig;
import tinyfm.util.UserError;

/** Refuses a model that cannot fit, before allocating anything, with the estimate in the message. */
final class MemoryCheck {
    private MemoryCheck() {}

    /** Bytes of weights, gradients, optimiser moments and activation buffers (float32). */
    static long estimateBytes(GptConfig c, int batch) {
        long params = c.parameterCount();
        long rows = (long) batch * c.contextLength();
        long perBlock = rows * c.embedDim() * 40L + 6L * batch * c.heads() * c.contextLength() * (long) c.contextLength();
        long head = 2L * rows * c.vocabSize();
        return 4L * (5 * params + c.layers() * perBlock + head);
    }

    static void ensureFits(GptConfig c, int batch) {
        long need = estimateBytes(c, batch);
        long limit = offHeapLimit();
        if (need > limit) {
            throw new UserError(String.format("this model needs about %.1f GB for training (batch %d) but only %.1f GB of off-heap memory is allowed; "
                    + "use a smaller preset, --batch, --context or --embed", need / 1e9, batch, limit / 1e9));
        }
    }

    static long offHeapLimit() {
        String v = System.getProperty("org.bytedeco.javacpp.maxbytes");
        if (v != null) {
            try {
                String s = v.trim().toUpperCase();
                long mult = s.endsWith("G") ? 1L << 30 : s.endsWith("M") ? 1L << 20 : s.endsWith("K") ? 1L << 10 : 1;
                return Long.parseLong(mult == 1 ? s : s.substring(0, s.length() - 1)) * mult;
            } catch (NumberFormatException ignored) {
                // fall through to the machine's memory
            }
        }
        return Math.max(1L << 30, Runtime.getRuntime().maxMemory() * 2);
    }
}
