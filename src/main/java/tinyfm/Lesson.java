package tinyfm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import tinyfm.base.ModelFile;
import tinyfm.data.Corpus;
import tinyfm.model.GptConfig;
import tinyfm.pretraining.Pretrainer;
import tinyfm.pretraining.TrainingConfig;
import tinyfm.tokenizer.Tokenizer;
import tinyfm.tokenizer.Tokenizers;
import tinyfm.util.Home;

/**
 * What the notebooks share: one pretrained base that every chapter uses, and the smoke switch
 * ({@code TINYFM_SMOKE=1}) that shrinks every budget so CI can execute all notebooks in minutes.
 */
public final class Lesson {
    public static final int PRETRAIN_STEPS = 800;
    public static final int SMOKE_PRETRAIN_STEPS = 30;
    public static final long SEED = 1337;

    private Lesson() {}

    public static boolean smoke() {
        return "1".equals(System.getenv("TINYFM_SMOKE"));
    }

    /** A full-size number, or the smoke one. */
    public static int budget(int full, int smoke) {
        return smoke() ? smoke : full;
    }

    public static Path basePath() {
        return Home.dir().resolve("bases").resolve(smoke() ? "notebook-smoke.tfm" : "notebook.tfm");
    }

    /** The notebooks' pretraining run: the small preset on the books. */
    public static Pretrainer pretrainer(Pretrainer.Listener listener) {
        Corpus books = Corpus.load("books");
        Tokenizer tokenizer = Tokenizers.train("bpe", books.split().train(), GptConfig.SMALL.vocabSize());
        GptConfig config = GptConfig.SMALL.config(tokenizer.vocabSize());
        TrainingConfig training = TrainingConfig.defaults(GptConfig.SMALL.batchSize(), budget(PRETRAIN_STEPS, SMOKE_PRETRAIN_STEPS),
                GptConfig.SMALL.learningRate(), SEED);
        if (smoke()) {
            training = new TrainingConfig(training.batchSize(), training.steps(), training.learningRate(), training.minLearningRate(),
                    training.warmupSteps(), training.weightDecay(), training.beta1(), training.beta2(), training.gradClip(),
                    10, 8, training.checkpointEvery(), SEED);
        }
        return new Pretrainer(books, tokenizer, config, training, null, listener);
    }

    /** The shared base: loaded if a chapter already made it, pretrained (and saved) otherwise. */
    public static ModelFile base() {
        Path path = basePath();
        if (Files.exists(path)) {
            return ModelFile.load(path);
        }
        try {
            Files.createDirectories(path.getParent());
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        Pretrainer.Result r = pretrainer(new Pretrainer.Listener() {}).run(false, null, new AtomicBoolean());
        r.base().save(path);
        return r.base();
    }

    /** Collects what a pretraining run reports, for charts and for printing samples. */
    public static final class Recorder implements Pretrainer.Listener {
        public final List<double[]> validation = new ArrayList<>(); // {step, nats, bits per byte}
        public final List<String> samples = new ArrayList<>();

        @Override
        public void evaluated(int step, double validationLoss, double bitsPerByte) {
            validation.add(new double[] {step, validationLoss, bitsPerByte});
        }

        @Override
        public void sampled(int step, String text) {
            samples.add(String.format("step %4d: %s%s", step, Pretrainer.SAMPLE_PROMPT, text.replace("\n", " / ")));
        }
    }
}
