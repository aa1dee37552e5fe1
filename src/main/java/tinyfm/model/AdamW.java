package tinyfm.model;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.api.ops.impl.updaters.AdamUpdater;
import org.nd4j.linalg.factory.Nd4j;
import tinyfm.engine.FastEngine;

/**
 * Adam with decoupled weight decay, applied to one contiguous range of the flat parameter array.
 * Training only a range is how lower layers stay frozen during fine-tuning.
 */
public final class AdamW {
    private static final double EPS = 1e-8;
    private final INDArray params, grads, decayMask;
    private final INDArray m, v, scratch;
    private final double beta1, beta2, weightDecay;
    private long t;

    public AdamW(INDArray allParams, INDArray allGrads, INDArray allDecayMask, long from, long to,
                 double beta1, double beta2, double weightDecay) {
        this.params = allParams.get(NDArrayIndex.interval(from, to));
        this.grads = allGrads.get(NDArrayIndex.interval(from, to));
        this.decayMask = allDecayMask.get(NDArrayIndex.interval(from, to));
        this.m = params.ulike().assign(0);
        this.v = params.ulike().assign(0);
        this.scratch = params.ulike();
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.weightDecay = weightDecay;
    }

    public INDArray gradients() {
        return grads;
    }

    /** Part of a training step: this optimiser, its learning rate, and where its trainable range starts. */
    public record Part(AdamW optimizer, double learningRate, long from) {
        public Part(AdamW optimizer, double learningRate) {
            this(optimizer, learningRate, 0);
        }

        INDArray gradients() {
            INDArray g = optimizer.grads;
            return from == 0 ? g : g.get(NDArrayIndex.interval(from, g.length()));
        }
    }

    /**
     * One training step, the same in pretraining and fine-tuning: scale the gradients of everything
     * being trained so their joint norm is at most {@code maxNorm}, then take an AdamW step on each
     * part. Frozen weights (before a part's {@code from}) count neither in the norm nor in the update.
     * Returns the norm before clipping.
     */
    public static double clipAndStep(double maxNorm, Part... parts) {
        double squares = 0;
        for (Part p : parts) {
            double n = p.gradients().norm2Number().doubleValue();
            squares += n * n;
        }
        double norm = Math.sqrt(squares);
        for (Part p : parts) {
            if (norm > maxNorm) {
                p.gradients().muli(maxNorm / norm);
            }
            p.optimizer.step(p.learningRate, p.from);
        }
        return norm;
    }

    public void step(double lr) {
        step(lr, 0);
    }

    /**
     * Updates only the parameters from {@code from} (relative to this optimiser's range) to its end:
     * the frozen prefix keeps its values and its moments. This is how gradual unfreezing works.
     */
    public void step(double lr, long from) {
        if (from > 0) {
            long n = params.length();
            sub(from, n).step(lr, 0);
            t = sub.t;
            return;
        }
        t++;
        if (FastEngine.contiguous(params, grads, decayMask, m, v)) {
            FastEngine.adamW(params, grads, decayMask, m, v, lr, beta1, beta2, EPS, weightDecay, t);
            return;
        }
        // decoupled weight decay: shrink the matrices a little, independently of the gradient
        if (weightDecay > 0) {
            scratch.assign(params).muli(decayMask).muli(lr * weightDecay);
            params.subi(scratch);
        }
        // ND4J's fused Adam: updates both moments in place and writes lr * m̂ / (√v̂ + ε) into scratch, in one native call
        Nd4j.exec(new AdamUpdater(grads, v, m, scratch, v, m, lr, beta1, beta2, EPS, (int) (t - 1)));
        params.subi(scratch);
    }

    private AdamW sub;
    private long subFrom = -1;

    private AdamW sub(long from, long n) {
        if (sub == null || subFrom != from) {
            sub = new AdamW(params, grads, decayMask, from, n, beta1, beta2, weightDecay, m, v);
            subFrom = from;
        }
        sub.t = t;
        return sub;
    }

    private AdamW(INDArray params, INDArray grads, INDArray mask, long from, long to, double beta1, double beta2,
                  double weightDecay, INDArray m, INDArray v) {
        this.params = params.get(NDArrayIndex.interval(from, to));
        this.grads = grads.get(NDArrayIndex.interval(from, to));
        this.decayMask = mask.get(NDArrayIndex.interval(from, to));
        this.m = m.get(NDArrayIndex.interval(from, to));
        this.v = v.get(NDArrayIndex.interval(from, to));
        this.scratch = this.params.ulike();
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.weightDecay = weightDecay;
    }

    /** The optimiser's memory, for checkpoints: first and second moments and the step count. */
    public INDArray[] state() {
        return new INDArray[] {m, v};
    }

    public long stepCount() {
        return t;
    }

    public void restore(INDArray savedM, INDArray savedV, long steps) {
        m.assign(savedM);
        v.assign(savedV);
        t = steps;
    }
}
