package tinyfm.cli;

import java.util.List;
import picocli.CommandLine.Option;
import tinyfm.data.Task;
import tinyfm.pretraining.ReadingProbes;
import tinyfm.util.UsageError;

/** What the base knows as it reads: the reading probes' options, shared by pretrain and adapt. */
final class ProbeOptions {
    @Option(names = "--probe", split = ",", paramLabel = "TASK", description = "Probe the frozen model on these tasks at log-spaced points "
            + "of its reading (0, 50, 71, 100, 141, ... steps and the last; adapt continues its parent's grid), as compare's linear probe "
            + "does; the curve is kept in the base. Default: none.")
    List<String> tasks = List.of();

    @Option(names = "--probe-labels", defaultValue = "" + ReadingProbes.DEFAULT_LABELS, description = "Labelled examples per probe. Default: ${DEFAULT-VALUE}.")
    int labels;

    @Option(names = "--probe-seeds", defaultValue = "" + ReadingProbes.DEFAULT_SEEDS, description = "Seeds per probe (label draws), averaged. Default: ${DEFAULT-VALUE}.")
    int seeds;

    /** Checks the values (exit 2, naming the option) and nothing else. */
    void check() {
        UsageError.check(labels >= 2, "--probe-labels must be at least 2, got " + labels);
        UsageError.check(seeds >= 1, "--probe-seeds must be at least 1, got " + seeds);
    }

    /** The probes, or null for none; loading the tasks here makes a wrong name fail before any training. */
    ReadingProbes load() {
        return tasks.isEmpty() ? null : new ReadingProbes(tasks.stream().map(Task::load).toList(), labels, seeds);
    }
}
