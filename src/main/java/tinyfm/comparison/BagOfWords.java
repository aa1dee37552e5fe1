package tinyfm.comparison;

import tinyfm.finetuning.Softmax;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tinyfm.data.Example;
import tinyfm.finetuning.Metrics;

/**
 * The classic contrast: a bag-of-words logistic regression, "a regular model trained for one
 * specific task". It sees which words occur, not their order, and knows nothing it was not shown.
 */
public final class BagOfWords {
    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}']+");
    private static final int MAX_VOCABULARY = 20_000;
    private static final int EPOCHS = 10;
    private static final double LEARNING_RATE = 0.2;

    private final List<String> labels;
    private final Map<String, Integer> vocabulary = new HashMap<>();
    private double[][] weights; // [K][V + 1], the last column is the bias

    public BagOfWords(List<String> labels) {
        this.labels = labels;
    }

    static List<String> words(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = WORD.matcher(text.toLowerCase(Locale.ROOT));
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    private int[] features(String text) {
        return words(text).stream().map(vocabulary::get).filter(java.util.Objects::nonNull).distinct().mapToInt(Integer::intValue).toArray();
    }

    /** Trains by stochastic gradient descent on the softmax loss, with a decaying rate; deterministic for a seed. */
    public void train(List<Example> examples, long seed) {
        Map<String, Integer> counts = new TreeMap<>();
        for (Example e : examples) {
            for (String w : new java.util.HashSet<>(words(e.text()))) {
                counts.merge(w, 1, Integer::sum);
            }
        }
        counts.entrySet().stream()
                .sorted((a, b) -> b.getValue() - a.getValue() != 0 ? b.getValue() - a.getValue() : a.getKey().compareTo(b.getKey()))
                .limit(MAX_VOCABULARY)
                .forEach(e -> vocabulary.put(e.getKey(), vocabulary.size()));
        int v = vocabulary.size(), k = labels.size();
        weights = new double[k][v + 1];
        List<int[]> x = examples.stream().map(e -> features(e.text())).toList();
        int[] y = examples.stream().mapToInt(e -> labels.indexOf(e.label())).toArray();
        SplittableRandom random = new SplittableRandom(seed);
        for (double[] row : weights) {
            for (int j = 0; j < row.length; j++) {
                row[j] = random.nextGaussian() * 1e-3;
            }
        }
        int[] order = java.util.stream.IntStream.range(0, x.size()).toArray();
        for (int epoch = 0; epoch < EPOCHS; epoch++) {
            for (int i = order.length - 1; i > 0; i--) { // a fresh seeded order every epoch
                int j = random.nextInt(i + 1), t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            double lr = LEARNING_RATE / (1 + epoch);
            for (int i : order) {
                double[] p = probabilities(x.get(i));
                p[y[i]] -= 1;
                for (int c = 0; c < k; c++) {
                    double step = lr * p[c];
                    for (int f : x.get(i)) {
                        weights[c][f] -= step;
                    }
                    weights[c][v] -= step;
                }
            }
        }
    }

    private double[] probabilities(int[] f) {
        int k = weights.length, bias = weights[0].length - 1;
        double[] z = new double[k];
        for (int c = 0; c < k; c++) {
            z[c] = weights[c][bias];
            for (int j : f) {
                z[c] += weights[c][j];
            }
        }
        return Softmax.inPlace(z);
    }

    public int predict(String text) {
        double[] p = probabilities(features(text));
        int best = 0;
        for (int c = 1; c < p.length; c++) {
            if (p[c] > p[best]) {
                best = c;
            }
        }
        return best;
    }

    public Metrics evaluate(List<Example> examples) {
        int[] truth = examples.stream().mapToInt(e -> labels.indexOf(e.label())).toArray();
        int[] predicted = examples.stream().mapToInt(e -> predict(e.text())).toArray();
        return Metrics.of(labels, truth, predicted);
    }
}
