package tinyfm.comparison;

import java.util.List;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.distribution.NormalDistribution;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Logistic regression the way DL4J writes it: a network of one layer, an {@code OutputLayer} with
 * softmax and cross-entropy, L2 on the weights. The same model as the hand-written regressions of
 * {@link Probe} and {@link BagOfWords}, fitted by the same rules, so the two can be compared.
 */
public final class Dl4jLogisticRegression {
    private final MultiLayerNetwork network;

    private Dl4jLogisticRegression(MultiLayerNetwork network) {
        this.network = network;
    }

    private static MultiLayerNetwork network(int features, int classes, double l2, IUpdater updater, long seed, WeightInit init,
                                             NormalDistribution distribution) {
        var builder = new NeuralNetConfiguration.Builder().seed(seed).dataType(DataType.FLOAT).updater(updater).l2(l2);
        if (distribution != null) {
            builder.weightInit(distribution);
        } else {
            builder.weightInit(init);
        }
        var conf = builder.list()
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(features).nOut(classes)
                        .activation(Activation.SOFTMAX).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    /**
     * Full-batch gradient descent with Nesterov momentum 0.9 from zero weights, {@code iterations}
     * steps of 1/L, L bounding the loss's curvature (half the largest eigenvalue of XᵀX/n, + 1 for
     * the bias, + the L2); deterministic. x is already standardised.
     */
    public static Dl4jLogisticRegression fullBatch(INDArray x, int[] y, int classes, double l2, int iterations) {
        double step = 1 / (0.5 * (largestEigenvalue(x) + 1) + l2);
        MultiLayerNetwork net = network((int) x.columns(), classes, l2, new Nesterovs(step, 0.9), 0, WeightInit.ZERO, null);
        INDArray labels = oneHot(y, classes);
        for (int it = 0; it < iterations; it++) {
            net.fit(x, labels);
        }
        return new Dl4jLogisticRegression(net);
    }

    /**
     * Stochastic gradient descent, one example at a time in a fresh seeded order every epoch, at
     * {@code rate / (1 + epoch)}; no L2. Rows are built one at a time from the active feature indices.
     */
    public static Dl4jLogisticRegression stochastic(List<int[]> active, int features, int[] y, int classes, int epochs, double rate,
                                                    long seed) {
        MultiLayerNetwork net = network(features, classes, 0, new Sgd(rate), seed, null, new NormalDistribution(0, 1e-3));
        SplittableRandom random = new SplittableRandom(seed);
        int[] order = java.util.stream.IntStream.range(0, active.size()).toArray();
        for (int epoch = 0; epoch < epochs; epoch++) {
            for (int i = order.length - 1; i > 0; i--) {
                int j = random.nextInt(i + 1), t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            net.setLearningRate(rate / (1 + epoch));
            for (int i : order) {
                net.fit(rows(List.of(active.get(i)), features), oneHot(new int[] {y[i]}, classes));
            }
        }
        return new Dl4jLogisticRegression(net);
    }

    /** Indicator rows: a 1 at each active feature. */
    public static INDArray rows(List<int[]> active, int features) {
        INDArray x = Nd4j.zeros(DataType.FLOAT, active.size(), features);
        for (int i = 0; i < active.size(); i++) {
            for (int j : active.get(i)) {
                x.putScalar(i, j, 1f);
            }
        }
        return x;
    }

    public static INDArray matrix(double[][] rows) {
        return Nd4j.create(rows).castTo(DataType.FLOAT);
    }

    private static INDArray oneHot(int[] y, int classes) {
        INDArray labels = Nd4j.zeros(DataType.FLOAT, y.length, classes);
        for (int i = 0; i < y.length; i++) {
            labels.putScalar(i, y[i], 1f);
        }
        return labels;
    }

    /** The largest eigenvalue of XᵀX/n, by power iteration. */
    private static double largestEigenvalue(INDArray x) {
        INDArray gram = x.transpose().mmul(x).divi(x.rows());
        INDArray v = Nd4j.ones(DataType.FLOAT, x.columns(), 1).divi(Math.sqrt(x.columns()));
        double lambda = 0;
        for (int it = 0; it < 30; it++) {
            INDArray next = gram.mmul(v);
            lambda = next.norm2Number().doubleValue();
            v = next.divi(Math.max(lambda, 1e-12));
        }
        return lambda;
    }

    /** The most probable class of each row. */
    public int[] predict(INDArray x) {
        return network.output(x).argMax(1).toIntVector();
    }
}
