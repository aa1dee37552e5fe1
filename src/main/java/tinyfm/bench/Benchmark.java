package tinyfm.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import tinyfm.finetuning.Classifier;
import tinyfm.generation.Generator;
import tinyfm.generation.Scorer;
import tinyfm.generation.Sampling;
import tinyfm.model.Gpt;
import tinyfm.model.GptConfig;
import tinyfm.model.AdamW;
import tinyfm.tokenizer.CharTokenizer;

/**
 * Measures what the lesson depends on: training tokens per second (forward, backward, AdamW),
 * fine-tuning examples per second, generation tokens per second and memory, as medians of several
 * timed repeats after warm-up, on random token ids (speed does not depend on what the tokens say).
 */
public final class Benchmark {
    /**
     * How long to measure: warm-up for {@code warmupSeconds} (at least {@link #MIN_WARMUP_STEPS} steps),
     * then {@code repeats} timed runs of {@code steps} steps each. The JVM needs seconds, not steps,
     * to reach its steady speed: the JIT compiles the hot loops while the first steps run.
     */
    public record Plan(double warmupSeconds, int steps, int repeats, int generateTokens) {
        public static final int MIN_WARMUP_STEPS = 3;
        public static final Plan DEFAULT = new Plan(10, 10, 5, 200);
        public static final Plan SMOKE = new Plan(0, 2, 2, 10);
    }

    public record Result(String preset, long parameters, int layers, int heads, int embed, int batch, int context, int vocab,
                         double trainMsPerStep, double trainTokensPerSecond, double trainGflops,
                         double finetuneExamplesPerSecond, double generateTokensPerSecond, double generateSeconds,
                         double scoreTextsPerSecond, double peakHeapMb, double offHeapMb, double peakRssMb) {}

    /** Texts per scoring batch in the benchmark, each a full window: the context, then one token scored. */
    public static final int SCORE_BATCH = 32;

    public record Machine(int cores, String cpu, String blas, String ompThreads, String ompWaitPolicy, double sgemmGflops) {}

    private final Plan plan;
    private final Consumer<String> log;

    public Benchmark(Plan plan, Consumer<String> log) {
        this.plan = plan;
        this.log = log;
    }

    public static double median(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    /** The machine's single-precision matrix-multiply speed: the ceiling for any model on it. */
    public Machine machine() {
        int n = 1024;
        INDArray a = Nd4j.rand(DataType.FLOAT, n, n), b = Nd4j.rand(DataType.FLOAT, n, n), c = Nd4j.create(DataType.FLOAT, n, n);
        for (int i = 0; i < 3; i++) {
            Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
        }
        double[] gflops = new double[plan.repeats() + 2];
        for (int r = 0; r < gflops.length; r++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < 5; i++) {
                Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
            }
            gflops[r] = 5 * 2.0 * n * n * n / ((System.nanoTime() - t0) / 1e9) / 1e9;
        }
        var env = Nd4j.getExecutioner().getEnvironmentInformation();
        return new Machine(Runtime.getRuntime().availableProcessors(), tinyfm.base.Provenance.cpuModel(),
                String.valueOf(env.get("blas.vendor")), String.valueOf(env.get("omp.threads")),
                System.getenv().getOrDefault("OMP_WAIT_POLICY", "(unset)"), median(gflops));
    }

    public Result run(GptConfig.Preset preset) {
        GptConfig cfg = preset.config(preset.vocabSize());
        int batch = preset.batchSize(), time = cfg.contextLength();
        Gpt gpt = new Gpt(cfg);
        gpt.parameters().initialize(1);
        SplittableRandom random = new SplittableRandom(1);
        int[] x = random.ints((long) batch * time, 0, cfg.vocabSize()).toArray();
        int[] y = random.ints((long) batch * time, 0, cfg.vocabSize()).toArray();
        AdamW adam = new AdamW(gpt.parameters().values(), gpt.parameters().grads(), gpt.parameters().decayMask(),
                0, gpt.parameters().count(), 0.9, 0.99, 0.1);
        Runnable trainStep = () -> {
            gpt.zeroGradients();
            gpt.languageModelLoss(x, y, batch, time, true, true);
            AdamW.clipAndStep(1, new AdamW.Part(adam, 1e-4));
        };
        double msPerStep = timeSteps(trainStep) * 1000;
        double tokensPerSecond = batch * time / (msPerStep / 1000);
        log.accept(String.format("  %s: training %.1f ms/step, %,.0f tokens/s", preset.name(), msPerStep, tokensPerSecond));

        double examplesPerSecond = batch / timeSteps(fineTuneStep(gpt, adam, x, random.ints(batch, 0, 2).toArray(), time));
        log.accept(String.format("  %s: fine-tuning %,.0f examples/s (full, %d tokens each)", preset.name(), examplesPerSecond, time));

        int[] alphabet = java.util.stream.IntStream.range(32, 32 + cfg.vocabSize() - 4).toArray(); // any characters will do
        Generator generator = new Generator(gpt, new CharTokenizer(alphabet));
        double[] genSeconds = new double[plan.repeats()];
        long warmupEnd = System.nanoTime() + (long) (plan.warmupSeconds() * 1e9);
        do { // the decoding path warms up like training: its first tokens run before the JIT has compiled it
            generator.generate("", Math.min(20, plan.generateTokens()), new Sampling(0.8, 40, 0), s -> {});
        } while (System.nanoTime() < warmupEnd);
        for (int r = 0; r < genSeconds.length; r++) {
            long t0 = System.nanoTime();
            generator.generate("", plan.generateTokens(), new Sampling(0.8, 40, r), s -> {});
            genSeconds[r] = (System.nanoTime() - t0) / 1e9;
        }
        double genMedian = median(genSeconds);
        log.accept(String.format("  %s: generating %d tokens in %.3f s at batch 1 (%,.0f tokens/s; past the %d-token window it slides by half, "
                + "re-reading that half in one pass)", preset.name(), plan.generateTokens(), genMedian, plan.generateTokens() / genMedian, time));

        Scorer scorer = new Scorer(gpt);
        List<int[]> contexts = new ArrayList<>(), continuations = new ArrayList<>();
        for (int i = 0; i < SCORE_BATCH; i++) {
            contexts.add(random.ints(time - 1, 0, cfg.vocabSize()).toArray());
            continuations.add(new int[] {random.nextInt(cfg.vocabSize())});
        }
        double scoreSeconds = timeSteps(() -> scorer.logLikelihoods(contexts, continuations));
        double textsPerSecond = SCORE_BATCH / scoreSeconds;
        log.accept(String.format("  %s: scoring %,.0f texts/s (%d texts of %d tokens per call)", preset.name(), textsPerSecond, SCORE_BATCH, time));

        double gflops = tokensPerSecond * cfg.trainingFlopsPerToken() / 1e9;
        return new Result(preset.name(), cfg.parameterCount(), cfg.layers(), cfg.heads(), cfg.embedDim(), batch, time, cfg.vocabSize(), msPerStep, tokensPerSecond, gflops,
                examplesPerSecond, plan.generateTokens() / genMedian, genMedian, textsPerSecond, peakHeapMb(), Pointer.totalBytes() / 1e6, peakRssMb());
    }

