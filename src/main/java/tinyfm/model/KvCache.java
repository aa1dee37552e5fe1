package tinyfm.model;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import tinyfm.engine.Engine;

/**
 * The keys and values of every token decoded so far, per block: [B, H, context, D] each. A new
 * token's queries attend to all of them, so each step costs one position's work instead of the
 * whole window's.
 */
public final class KvCache {
    static final int KEYS = 0, VALUES = 1;
    private final INDArray[][] store;   // [layer][KEYS or VALUES]
    private final int capacity;
    private final java.util.Map<Long, INDArray> views = new java.util.HashMap<>(); // made once: a decoded token asks for the same ones
    private int length;

    public KvCache(GptConfig config, int batch, DataType type) {
        this.capacity = config.contextLength();
        this.store = new INDArray[config.layers()][2];
        for (INDArray[] layer : store) {
            layer[KEYS] = Nd4j.create(type, batch, config.heads(), capacity, config.headDim());
            layer[VALUES] = Nd4j.create(type, batch, config.heads(), capacity, config.headDim());
        }
    }

    /** Tokens held. */
    public int length() {
        return length;
    }

    public int capacity() {
        return capacity;
    }

    public void clear() {
        length = 0;
    }

    /** Writes this step's keys or values [B, H, T, D] after the cached ones; returns all of them, [B, H, length + T, D]. */
    INDArray append(Engine e, int layer, int which, INDArray fresh) {
        int time = (int) fresh.size(2);
        e.copy(fresh, positions(layer, which, length, length + time));
        return positions(layer, which, 0, length + time);
    }

    /** Positions [from, to) of a layer's keys or values, [B, H, to − from, D], as a view of the same memory. */
    private INDArray positions(int layer, int which, int from, int to) {
        long key = (((long) layer * 2 + which) * (capacity + 1) + from) * (capacity + 1) + to;
        return views.computeIfAbsent(key, k -> {
            INDArray all = store[layer][which];
            long[] shape = all.shape().clone();
            shape[2] = to - from;
            return Nd4j.create(all.data(), shape, all.stride(), from * shape[3], 'c');
        });
    }

    /** Called once every block has appended: the new tokens now count as cached. */
    void advance(int time) {
        length += time;
    }
}
