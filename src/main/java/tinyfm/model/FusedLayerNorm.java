package tinyfm.model;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * LayerNorm's forward and backward as one pass over each row, on float32 data. Composed of ND4J
 * ops, a LayerNorm costs about ten native calls, each with fixed overhead; fused, it copies the
 * rows into a Java array in one bulk read, normalises them, and writes them back in one bulk write.
 * {@link LayerNorm} uses this for float32 and keeps the composed version, which the gradient check
 * verifies in double precision, as the reference (see FusedLayerNormTest).
 */
final class FusedLayerNorm {
    private float[] x, y, h, g;  // scratch rows, reused between calls
    private float[] rstd;

    static boolean applies(INDArray... arrays) {
        for (INDArray a : arrays) {
            if (a.dataType() != DataType.FLOAT || a.offset() != 0 || !a.isR() || a.ordering() != 'c') {
                return false;
            }
        }
        return true;
    }

    private static float[] read(INDArray a, float[] into) {
        int n = (int) a.length();
        float[] out = into != null && into.length == n ? into : new float[n];
        a.data().asNioFloat().get(0, out, 0, n);
        return out;
    }

    private static void write(float[] from, INDArray a) {
        a.data().asNioFloat().put(0, from, 0, (int) a.length());
    }

    void forward(INDArray input, float[] gain, float[] bias, double eps, INDArray out, INDArray xhat, INDArray rstdOut) {
        int n = (int) input.rows(), c = (int) input.columns();
        x = read(input, x);
        y = y != null && y.length == x.length ? y : new float[x.length];
        h = h != null && h.length == x.length ? h : new float[x.length];
        rstd = rstd != null && rstd.length == n ? rstd : new float[n];
        for (int r = 0; r < n; r++) {
            int base = r * c;
            float sum = 0;
            for (int j = 0; j < c; j++) {
                sum += x[base + j];
            }
            float mean = sum / c, sq = 0;
            for (int j = 0; j < c; j++) {
                float d = x[base + j] - mean;
                sq += d * d;
            }
            float inv = (float) (1.0 / Math.sqrt(sq / c + eps));
            rstd[r] = inv;
            for (int j = 0; j < c; j++) {
                float v = (x[base + j] - mean) * inv;
                h[base + j] = v;
                y[base + j] = v * gain[j] + bias[j];
            }
        }
        write(y, out);
        write(h, xhat);
        write(rstd, rstdOut);
    }

    /** Returns {dGain, dBias} to add to the parameter gradients; writes dL/dx into dx. */
    float[][] backward(INDArray dout, INDArray xhat, INDArray rstdIn, float[] gain, INDArray dx) {
        int n = (int) dout.rows(), c = (int) dout.columns();
        g = read(dout, g);
        h = read(xhat, h);
        rstd = read(rstdIn, rstd);
        y = y != null && y.length == g.length ? y : new float[g.length];
        float[] dGain = new float[c], dBias = new float[c];
        for (int r = 0; r < n; r++) {
            int base = r * c;
            float meanG = 0, meanGH = 0;
            for (int j = 0; j < c; j++) {
                float gj = g[base + j], hj = h[base + j], scaled = gj * gain[j];
                meanG += scaled;
                meanGH += scaled * hj;
                dGain[j] += gj * hj;
                dBias[j] += gj;
            }
            meanG /= c;
            meanGH /= c;
            float inv = rstd[r];
            for (int j = 0; j < c; j++) {
                y[base + j] = inv * (g[base + j] * gain[j] - meanG - h[base + j] * meanGH);
            }
        }
        write(y, dx);
        return new float[][] {dGain, dBias};
    }
}
