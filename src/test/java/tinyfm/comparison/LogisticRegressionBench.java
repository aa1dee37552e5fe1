package tinyfm.comparison;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.nd4j.evaluation.classification.Evaluation;
import tinyfm.base.Bases;
import tinyfm.base.ModelFile;
import tinyfm.data.Example;
import tinyfm.data.Task;
import tinyfm.finetuning.Metrics;

/**
 * The hand-written logistic regressions against DL4J's one-layer network, on identical features
 * (issue #23): the probe on the frozen shipped base's pooled states, and bag-of-words. Not part of
 * the test suite (its name does not end in Test); run from the project folder after
 * {@code mvn test-compile}:
 *
 * <pre>
 * java -cp 'target/classes:target/test-classes:target/lib/*' tinyfm.comparison.LogisticRegressionBench features DIR
 * java -cp ... tinyfm.comparison.LogisticRegressionBench table DIR      # both solvers, paired, one process
 * java -cp ... tinyfm.comparison.LogisticRegressionBench fit DIR HAND probe  # one solver and model, every cell (timed as a whole process)
 * </pre>
 *
 * It also checks that ND4J's {@code Evaluation} gives the numbers {@link Metrics} gives.
 */
public final class LogisticRegressionBench {
    static final List<String> TASKS = List.of("topic", "sentiment");
    static final List<Integer> BUDGETS = List.of(32, 100, Comparison.ALL);
    static final int SEEDS = 5;

