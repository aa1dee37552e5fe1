package tinyfm.model;

import java.util.HashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Activation buffers, made once per batch shape and reused every step. ND4J allocates off-heap
 * memory slowly; reusing buffers made the training step several times faster (see README, Performance).
 */
final class Workspace {
    private final DataType type;
    private final Map<String, INDArray> buffers = new HashMap<>();

    Workspace(DataType type) {
        this.type = type;
    }

    DataType type() {
        return type;
    }

    /** The buffer with this name and shape, created on first use. */
    INDArray get(String name, long... shape) {
        String key = name + java.util.Arrays.toString(shape);
        return buffers.computeIfAbsent(key, k -> Nd4j.create(type, shape));
    }

    INDArray ones(long rows) {
        return buffers.computeIfAbsent("ones" + rows, k -> Nd4j.ones(type, 1, rows));
    }
}
