package tinyfm.comparison;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tinyfm.data.Task;

/**
 * Transfer learning, measured: runs an {@link ExperimentSpec}. For every task, the prompted arms'
 * cells come first (they train nothing), then every label budget × seed, where each trained arm
 * learns from the same labelled examples. A journal keeps each finished cell, so an interrupted
 * experiment continues where it stopped.
 */
public final class Experiment {
    private Experiment() {}

    public interface Listener {
        void started(int totalRuns);

        void finished(Run run, int done);

        /** Runs taken from a journal instead of being trained again ({@code compare --resume}). */
        default void resumed(int runs, int total) {}
    }

    /** Where finished cells are kept, so an interrupted experiment can continue (see {@link ComparisonJournal}). */
    public interface Journal {
        Journal NONE = new Journal() {
            @Override
            public Map<Cell, List<Run>> done() {
                return Map.of();
            }

            @Override
            public void save(Cell cell, List<Run> runs) {}
        };

        Map<Cell, List<Run>> done();

        void save(Cell cell, List<Run> runs);
    }

    /** One cell and the arms that run in it, in the spec's order. */
    private record Planned(Task task, Cell cell, List<Arm> arms) {}

    /** Runs the spec on its base; cells the journal already holds are taken from it, and each new cell is saved to it when done. */
    public static List<Run> run(ExperimentSpec spec, Trial.Base base, Listener listener, Journal journal) {
        List<Planned> planned = plan(spec, base);
        int total = planned.stream().mapToInt(p -> p.arms().size()).sum();
        listener.started(total);
        Map<Cell, List<Run>> done = journal.done();
        List<Run> runs = new ArrayList<>();
        for (Planned p : planned) {
            if (done.containsKey(p.cell())) {
                runs.addAll(done.get(p.cell()));
                listener.resumed(runs.size(), total);
                continue;
            }
            List<Run> cell = new ArrayList<>();
            Trial trial = new Trial(base, p.task(), p.cell().labels(), p.cell().seed(), spec);
            for (Arm arm : p.arms()) {
                cell.add(arm.run(trial));
                listener.finished(cell.get(cell.size() - 1), runs.size() + cell.size());
            }
            journal.save(p.cell(), cell);
            runs.addAll(cell);
        }
        return runs;
    }

    /** Per task: the prompted arms' cells, then the trained arms' (label budget × seed), each cell once with every arm that runs in it. */
    private static List<Planned> plan(ExperimentSpec spec, Trial.Base base) {
        List<Arm> arms = spec.makeArms();
        List<Planned> planned = new ArrayList<>();
        for (String name : spec.tasks()) {
            Task task = Task.load(name);
            Map<Cell, List<Arm>> byCell = new LinkedHashMap<>();
            for (boolean trained : new boolean[] {false, true}) {
                for (Arm arm : arms) {
                    if (arm.trained() == trained) {
                        arm.cells(task, spec, base).forEach(c -> byCell.computeIfAbsent(c, k -> new ArrayList<>()).add(arm));
                    }
                }
            }
            byCell.forEach((cell, cellArms) -> planned.add(new Planned(task, cell, cellArms)));
        }
        return planned;
    }
}
