package tinyfm.model;

import java.util.HashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Activation buffers, made once and reused every step. ND4J allocates off-heap memory slowly;
 * reusing buffers made the training step several times faster (see README, Performance).
 *
 * <p>Each name owns one block of memory, as large as the largest shape asked for so far; a
 * request is a view of its start. Fine-tuning batches come in many shapes (texts of different
 * lengths), and they all share the same memory instead of each allocating its own.
 *
 * <p>Buffers are not cleared: every layer writes a buffer in full before it reads it.
 */
final class Workspace {
    private final DataType type;
    private final Map<String, INDArray> blocks = new HashMap<>();
    private final Map<String, INDArray> views = new HashMap<>();
    private final Map<Long, INDArray> ones = new HashMap<>();

    Workspace(DataType type) {
        this.type = type;
    }

    DataType type() {
        return type;
    }

    /** A buffer of this shape, row-major, owned by {@code name}; its contents are whatever was last written. */
    INDArray get(String name, long... shape) {
        String key = name + java.util.Arrays.toString(shape);
        INDArray view = views.get(key);
        if (view != null) {
            return view;
        }
        long length = 1;
        for (long s : shape) {
            length *= s;
        }
        INDArray block = blocks.get(name);
        if (block == null || block.length() < length) {
            // at least double, so a run of ever longer batches reallocates only a few times;
            // uninitialised, because every user writes a buffer before it reads it
            block = Nd4j.createUninitialized(type, block == null ? length : Math.max(length, 2 * block.length()));
            blocks.put(name, block);
            views.keySet().removeIf(k -> k.startsWith(name + "["));  // they pointed into the old block
        }
        view = (block.length() == length ? block : block.get(NDArrayIndex.interval(0, length))).reshape('c', shape);
        views.put(key, view);
        return view;
    }

    /** A row of ones, [1, rows]: multiplying by it sums a matrix's rows. */
    INDArray ones(long rows) {
        return ones.computeIfAbsent(rows, r -> Nd4j.ones(type, 1, r));
    }
}