    record Fit(double accuracy, double seconds, Metrics test, int[] truth, int[] predicted) {}

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[1]);
        switch (args[0]) {
            case "features" -> saveFeatures(dir);
            case "table" -> table(dir);
            case "fit" -> { // fit DIR SOLVER probe|bow [TASK BUDGET SEED]: every cell by default
                Probe.Solver solver = Probe.Solver.valueOf(args[2]);
                for (String name : args.length > 4 ? List.of(args[4]) : TASKS) {
                    Task task = Task.load(name);
                    Map<Example, double[]> features = loadFeatures(dir, task);
                    for (int budget : args.length > 5 ? List.of(Integer.parseInt(args[5])) : BUDGETS) {
                        for (int seed = 1; seed <= SEEDS; seed++) {
                            if (args.length > 6 && seed != Integer.parseInt(args[6])) {
                                continue;
                            }
                            Fit f = args[3].equals("probe") ? probe(task, budget, seed, features, solver) : bagOfWords(task, budget, seed, solver);
                            System.out.printf(Locale.ROOT, "%s %s %d %d %.4f %.3f%n", args[3], name, budget, seed, f.accuracy(), f.seconds());
                        }
                    }
                }
            }
            default -> throw new IllegalArgumentException("features | table | fit");
        }
    }

    static List<Example> all(Task task) {
        List<Example> all = new ArrayList<>(task.train());
        all.addAll(task.validation());
        all.addAll(task.test());
        return all;
    }

    /** The shipped base's pooled features, computed once (forward passes only) and saved. */
    static void saveFeatures(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path basePath = Bases.shipped();
        ModelFile base = ModelFile.load(basePath);
        for (String name : TASKS) {
            Task task = Task.load(name);
            List<Example> all = all(task);
            long t0 = System.nanoTime();
            Map<Example, double[]> f = Probe.features(Bases.languageModel(base, basePath), base.tokenizer(), all);
            System.err.printf(Locale.ROOT, "%s: %d examples, %d features, %.1f s%n", name, all.size(), f.get(all.get(0)).length,
                    (System.nanoTime() - t0) / 1e9);
            try (var out = new DataOutputStream(Files.newOutputStream(dir.resolve(name + ".bin")))) {
                out.writeInt(all.size());
                out.writeInt(f.get(all.get(0)).length);
                for (Example e : all) {
                    for (double v : f.get(e)) {
                        out.writeDouble(v);
                    }
                }
            }
        }
    }

    static Map<Example, double[]> loadFeatures(Path dir, Task task) throws IOException {
        List<Example> all = all(task);
        Map<Example, double[]> f = new IdentityHashMap<>();
        try (var in = new DataInputStream(new java.io.BufferedInputStream(Files.newInputStream(dir.resolve(task.name() + ".bin"))))) {
            int n = in.readInt(), c = in.readInt();
            if (n != all.size()) {
                throw new IllegalStateException("features for " + n + " examples, the task has " + all.size());
            }
            for (Example e : all) {
                double[] row = new double[c];
                for (int j = 0; j < c; j++) {
                    row[j] = in.readDouble();
                }
                f.put(e, row);
            }
        }
        return f;
    }

    static Fit probe(Task task, int budget, int seed, Map<Example, double[]> features, Probe.Solver solver) {
        List<Example> subset = Task.stratifiedSubset(task.train(), budget, seed);
        long t0 = System.nanoTime();
        Probe p = new Probe(task.labels(), solver);
        p.train(subset, task.validation(), features);
        double seconds = (System.nanoTime() - t0) / 1e9;
        Metrics m = p.evaluate(task.test(), features);
        return new Fit(m.accuracy(), seconds, m, null, null);
    }

    static Fit bagOfWords(Task task, int budget, int seed, Probe.Solver solver) {
        List<Example> subset = Task.stratifiedSubset(task.train(), budget, seed);
        long t0 = System.nanoTime();
        BagOfWords b = new BagOfWords(task.labels(), solver);
        b.train(subset, seed);
        double seconds = (System.nanoTime() - t0) / 1e9;
        Metrics m = b.evaluate(task.test());
        return new Fit(m.accuracy(), seconds, m, null, null);
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    /** Does ND4J's Evaluation, fed the same confusion, give Metrics' accuracy, macro-F1 and matrix? */
    static String agreement(Metrics m) {
        Evaluation ev = new Evaluation(m.labels());
        for (int t = 0; t < m.confusion().length; t++) {
            for (int p = 0; p < m.confusion().length; p++) {
                for (long c = 0; c < m.confusion()[t][p]; c++) {
                    ev.eval(p, t);
                }
            }
        }
        boolean matrix = true;
        for (int t = 0; t < m.confusion().length; t++) {
            for (int p = 0; p < m.confusion().length; p++) {
                matrix &= ev.getConfusionMatrix().getCount(t, p) == m.confusion()[t][p];
            }
        }
        double dAcc = Math.abs(ev.accuracy() - m.accuracy()), dF1 = Math.abs(ev.f1(org.nd4j.evaluation.EvaluationAveraging.Macro) - m.macroF1());
        return (matrix ? "" : "matrix ") + (dAcc > 1e-12 ? "accuracy " : "") + (dF1 > 1e-12 ? String.format(Locale.ROOT, "macroF1 %.4f vs %.4f ",
                ev.f1(org.nd4j.evaluation.EvaluationAveraging.Macro), m.macroF1()) : "");
    }

    static void table(Path dir) throws IOException {
        StringBuilder out = new StringBuilder("| model | task | labels | hand acc | DL4J acc | DL4J − hand (min..max) | hand fit s | DL4J fit s | DL4J/hand |\n"
                + "|---|---|---|---|---|---|---|---|---|\n");
        int evaluations = 0;
        List<String> disagreements = new ArrayList<>();
        for (String name : TASKS) {
            Task task = Task.load(name);
            Map<Example, double[]> features = loadFeatures(dir, task);
            probe(task, 32, 1, features, Probe.Solver.HAND); // warm-up: both paths load and JIT before timing
            probe(task, 32, 1, features, Probe.Solver.DL4J);
            bagOfWords(task, 32, 1, Probe.Solver.HAND);
            bagOfWords(task, 32, 1, Probe.Solver.DL4J);
            for (String model : List.of("probe", "bow")) {
                for (int budget : BUDGETS) {
                    double[] hand = new double[SEEDS], dl4j = new double[SEEDS], th = new double[SEEDS], td = new double[SEEDS];
                    for (int seed = 1; seed <= SEEDS; seed++) {
                        Fit a, b;
                        if (model.equals("probe")) {
                            a = probe(task, budget, seed, features, Probe.Solver.HAND);
                            b = probe(task, budget, seed, features, Probe.Solver.DL4J);
                        } else {
                            a = bagOfWords(task, budget, seed, Probe.Solver.HAND);
                            b = bagOfWords(task, budget, seed, Probe.Solver.DL4J);
                        }
                        hand[seed - 1] = a.accuracy();
                        dl4j[seed - 1] = b.accuracy();
                        th[seed - 1] = a.seconds();
                        td[seed - 1] = b.seconds();
                        for (Fit f : List.of(a, b)) {
                            evaluations++;
                            String d = agreement(f.test());
                            if (!d.isEmpty()) {
                                disagreements.add(name + " " + model + " " + budget + " seed " + seed + ": " + d);
                            }
                        }
                    }
                    double[] diff = new double[SEEDS];
                    for (int i = 0; i < SEEDS; i++) {
                        diff[i] = 100 * (dl4j[i] - hand[i]);
                    }
                    out.append(String.format(Locale.ROOT, "| %s | %s | %s | %.1f | %.1f | %+.1f (%+.1f..%+.1f) | %.3f | %.3f | %.1f× |%n", model, name,
                            budget == Comparison.ALL ? "all" : budget, 100 * Arrays.stream(hand).average().orElseThrow(),
                            100 * Arrays.stream(dl4j).average().orElseThrow(), Arrays.stream(diff).average().orElseThrow(),
                            Arrays.stream(diff).min().orElseThrow(), Arrays.stream(diff).max().orElseThrow(), median(th), median(td),
                            median(td) / median(th)));
                    System.err.println(out.substring(out.lastIndexOf("| " + model)).trim());
                }
            }
        }
        out.append("\nEvaluation vs Metrics: ").append(evaluations - disagreements.size()).append(" of ").append(evaluations)
                .append(" test sets agree\n");
        disagreements.forEach(d -> out.append("  ").append(d).append('\n'));
        System.out.print(out);
    }
}
