package tinyfm.finetuning;

import java.util.List;

/** Accuracy, macro-F1 and the confusion matrix (rows: true label, columns: predicted). */
public record Metrics(List<String> labels, long[][] confusion) {
    public static Metrics of(List<String> labels, int[] truth, int[] predicted) {
        long[][] m = new long[labels.size()][labels.size()];
        for (int i = 0; i < truth.length; i++) {
            m[truth[i]][predicted[i]]++;
        }
        return new Metrics(labels, m);
    }

    public long total() {
        long n = 0;
        for (long[] row : confusion) {
            for (long v : row) {
                n += v;
            }
        }
        return n;
    }

    public double accuracy() {
        long correct = 0;
        for (int i = 0; i < confusion.length; i++) {
            correct += confusion[i][i];
        }
        return total() == 0 ? 0 : (double) correct / total();
    }

    /** The mean over labels of F1 = 2PR / (P + R); a label never predicted and never present scores 0. */
    public double macroF1() {
        double sum = 0;
        for (int k = 0; k < confusion.length; k++) {
            long tp = confusion[k][k], predicted = 0, actual = 0;
            for (int i = 0; i < confusion.length; i++) {
                predicted += confusion[i][k];
                actual += confusion[k][i];
            }
            double p = predicted == 0 ? 0 : (double) tp / predicted, r = actual == 0 ? 0 : (double) tp / actual;
            sum += p + r == 0 ? 0 : 2 * p * r / (p + r);
        }
        return sum / confusion.length;
    }

    public String table() {
        int w = Math.max(9, labels.stream().mapToInt(String::length).max().orElse(5) + 2);
        StringBuilder sb = new StringBuilder(String.format("%-" + w + "s", "true\\pred"));
        labels.forEach(l -> sb.append(String.format("%" + w + "s", l)));
        sb.append('\n');
        for (int i = 0; i < labels.size(); i++) {
            sb.append(String.format("%-" + w + "s", labels.get(i)));
            for (long v : confusion[i]) {
                sb.append(String.format("%" + w + "d", v));
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
