package tinyfm.base;

import java.nio.file.Path;
import tinyfm.model.Gpt;
import tinyfm.util.UserError;

/** Turning a model file back into a working model, and the base that ships with tinyfm. */
public final class Bases {
    /**
     * The shipped base: the {@code small} preset pretrained on the broad corpus for longer than a
     * lesson can wait. The command that made it is in its provenance and in datasets/README.md.
     */
    public static final String SHIPPED = "datasets/pretrained/small-broad.tfm";

    private Bases() {}

    public static Path shipped() {
        return tinyfm.util.Home.dir().resolve(SHIPPED);
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
}
