package tinyfm.base;

import java.nio.file.Path;
import tinyfm.model.Gpt;
import tinyfm.util.UserError;

/** Turning a model file back into a working model, and the committed bases the lesson uses. */
public final class Bases {
    /**
     * The base the demo and the notebooks adapt: pretrained on the review-heavy broad corpus for far
     * longer than a lesson can wait. The command that made it is in its provenance and in
     * datasets/README.md, which also says why it was chosen over the other bases there.
     */
    public static final String DEFAULT = "datasets/pretrained/6x160-broad-xl.tfm";

    /**
     * The first shipped base (the {@code small} preset, 6.1 M tokens of the broad corpus). The
     * scaling ladder reads with its tokenizer, so the committed ladder stays reproducible.
     */
    public static final String FIRST = "datasets/pretrained/small-broad.tfm";

    private Bases() {}

    /** The base the demo and the notebooks adapt ({@link #DEFAULT}). */
    public static Path defaultBase() {
        return tinyfm.util.Home.dir().resolve(DEFAULT);
    }

    /** The first shipped base ({@link #FIRST}). */
    public static Path first() {
        return tinyfm.util.Home.dir().resolve(FIRST);
    }

    /** A GPT with the weights of a base (or a checkpoint, which is a base in the making). */
    public static Gpt languageModel(ModelFile file, Path source) {
        if (file.kind() == ModelFile.Kind.FINETUNED) {
            throw new UserError(source + ": is a fine-tuned classifier, not a base; generate and fine-tune need a base from 'tinyfm pretrain'");
        }
        Gpt gpt = new Gpt(file.config());
        if (file.weights().length() != gpt.parameters().count()) {
            throw new UserError(source + ": holds " + file.weights().length() + " weights but its config needs " + gpt.parameters().count());
        }
        gpt.parameters().values().assign(file.weights().reshape(gpt.parameters().count()));
        return gpt;
    }

    public static Gpt loadLanguageModel(Path file) {
        return languageModel(ModelFile.load(file), file);
    }

    /** The tokenizer in a file: a tokenizer file, or a base (or fine-tuned model) that holds one. */
    public static tinyfm.tokenizer.Tokenizer tokenizer(Path file) {
        try (java.io.InputStream in = java.nio.file.Files.newInputStream(file)) {
            byte[] magic = in.readNBytes(2);
            if (magic.length == 2 && magic[0] == 'P' && magic[1] == 'K') { // a zip: a model file
                return ModelFile.load(file).tokenizer();
            }
        } catch (java.io.IOException e) {
            // not readable as a model file: Tokenizers.load says what is wrong with it
        }
        return tinyfm.tokenizer.Tokenizers.load(file);
    }
}
