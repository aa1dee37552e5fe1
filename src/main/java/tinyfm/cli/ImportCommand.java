package tinyfm.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tinyfm.base.ModelFile;
import tinyfm.interop.Gpt2Folder;

@Command(name = "import", description = {
        "Read an exported folder (GPT-2's layout) back as a tinyfm base.",
        "It reads model.safetensors, config.json and tokenizer.json.",
        "Its provenance records each file's sha256 and any training_record.json; an architecture tinyfm cannot run is refused."})
final class ImportCommand implements Callable<Integer> {
    @Parameters(paramLabel = "DIR", description = "A folder that 'tinyfm export' or the PyTorch side wrote.")
    Path dir;

    @Option(names = "--out", required = true, paramLabel = "BASE", description = "The base to write (.tfm).")
    Path out;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        ModelFile base = Gpt2Folder.importFolder(dir);
        Outputs.ensureFolder(out.toAbsolutePath().getParent());
        base.save(out);
        spec.commandLine().getOut().printf("Saved the base to %s: %s%n", out, base.config().summary());
        return 0;
    }
}
