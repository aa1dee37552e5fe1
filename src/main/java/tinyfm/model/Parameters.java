package tinyfm.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * All of a model's weights live in one flat array, and all their gradients in another; each named
 * parameter is a view into both. One flat array means the optimiser, gradient clipping, saving and
 * freezing each take one call instead of one per tensor.
 *
 * <p>Parameters are laid out in the order they are declared: embeddings, then block 0, 1, ... and
 * the head last. Freezing the lower layers is then just training a suffix of the array.
 */
public final class Parameters {
    /** How a parameter starts: small random weights, zeros, or ones (LayerNorm gains). */
    public enum Init { NORMAL, ZEROS, ONES }

    public static final class Param {
        public final String name;
        public final long[] shape;
        public final long offset;
        public final long size;
        final Init init;
        final double std;
        /** Weight decay applies to matrices, not to biases or LayerNorm parameters. */
        public final boolean decay;
        public INDArray value;
        public INDArray grad;

        Param(String name, long[] shape, long offset, Init init, double std, boolean decay) {
            this.name = name;
            this.shape = shape;
            this.offset = offset;
            long n = 1;
            for (long s : shape) {
                n *= s;
            }
            this.size = n;
            this.init = init;
            this.std = std;
            this.decay = decay;
        }
    }

    private final List<Param> params;
    private final INDArray values;
    private final INDArray grads;

    private Parameters(List<Param> params, DataType type) {
        this.params = Collections.unmodifiableList(params);
        long total = params.isEmpty() ? 0 : params.get(params.size() - 1).offset + params.get(params.size() - 1).size;
        this.values = Nd4j.create(type, total);
        this.grads = Nd4j.create(type, total);
        for (Param p : params) {
            p.value = slice(values, p.offset, p.size).reshape('c', p.shape);
            p.grad = slice(grads, p.offset, p.size).reshape('c', p.shape);
        }
    }

    private static INDArray slice(INDArray flat, long from, long size) {
        return flat.get(NDArrayIndex.interval(from, from + size));
    }

    /** Collects declarations in order; {@link #build} allocates the flat arrays and fills in the views. */
    public static final class Builder {
        private final List<Param> params = new ArrayList<>();
        private long next;

        public Param add(String name, Init init, double std, boolean decay, long... shape) {
            Param p = new Param(name, shape, next, init, std, decay);
            next += p.size;
            params.add(p);
            return p;
        }

        public Parameters build(DataType type) {
            return new Parameters(params, type);
        }
    }

    public List<Param> list() {
        return params;
    }

    public INDArray values() {
        return values;
    }

    public INDArray grads() {
        return grads;
    }

    public long count() {
        return values.length();
    }

    /** Fills every parameter from a seeded generator; the same seed gives the same model. */
    public void initialize(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        for (Param p : params) {
            switch (p.init) {
                case ZEROS -> p.value.assign(0);
                case ONES -> p.value.assign(1);
                case NORMAL -> {
                    double[] data = new double[(int) p.size];
                    for (int i = 0; i < data.length; i++) {
                        data[i] = random.nextGaussian() * p.std;
                    }
                    p.value.assign(Nd4j.createFromArray(data).castTo(values.dataType()).reshape('c', p.shape));
                }
            }
        }
    }

    /** 1 where weight decay applies, 0 elsewhere; the same layout as {@link #values()}. */
    public INDArray decayMask() {
        INDArray mask = Nd4j.create(values.dataType(), values.length());
        for (Param p : params) {
            if (p.decay) {
                slice(mask, p.offset, p.size).assign(1);
            }
        }
        return mask;
    }

    /** The offset of the first parameter whose name starts with the prefix (e.g. "block.2."). */
    public long offsetOf(String prefix) {
        return params.stream().filter(p -> p.name.startsWith(prefix)).mapToLong(p -> p.offset).min()
                .orElseThrow(() -> new IllegalArgumentException("no parameter starts with " + prefix));
    }
}
