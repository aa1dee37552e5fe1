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

    @ArgGroup(multiplicity = "1")
    Input input;

    static final class Input {
        @Option(names = "--text", description = "The text to tokenize.")
        String text;

        @Option(names = "--texts", paramLabel = "FILE.jsonl", description = "Every text of a JSONL file whose lines have a \"text\" (a task's split): "
                + "prints each text's ids as one JSON array per line, for another tokenizer to be checked against.")
        Path texts;
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Tokenizer tok = tinyfm.base.Bases.tokenizer(source.tokenizer);
        if (input.texts != null) {
            for (tinyfm.data.Example e : tinyfm.data.Task.readExamples(input.texts)) {
                spec.commandLine().getOut().println(java.util.Arrays.toString(tok.encode(e.text())).replace(" ", ""));
            }
            return 0;
        }
        String text = input.text;
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
