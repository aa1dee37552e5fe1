package tinyfm.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import tinyfm.base.ModelFile;
import tinyfm.interop.Gpt2Folder;

@Command(name = "export", description = {
        "Write a base in the layout the wider ecosystem reads a GPT-2 in: model.safetensors, config.json, tokenizer.json and a model card.",
        "Hugging Face's GPT-2 reads it with activation_function quick_gelu; 'tinyfm import' reads it back."})
final class ExportCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "BASE", description = "A pretrained base (.tfm).")
    Path base;

    @Parameters(index = "1", paramLabel = "DIR", description = "The folder to write (created if missing).")
    Path dir;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        ModelFile file = ModelFile.load(base, ModelFile.Kind.BASE, "export needs a pretrained base from 'tinyfm pretrain'");
        var written = Gpt2Folder.export(file, base, dir);
        spec.commandLine().getOut().println("Wrote " + String.join(", ", written) + " in " + dir);
        return 0;
    }
}
