package tinyfm.model;

import java.util.List;
import tinyfm.util.UserError;

/**
 * The shape of a GPT: how many tokens it knows, how far back it looks, how deep and how wide it is.
 * These numbers are the "scale" in "scale and emergence": the lesson runs at the bottom of the scale.
 */
public record GptConfig(int vocabSize, int contextLength, int layers, int heads, int embedDim, double dropout) {
    public GptConfig {
        check(vocabSize >= 2, "vocabulary size must be at least 2, got " + vocabSize);
        check(contextLength >= 2, "context length must be at least 2, got " + contextLength);
        check(layers >= 1, "layers must be at least 1, got " + layers);
        check(heads >= 1, "heads must be at least 1, got " + heads);
        check(embedDim >= heads && embedDim % heads == 0,
                "embedding width " + embedDim + " must be a positive multiple of the head count " + heads);
        check(dropout >= 0 && dropout < 1, "dropout must be in [0, 1), got " + dropout);
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new UserError(message);
        }
    }

    public int headDim() {
        return embedDim / heads;
    }

    /** Learned parameters: embeddings, blocks and the final LayerNorm (the LM head reuses the token embedding). */
    public long parameterCount() {
        long c = embedDim;
        long perBlock = 2 * c + (c * 3 * c + 3 * c) + (c * c + c) + 2 * c + (c * 4 * c + 4 * c) + (4 * c * c + c);
        return (long) vocabSize * c + (long) contextLength * c + layers * perBlock + 2 * c;
    }

    /** Training FLOPs per token: 6 per parameter (forward + backward) plus attention's scores and weighted sums. */
    public double trainingFlopsPerToken() {
        return 6.0 * parameterCount() + 6.0 * layers * contextLength * embedDim;
    }

    /** A one-line description for reports, e.g. "4 blocks × 128 wide, 1,071,872 parameters". */
    public String summary() {
        return String.format("%d blocks × %d wide, %,d parameters", layers, embedDim, parameterCount());
    }

    public GptConfig withVocabSize(int v) {
        return new GptConfig(v, contextLength, layers, heads, embedDim, dropout);
    }

    /** A named architecture and its training defaults. Every number that matters has a name. */
    public record Preset(String name, int vocabSize, int contextLength, int layers, int heads, int embedDim,
                         double dropout, int batchSize, double learningRate, int steps, String description) {
        public GptConfig config(int actualVocabSize) {
            return new GptConfig(actualVocabSize, contextLength, layers, heads, embedDim, dropout);
        }
    }

    public static final Preset TINY = new Preset("tiny", 512, 32, 2, 2, 32, 0.0, 8, 3e-3, 200,
            "for tests: trains in seconds");
    public static final Preset SMALL = new Preset("small", 2048, 128, 4, 4, 128, 0.0, 16, 2e-3, 800,
            "the demo default, about 1M parameters, pretrains in minutes on 2 cores");
    public static final Preset BASE = new Preset("base", 2048, 256, 6, 6, 288, 0.1, 16, 1e-3, 6000,
            "about 6.7M parameters, for a user who has an hour");
    public static final Preset NANOGPT = new Preset("nanogpt", 65, 64, 4, 4, 128, 0.0, 12, 1e-3, 2000,
            "nanoGPT's CPU shape (character-level): for benchmarks against PyTorch");
    public static final List<Preset> PRESETS = List.of(TINY, SMALL, BASE, NANOGPT);

    public static Preset preset(String name) {
        return PRESETS.stream().filter(p -> p.name().equals(name)).findFirst()
                .orElseThrow(() -> new UserError("unknown preset '" + name + "'; use one of "
                        + PRESETS.stream().map(Preset::name).toList()));
    }
}
