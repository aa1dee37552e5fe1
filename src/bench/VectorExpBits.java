import jdk.incubator.vector.*;
import java.util.Arrays;

/**
 * Does the vector API's EXP give the same bits before and after the JIT compiles it? Run with
 * {@code java --add-modules jdk.incubator.vector src/bench/VectorExpBits.java} (docs/performance.md, The vector API).
 */
public class VectorExpBits {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    static void exp(float[] x, float[] y) {
        int i = 0;
        for (; i < S.loopBound(x.length); i += S.length()) {
            FloatVector.fromArray(S, x, i).lanewise(VectorOperators.EXP).intoArray(y, i);
        }
        for (; i < x.length; i++) y[i] = (float) Math.exp(x[i]);
    }

    public static void main(String[] a) {
        java.util.Random r = new java.util.Random(1);
        float[] x = new float[4096];
        for (int i = 0; i < x.length; i++) x[i] = (float) (r.nextGaussian() * 4);
        float[] first = new float[x.length], y = new float[x.length];
        exp(x, first);
        int differentIterations = 0, firstDiff = -1;
        for (int it = 0; it < 20000; it++) {
            exp(x, y);
            if (!Arrays.equals(first, y)) { differentIterations++; if (firstDiff < 0) firstDiff = it; }
        }
        int lanes = 0; float maxRel = 0;
        for (int i = 0; i < x.length; i++) if (first[i] != y[i]) { lanes++; maxRel = Math.max(maxRel, Math.abs(first[i] - y[i]) / Math.abs(y[i])); }
        System.out.printf("species %s: %d of 20000 later calls differ from the first (first at call %d); at the end %d of %d values differ, max relative %.2e%n",
                S, differentIterations, firstDiff, lanes, x.length, maxRel);
    }
}
