package tinyfm.engine;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.indexer.FloatIndexer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Float arrays in off-heap memory that JavaCPP allocates directly, wrapped as ND4J arrays.
 *
 * <p>ND4J's own allocation is slow here: {@code Nd4j.createUninitialized} took about 11 ms for a
 * million floats whether they were then written or not, where a JavaCPP {@code FloatPointer} of the
 * same size, wrapped, takes about 0.1 ms and pays only when first written, about 7 ms for all of
 * them (src/bench/OffHeapAllocation.java). A fine-tuning run builds a new model and new
 * activation buffers, so the difference was paid in every run. The memory is freed when the array is
 * garbage collected (the buffer holds the pointer), and it counts against JavaCPP's off-heap limit
 * ({@code org.bytedeco.javacpp.maxbytes}, which the launcher sets).
 */
public final class OffHeap {
    private OffHeap() {}

    /** A new vector of {@code length} floats (at least one); its contents are undefined until written. */
    public static INDArray floats(long length) {
        long n = Math.max(1, length);
        FloatPointer memory = new FloatPointer(n);
        return Nd4j.create(Nd4j.createBuffer(memory, DataType.FLOAT, n, FloatIndexer.create(memory)), new long[] {n});
    }

    /** A float array's elements in row-major order, copied to the Java heap. */
    public static float[] toFloats(INDArray a) {
        if (!FastEngine.contiguous(a)) {
            return a.dup('c').data().asFloat();
        }
        float[] out = new float[(int) a.length()];
        FastEngine.floats(a).get(0, out, 0, out.length);
        java.lang.ref.Reference.reachabilityFence(a); // the buffer read above does not own the memory; the array does
        return out;
    }

    /** A float array's elements in row-major order, widened to doubles; any other array through ND4J. */
    public static double[] toDoubles(INDArray a) {
        if (!FastEngine.contiguous(a)) {
            return a.dup('c').data().asDouble();
        }
        float[] f = toFloats(a);
        double[] out = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            out[i] = f[i];
        }
        return out;
    }

    /** A [rows, cols] array of {@code type} holding these values in row-major order. */
    public static INDArray matrix(double[] values, long rows, long cols, DataType type) {
        if (type != DataType.FLOAT) {
            return Nd4j.createFromArray(values).reshape(rows, cols).castTo(type);
        }
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) values[i];
        }
        INDArray out = floats(values.length);
        FastEngine.floats(out).put(0, f, 0, f.length);
        return out.reshape('c', rows, cols); // the reshaped view keeps the memory alive
    }

    /** A copy of a float array in memory of its own (any other array through ND4J). */
    public static INDArray copy(INDArray a) {
        if (a.dataType() != DataType.FLOAT) {
            return a.dup();
        }
        return floats(a.length()).reshape('c', a.shape()).assign(a);
    }
}
