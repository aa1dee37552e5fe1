package tinyfm.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tinyfm.data.Corpus;
import tinyfm.tokenizer.Tokenizer;
import tinyfm.tokenizer.Tokenizers;
import tinyfm.util.UserError;

@Command(name = "train-tokenizer", sortOptions = false, description = "Learn a tokenizer (byte-level BPE or characters) from a corpus and save it as JSON.")
final class TrainTokenizerCommand implements Callable<Integer> {
    @Option(names = "--corpus", defaultValue = Corpus.DEFAULT, description = "Bundled corpus name or a path (.txt, .txt.gz or a folder). Default: ${DEFAULT-VALUE}.")
    String corpus;

    @Option(names = "--tokenizer-kind", paramLabel = "KIND", defaultValue = "bpe", description = "bpe or char, as in pretrain. Default: ${DEFAULT-VALUE}.")
    String kind;

    /** The old spelling of --tokenizer-kind. */
    @Option(names = "--kind", hidden = true)
    String kindOldSpelling;

    @Option(names = "--vocab", defaultValue = "" + Tokenizers.DEFAULT_VOCAB, description = "Vocabulary size for BPE, special tokens included. Default: ${DEFAULT-VALUE}.")
    int vocab;

    @Option(names = "--out", required = true, description = "Where to write the tokenizer JSON.")
    Path out;

    @Option(names = "--force", description = "Overwrite --out if it exists.")
    boolean force;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (vocab < 256 + Tokenizer.SPECIALS.size() || vocab > 65_536) {
            throw new tinyfm.util.UsageError("--vocab " + vocab + " is out of range; use 259 to 65536");
        }
        Outputs.ensureWritable(out, force);
        Corpus c = Corpus.load(corpus);
        long start = System.nanoTime();
        Tokenizer tok = Tokenizers.train(kindOldSpelling != null ? kindOldSpelling : kind, c.tokenizerSample().texts(), vocab);
        double seconds = (System.nanoTime() - start) / 1e9;
        Tokenizers.save(tok, out);
        spec.commandLine().getOut().printf("Trained a %s tokenizer with %,d tokens on %s in %.1f s; saved to %s%n",
                tok.kind(), tok.vocabSize(), c.name(), seconds, out);
        return 0;
    }
}
