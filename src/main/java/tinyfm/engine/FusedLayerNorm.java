package tinyfm.engine;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * LayerNorm's forward and backward as one pass over each row, on float32 data. Composed of ND4J
 * ops, a LayerNorm costs about ten native calls, each with fixed overhead; fused, it copies the
 * rows into a Java array in one bulk read, normalises them, and writes them back in one bulk write.
 * {@link LayerNorm} uses this when {@link FastEngine#contiguous} holds and keeps the composed version, which the gradient check
 * verifies in double precision, as the reference (see FusedLayerNormTest).
 */
final class FusedLayerNorm {
    private float[] x, y, h, g;  // scratch rows, reused between calls
    private float[] rstd;

    private static float[] scratch(float[] old, int n) {
        return old != null && old.length == n ? old : new float[n];
    }

    private final FastEngine engine;

    FusedLayerNorm(FastEngine engine) {
        this.engine = engine;
    }

    private float[] read(INDArray a, float[] into) {
        int n = (int) a.length();
        float[] out = scratch(into, n);
        engine.buffer(a).get(0, out, 0, n);
        return out;
    }

    private void write(float[] from, INDArray a) {
        engine.buffer(a).put(0, from, 0, (int) a.length());
    }

    void forward(INDArray input, float[] gain, float[] bias, double eps, INDArray out, INDArray xhat, INDArray rstdOut) {
        int n = (int) input.rows(), c = (int) input.columns();
        float[] x = this.x = read(input, this.x);
        float[] y = this.y = scratch(this.y, x.length);
        float[] h = this.h = scratch(this.h, x.length);
        float[] rstd = this.rstd = scratch(this.rstd, n);
        Halves.run(n, (long) n * c, (from, to) -> {
            for (int r = from; r < to; r++) {
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
        });
        write(y, out);
        write(h, xhat);
        write(rstd, rstdOut);
    }

    /** Returns {dGain, dBias} to add to the parameter gradients; writes dL/dx into dx. */
    float[][] backward(INDArray dout, INDArray xhat, INDArray rstdIn, float[] gain, INDArray dx) {
        int n = (int) dout.rows(), c = (int) dout.columns();
        float[] g = this.g = read(dout, this.g);
        float[] h = this.h = read(xhat, this.h);
        float[] rstd = this.rstd = read(rstdIn, this.rstd);
        float[] y = this.y = scratch(this.y, g.length);
        Halves.run(n, (long) n * c, (from, to) -> {
            for (int r = from; r < to; r++) {
                int base = r * c;
                float meanG = 0, meanGH = 0;
                for (int j = 0; j < c; j++) {
                    float scaled = g[base + j] * gain[j];
                    meanG += scaled;
                    meanGH += scaled * h[base + j];
                }
                meanG /= c;
                meanGH /= c;
                float inv = rstd[r];
                for (int j = 0; j < c; j++) {
                    y[base + j] = inv * (g[base + j] * gain[j] - meanG - h[base + j] * meanGH);
                }
            }
        });
        // the parameter gradients sum over rows, in one fixed order
        float[] dGain = new float[c], dBias = new float[c];
        for (int r = 0; r < n; r++) {
            int base = r * c;
            for (int j = 0; j < c; j++) {
                dGain[j] += g[base + j] * h[base + j];
                dBias[j] += g[base + j];
            }
        }
        write(y, dx);
        return new float[][] {dGain, dBias};
    }
}
