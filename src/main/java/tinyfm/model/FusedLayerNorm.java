package tinyfm.model;

import java.nio.FloatBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * LayerNorm's forward and backward as one pass over each row, on float32 buffers. Composed of
 * ND4J ops, a LayerNorm costs about ten native calls, each with fixed overhead; fused it reads each
 * row once. {@link LayerNorm} uses this for float32 and keeps the composed version, which the
 * gradient check verifies in double precision, as the reference (see FusedLayerNormTest).
 */
final class FusedLayerNorm {
    private FusedLayerNorm() {}

    static boolean applies(INDArray... arrays) {
        for (INDArray a : arrays) {
            if (a.dataType() != org.nd4j.linalg.api.buffer.DataType.FLOAT || a.offset() != 0 || !a.isR() || a.ordering() != 'c') {
                return false;
            }
        }
        return true;
    }

    private static FloatBuffer floats(INDArray a) {
        return a.data().asNioFloat();
    }

    /** One thread: ND4J's OpenMP threads own the cores, and Java threads next to them measured slower. */
    private static void rows(int n, java.util.function.IntConsumer body) {
        for (int r = 0; r < n; r++) {
            body.accept(r);
        }
    }

    static void forward(INDArray x, float[] gain, float[] bias, double eps, INDArray out, INDArray xhat, INDArray rstd) {
        int n = (int) x.rows(), c = (int) x.columns();
        FloatBuffer xb = floats(x), ob = floats(out), hb = floats(xhat), sb = floats(rstd);
        rows(n, r -> {
            int base = r * c;
            double sum = 0;
            for (int j = 0; j < c; j++) {
                sum += xb.get(base + j);
            }
            float mean = (float) (sum / c);
            double sq = 0;
            for (int j = 0; j < c; j++) {
                float d = xb.get(base + j) - mean;
                sq += d * d;
            }
            float inv = (float) (1.0 / Math.sqrt(sq / c + eps));
            sb.put(r, inv);
            for (int j = 0; j < c; j++) {
                float h = (xb.get(base + j) - mean) * inv;
                hb.put(base + j, h);
                ob.put(base + j, h * gain[j] + bias[j]);
            }
        });
    }

    /** Returns {dGain, dBias} to add to the parameter gradients; writes dL/dx into dx. */
    static float[][] backward(INDArray dout, INDArray xhat, INDArray rstd, float[] gain, INDArray dx) {
        int n = (int) dout.rows(), c = (int) dout.columns();
        FloatBuffer gb = floats(dout), hb = floats(xhat), sb = floats(rstd), xb = floats(dx);
        rows(n, r -> {
            int base = r * c;
            double meanG = 0, meanGH = 0;
            for (int j = 0; j < c; j++) {
                float g = gb.get(base + j) * gain[j];
                meanG += g;
                meanGH += g * hb.get(base + j);
            }
            float mg = (float) (meanG / c), mgh = (float) (meanGH / c), inv = sb.get(r);
            for (int j = 0; j < c; j++) {
                float g = gb.get(base + j) * gain[j];
                xb.put(base + j, inv * (g - mg - hb.get(base + j) * mgh));
            }
        });
        // parameter gradients: column sums, summed in a fixed order so results are reproducible
        float[] dGain = new float[c], dBias = new float[c];
        for (int r = 0; r < n; r++) {
            int base = r * c;
            for (int j = 0; j < c; j++) {
                float g = gb.get(base + j);
                dGain[j] += g * hb.get(base + j);
                dBias[j] += g;
            }
        }
        return new float[][] {dGain, dBias};
    }
}