    /**
     * Seconds per full fine-tuning step of a model shaped {@code cfg} (random weights: the speed does not
     * depend on them) on {@code batch} random examples of the whole window: what {@code tinyfm doctor}
     * times to estimate how long the demo will take.
     */
    public double fineTuneSecondsPerStep(GptConfig cfg, int batch) {
        int time = cfg.contextLength();
        Gpt gpt = new Gpt(cfg);
        gpt.parameters().initialize(1);
        SplittableRandom random = new SplittableRandom(1);
        int[] x = random.ints((long) batch * time, 0, cfg.vocabSize()).toArray();
        AdamW adam = new AdamW(gpt.parameters().values(), gpt.parameters().grads(), gpt.parameters().decayMask(),
                0, gpt.parameters().count(), 0.9, 0.99, 0.1);
        return timeSteps(fineTuneStep(gpt, adam, x, random.ints(batch, 0, 2).toArray(), time));
    }

    /** One full fine-tuning step of a new two-label head on {@code gpt}: every window read to its end, every weight updated. */
    private static Runnable fineTuneStep(Gpt gpt, AdamW adam, int[] tokens, int[] labels, int time) {
        int batch = labels.length;
        Classifier classifier = new Classifier(gpt, 2);
        classifier.head().initialize(2);
        int[] last = new int[batch];
        Arrays.fill(last, time - 1);
        Classifier.Batch b = new Classifier.Batch(tokens, batch, time, last, labels);
        return () -> {
            gpt.zeroGradients();
            classifier.head().grads().assign(0);
            classifier.forward(b, true, true, true);
            AdamW.clipAndStep(1, new AdamW.Part(adam, 1e-4));
        };
    }

    /** Median seconds per step over the repeats, after warm-up. */
    private double timeSteps(Runnable step) {
        long warmupEnd = System.nanoTime() + (long) (plan.warmupSeconds() * 1e9);
        for (int i = 0; i < Plan.MIN_WARMUP_STEPS || System.nanoTime() < warmupEnd; i++) {
            step.run();
        }
        double[] perStep = new double[plan.repeats()];
        for (int r = 0; r < perStep.length; r++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < plan.steps(); i++) {
                step.run();
            }
            perStep[r] = (System.nanoTime() - t0) / 1e9 / plan.steps();
        }
        return median(perStep);
    }

    private static double peakHeapMb() {
        long peak = 0;
        for (var pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == java.lang.management.MemoryType.HEAP && pool.getPeakUsage() != null) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        return peak / 1e6;
    }

    /** Peak resident set size of this process (VmHWM), from /proc on Linux; NaN elsewhere. */
    public static double peakRssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1e3;
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // not Linux
        }
        return Double.NaN;
    }

    public record TokenizerResult(String corpus, double megabytes, int vocab, double trainSeconds, double encodeMegabytesPerSecond) {}

    /** BPE training time on a corpus, and encoding speed of a freshly loaded tokenizer (cold cache, one thread). */
    public TokenizerResult tokenizer(tinyfm.data.Corpus corpus, int vocab) {
        List<String> texts = corpus.split().train();
        double mb = texts.stream().mapToLong(t -> t.getBytes(java.nio.charset.StandardCharsets.UTF_8).length).sum() / 1e6;
        long t0 = System.nanoTime();
        var trained = tinyfm.tokenizer.BpeTrainer.train(texts, vocab);
        double trainSeconds = (System.nanoTime() - t0) / 1e9;
        var fresh = tinyfm.tokenizer.Tokenizers.fromJson(trained.toJson(), "benchmark");
        long t1 = System.nanoTime();
        for (String t : texts) {
            fresh.encode(t);
        }
        double encodeSeconds = (System.nanoTime() - t1) / 1e9;
        log.accept(String.format("  tokenizer: BPE %d trained on %.1f MB in %.1f s; encodes %.1f MB/s", vocab, mb, trainSeconds, mb / encodeSeconds));
        return new TokenizerResult(corpus.name(), mb, vocab, trainSeconds, mb / encodeSeconds);
    }

    public static List<GptConfig.Preset> presets(String names) {
        List<GptConfig.Preset> out = new ArrayList<>();
        for (String n : names.split(",")) {
            out.add(GptConfig.preset(n.trim()));
        }
        return out;
    }
}
