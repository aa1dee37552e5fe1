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
        Tokenizer tok = load(source.tokenizer);
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

    /** What --tokenizer names, in every command: a tokenizer JSON file, or a model file (a zip) whose tokenizer is used. */
    static Tokenizer load(Path file) {
        try (java.io.InputStream in = java.nio.file.Files.newInputStream(file)) {
            byte[] magic = in.readNBytes(2);
            if (magic.length == 2 && magic[0] == 'P' && magic[1] == 'K') {
                return ModelFile.load(file).tokenizer();
            }
        } catch (java.io.IOException e) {
            // not readable as a model file: Tokenizers.load says what is wrong with it
        }
        return Tokenizers.load(file);
    }
}
