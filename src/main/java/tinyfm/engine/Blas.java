package tinyfm.engine;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Matrix products, the arithmetic of a Transformer, handed straight to OpenBLAS (the BLAS that
 * ND4J ships) on the arrays' own memory. At this model's sizes, {@code Nd4j.gemm} spends about as
 * long preparing a call as OpenBLAS spends computing it; calling {@code cblas_sgemm} directly made
 * each product about twice as fast (see README, Performance).
 *
 * <p>OpenBLAS runs on one thread; a large product is split into two halves that run at once (see
 * {@link Halves}), and attention runs its many small per-head products two at a time. Letting
 * OpenBLAS split the small products itself made them slower than one thread.
 *
 * <p>A {@link Matrix} may be any block of rows and columns inside a row-major array, which is how
 * attention reads each head's queries, keys and values in place, without copying them out.
 */
final class Blas {
    /** Below this many multiply-adds (m·n·k), a product runs whole on the calling thread. */
    static final long SPLIT_WORK = 1 << 20;

    static {
        openblas_nolapack.blas_set_num_threads(1);
    }

    private Blas() {
    }

    /**
     * rows × cols elements starting at {@code offset} of {@code array}'s memory, with rows {@code stride}
     * elements apart. {@code base}, when known, is the array's float32 memory as a buffer from its first
     * element: BLAS is then called on it directly, without making a native pointer per call.
     */
    record Matrix(INDArray array, long offset, int rows, int cols, int stride, java.nio.FloatBuffer base) {
        Matrix(INDArray array, long offset, int rows, int cols, int stride) {
            this(array, offset, rows, cols, stride, null);
        }

        Matrix withBase(java.nio.FloatBuffer buffer) {
            return new Matrix(array, offset, rows, cols, stride, buffer);
        }

        /** A whole 2-D row-major array (or view with unit column stride). */
        static Matrix of(INDArray a) {
            if (a.rank() != 2 || a.ordering() != 'c' || a.stride(1) != 1) {
                throw new IllegalArgumentException("expected a row-major matrix, got shape " + java.util.Arrays.toString(a.shape()));
            }
            // ND4J may report any row stride for a single row; BLAS wants at least the row's length
            int stride = a.rows() == 1 ? (int) a.columns() : (int) a.stride(0);
            return new Matrix(a, a.offset(), (int) a.rows(), (int) a.columns(), stride);
        }

        /** The block of {@code rows × cols} starting at (row, col) of this matrix. */
        Matrix block(int row, int col, int rows, int cols) {
            return new Matrix(array, offset + (long) row * stride + col, rows, cols, stride, base);
        }
    }

    /** c = alpha · op(a) · op(b) + beta · c, where op transposes when asked. */
    static void gemm(boolean transA, boolean transB, double alpha, INDArray a, INDArray b, double beta, INDArray c) {
        gemm(transA, transB, alpha, Matrix.of(a), Matrix.of(b), beta, Matrix.of(c));
    }

    static void gemm(boolean transA, boolean transB, double alpha, Matrix a, Matrix b, double beta, Matrix c) {
        int m = transA ? a.cols : a.rows, k = transA ? a.rows : a.cols;
        int kb = transB ? b.cols : b.rows, n = transB ? b.rows : b.cols;
        if (k != kb || c.rows != m || c.cols != n) {
            throw new IllegalArgumentException("gemm shapes do not match: " + m + "x" + k + " times " + kb + "x" + n + " into " + c.rows + "x" + c.cols);
        }
        if ((long) m * n * k >= SPLIT_WORK && Math.max(m, n) >= 2) {
            splitInHalves(transA, transB, alpha, a, b, beta, c, m, n);
        } else {
            gemmWhole(transA, transB, alpha, a, b, beta, c);
        }
    }

    /** The same product, whole, on the calling thread: for callers that run many small products in parallel themselves. */
    static void gemmWhole(boolean transA, boolean transB, double alpha, Matrix a, Matrix b, double beta, Matrix c) {
        int m = transA ? a.cols : a.rows, k = transA ? a.rows : a.cols, n = transB ? b.rows : b.cols;
        DataType type = c.array.dataType();
        if (a.array.dataType() != type || b.array.dataType() != type) {
            throw new IllegalArgumentException("gemm needs one data type, got " + a.array.dataType() + ", " + b.array.dataType() + ", " + type);
        }
        int ta = transA ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans;
        int tb = transB ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans;
        int order = openblas_nolapack.CblasRowMajor;
        if (type == DataType.FLOAT && a.base != null && b.base != null && c.base != null) {
            if (m == 1 && !transA) { // one row: a matrix-vector product, y = op(b)ᵀ · x
                openblas_nolapack.cblas_sgemv(order, transB ? openblas_nolapack.CblasNoTrans : openblas_nolapack.CblasTrans, b.rows, b.cols,
                        (float) alpha, at(b), b.stride, at(a), 1, (float) beta, at(c), 1);
            } else {
                openblas_nolapack.cblas_sgemm(order, ta, tb, m, n, k, (float) alpha, at(a), a.stride, at(b), b.stride, (float) beta, at(c), c.stride);
            }
        } else if (type == DataType.FLOAT) {
            openblas_nolapack.cblas_sgemm(order, ta, tb, m, n, k, (float) alpha, floats(a), a.stride, floats(b), b.stride, (float) beta, floats(c), c.stride);
        } else if (type == DataType.DOUBLE) {
            openblas_nolapack.cblas_dgemm(order, ta, tb, m, n, k, alpha, doubles(a), a.stride, doubles(b), b.stride, beta, doubles(c), c.stride);
        } else {
            throw new IllegalArgumentException("gemm supports FLOAT and DOUBLE, got " + type);
        }
    }

    /** Splits C's rows (or, when it is wider than tall, its columns) in two; each half is an independent product. */
    private static void splitInHalves(boolean transA, boolean transB, double alpha, Matrix a, Matrix b, double beta, Matrix c, int m, int n) {
        boolean byRows = m >= n;
        Halves.run(2, Halves.MIN_WORK, (from, to) -> {
            for (int half = from; half < to; half++) {
                int size = byRows ? m : n, start = half == 0 ? 0 : size / 2, count = half == 0 ? size / 2 : size - size / 2;
                if (byRows) {  // rows of op(A) and of C
                    Matrix aPart = transA ? a.block(0, start, a.rows, count) : a.block(start, 0, count, a.cols);
                    gemmWhole(transA, transB, alpha, aPart, b, beta, c.block(start, 0, count, c.cols));
                } else {       // columns of op(B) and of C
                    Matrix bPart = transB ? b.block(start, 0, count, b.cols) : b.block(0, start, b.rows, count);
                    gemmWhole(transA, transB, alpha, a, bPart, beta, c.block(0, start, c.rows, count));
                }
            }
        });
    }

    /** The matrix's first element in its base buffer (a fresh view of it, so two threads can use one base at once). */
    private static java.nio.FloatBuffer at(Matrix m) {
        return m.base.duplicate().position((int) (m.offset - m.array.offset()));
    }

    // A view's buffer already starts at the view's first element, so only the block's own offset is added.
    private static FloatPointer floats(Matrix m) {
        return new FloatPointer(m.array.data().addressPointer()).position(m.offset - m.array.offset());
    }

    private static DoublePointer doubles(Matrix m) {
        return new DoublePointer(m.array.data().addressPointer()).position(m.offset - m.array.offset());
    }
}
