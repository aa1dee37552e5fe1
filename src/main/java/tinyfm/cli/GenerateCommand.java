package tinyfm.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tinyfm.base.Bases;
import tinyfm.base.ModelFile;
import tinyfm.generation.Generator;
import tinyfm.generation.Sampling;
import tinyfm.model.Gpt;
import tinyfm.util.UserError;

@Command(name = "generate", sortOptions = false, description = {
        "Prompt the base: it continues your text one token at a time (generative AI in miniature).",
        "The text streams as it is generated."})
final class GenerateCommand implements Callable<Integer> {
    @Option(names = "--base", required = true, description = "A base file from 'tinyfm pretrain'.")
    Path base;

    @Option(names = "--prompt", defaultValue = "", description = "The text to continue. Default: empty (start of a document).")
    String prompt;

    @Option(names = "--tokens", defaultValue = "200", description = "How many tokens to generate. Default: ${DEFAULT-VALUE}.")
    int tokens;

    @Option(names = "--temperature", defaultValue = "0.8", description = "Randomness: 0 always picks the most likely token; 1 samples the model as is. Default: ${DEFAULT-VALUE}.")
    double temperature;

    @Option(names = "--top-k", defaultValue = "40", description = "Sample only among the k most likely tokens (0: all). Default: ${DEFAULT-VALUE}.")
    int topK;

    @Option(names = "--seed", defaultValue = Main.DEFAULT_SEED, description = "Random seed; the same seed gives the same text. Default: ${DEFAULT-VALUE}.")
    long seed;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        tinyfm.util.UsageError.check(tokens >= 1 && tokens <= 100_000, "--tokens must be between 1 and 100000, got " + tokens);
        Sampling sampling = new Sampling(temperature, topK, seed);
        ModelFile file = ModelFile.load(base);
        Gpt gpt = Bases.languageModel(file, base);
        var out = spec.commandLine().getOut();
        out.print(Terminal.printable(prompt));
        out.flush();
        long start = System.nanoTime();
        new Generator(gpt, file.tokenizer()).generate(prompt, tokens, sampling, piece -> {
            out.print(Terminal.printable(piece)); // a sampled ESC must not reach the terminal as one
            out.flush();
        });
        double seconds = (System.nanoTime() - start) / 1e9;
        out.println();
        // the statistics go to stderr, so that 'generate > story.txt' captures only the text
        spec.commandLine().getErr().printf("[%d tokens in %.2f s, %.0f tokens/s]%n", tokens, seconds, tokens / seconds);
        return 0;
    }
}
