package tinyfm.interop;

import java.nio.file.Path;
import java.util.Locale;
import tinyfm.base.ModelFile;
import tinyfm.base.Provenance;
import tinyfm.model.GptConfig;

/** The exported folder's README.md, from the base's own provenance: what it is, what it read, and what it is not good for. */
final class ModelCard {
    private ModelCard() {}

    static String of(ModelFile base, Path baseFile, String sha256) {
        GptConfig c = base.config();
        Provenance.Pretraining p = Provenance.Pretraining.of(base.provenance());
        double flops = c.trainingFlopsPerToken() * p.tokensRead();
        String name = baseFile.getFileName().toString().replaceFirst("\\.tfm$", "");
        StringBuilder md = new StringBuilder();
        md.append("# ").append(name).append("\n\n");
        md.append("A small GPT-2-style language model pretrained by tinyfm, for teaching, exported by `tinyfm export` ")
                .append("from `").append(baseFile.getFileName()).append("` (sha256 `").append(sha256).append("`).\n\n");
        md.append("## Model\n\n");
        md.append(String.format(Locale.ROOT, "- GPT-2's architecture: %d blocks, %d heads, %d wide, a window of %d tokens, %,d parameters.%n",
                c.layers(), c.heads(), c.embedDim(), c.contextLength(), c.parameterCount()));
        md.append("- Two differences from GPT-2: GELU in its sigmoid form, x·sigmoid(1.702·x) (`activation_function: quick_gelu`), and ")
                .append(String.format(Locale.ROOT, "tinyfm's own byte-level BPE of %,d tokens (`tokenizer.json`), with `<|endoftext|>`, `<|pad|>` and `<|cls|>` last.%n",
                        base.tokenizer().vocabSize()));
        md.append("- float32 weights in `model.safetensors`, GPT-2's tensor names; the output layer is the token embedding (tied).\n\n");
        md.append("## Training\n\n");
        md.append(String.format(Locale.ROOT, "- Self-supervised next-token prediction on `%s` (sha256 `%s`).%n", p.corpus(), p.corpusSha256()));
        md.append(String.format(Locale.ROOT, "- %,d steps, %,d tokens read (a parent base's included), about %.3g training FLOPs.%n", p.steps(), p.tokensRead(), flops));
        if (Double.isFinite(p.finalBitsPerByte())) {
            md.append(String.format(Locale.ROOT, "- Validation loss at the end: %.3f bits per byte of held-out text.%n", p.finalBitsPerByte()));
        }
        md.append("\n## Data and licences\n\n");
        if (p.corpus().startsWith("broad")) {
            md.append("The `broad` corpora mix Project Gutenberg books (public domain), the Brown corpus (redistribution permitted by its copyright holder), ")
                    .append("IMDb movie reviews (the Stanford Large Movie Review Dataset, released for research use) and SpamAssassin e-mails (public domain, CC0). ")
                    .append("tinyfm's `datasets/README.md` gives each source's package, version and licence.\n");
        } else {
            md.append("The corpus is named above by its sha256; its licence is its own.\n");
        }
        md.append("\n## What it is not good for\n\n");
        md.append("- Anything but learning how foundation models work. It writes shaky English, states no facts reliably, and was not trained to follow instructions or to be safe.\n");
        md.append("- Classification without fine-tuning: prompting it zero-shot is barely above chance on tinyfm's tasks.\n");
        md.append("- Text far from its corpus: its vocabulary and its 1961-to-2011 English were learned from the sources above only.\n");
        return md.toString();
    }
}
