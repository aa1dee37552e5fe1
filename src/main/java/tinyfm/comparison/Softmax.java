package tinyfm.comparison;

/** Scores to probabilities, as the two logistic regressions here (bag-of-words and the probe) need. */
final class Softmax {
    private Softmax() {}

    /** Replaces scores z by exp(z) / Σ exp(z), computed stably (the largest score is subtracted first). */
    static double[] inPlace(double[] z) {
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
