package tinyfm.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import tinyfm.data.BundledData;
import tinyfm.data.Corpus;
import tinyfm.data.Task;

@Command(name = "datasets", description = {
        "List the bundled corpora and tasks with their counts, and verify their checksums.",
        "Every prepared file is checked against datasets/SHA256SUMS."})
final class DatasetsCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        var out = spec.commandLine().getOut();
        out.println("Pretraining corpus (unlabelled text, for self-supervised pretraining)");
        for (String name : Corpus.BUNDLED) {
            Corpus corpus = Corpus.load(name);
            Corpus.Split split = corpus.split();
            long trainChars = split.train().stream().mapToLong(String::length).sum();
            long valChars = split.validation().stream().mapToLong(String::length).sum();
            out.printf("  %-10s %,6d documents in %2d files, %,d characters (%.1f MB UTF-8): train %,d, validation %,d%n",
                    name, corpus.documentCount(), corpus.documents().size(), corpus.characters(), corpus.utf8Bytes() / 1e6, trainChars, valChars);
        }
        for (String name : Corpus.PREPARED) { // too large to read here: its files, not its documents
            List<java.nio.file.Path> files = Corpus.preparedFiles(name);
            if (files.isEmpty()) {
                out.printf("  %-10s not built: datasets/prepare builds it from its pinned packages (the repository does not hold it)%n", name);
            } else {
                out.printf("  %-10s %d files, %.1f MB compressed on disk, built by datasets/prepare%n",
                        name, files.size(), files.stream().mapToLong(f -> f.toFile().length()).sum() / 1e6);
            }
        }
        out.println();
        out.println("Downstream tasks (small and labelled, for fine-tuning)");
        for (String name : Task.bundled()) {
            Task task = Task.load(name);
            out.printf("  %-10s labels %s%n", name, task.labels());
            for (String split : Task.SPLITS) {
                List<tinyfm.data.Example> ex = task.split(split);
                out.printf("  %-10s %-5s %,5d examples %s%n", "", split, ex.size(), Task.counts(ex));
            }
        }
        out.println();
        List<BundledData.Check> checks = BundledData.verify();
        long bad = checks.stream().filter(c -> !c.ok()).count();
        for (BundledData.Check c : checks) {
            if (!c.ok()) {
                out.printf("  FAILED %s: %s%n", c.file(), c.problem());
            }
        }
        if (bad > 0) {
            out.printf("Checksums: %d of %d files FAILED; run datasets/prepare to rebuild them%n", bad, checks.size());
            return 1;
        }
        out.printf("Checksums: all %d files match datasets/SHA256SUMS%n", checks.size());
        return 0;
    }
}
