package tinyfm.finetuning;

/** Scores to probabilities: for the two logistic regressions (bag-of-words and the probe) and for prompted labels. */
public final class Softmax {
    private Softmax() {}

    /** Replaces scores z by exp(z) / Σ exp(z), computed stably (the largest score is subtracted first). */
    public static double[] inPlace(double[] z) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : z) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (int c = 0; c < z.length; c++) {
            z[c] = Math.exp(z[c] - max);
            sum += z[c];
        }
        for (int c = 0; c < z.length; c++) {
            z[c] /= sum;
        }
        return z;
    }
}
