package tinyfm.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tinyfm.base.ModelFile;
import tinyfm.tokenizer.Tokenizer;
import tinyfm.tokenizer.Tokenizers;

@Command(name = "tokenize", description = {
        "Show how text becomes tokens: each token's id and the piece of text it stands for.",
        "A language model never sees letters, only these ids."})
final class TokenizeCommand implements Callable<Integer> {
    @ArgGroup(multiplicity = "1")
    Source source;

    static final class Source {
        @Option(names = "--tokenizer", description = "A tokenizer JSON file (from train-tokenizer), or a base or model file: the tokenizer it holds.")
        Path tokenizer;
    }

    @Option(names = "--text", required = true, description = "The text to tokenize.")
    String text;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Tokenizer tok = tinyfm.base.Bases.tokenizer(source.tokenizer);
        int[] ids = tok.encode(text);
        var out = spec.commandLine().getOut();
        out.printf("%d characters -> %d tokens (%s tokenizer, vocabulary %,d)%n", text.length(), ids.length, tok.kind(), tok.vocabSize());
        StringBuilder pieces = new StringBuilder();
        for (int id : ids) {
            pieces.append('[').append(tok.piece(id)).append(']');
        }
        out.println(pieces);
        out.printf("%-6s %-7s %s%n", "#", "id", "piece");
        for (int i = 0; i < ids.length; i++) {
            out.printf("%-6d %-7d %s%n", i, ids[i], tok.piece(ids[i]));
        }
        out.println("decode(encode(text)) == text: " + tok.decode(ids).equals(text));
        return 0;
    }

}
