package tinyfm.comparison;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
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

    /**
     * Cells at once by default: one per two cores. A job keeps about two cores busy, its own thread and
     * the engine's helper ({@code Halves}) that splits its larger loops and products in two.
     */
    public static int defaultJobs() {
        return Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
    }

    /** Runs the spec on its base, one cell after another ({@link #run(ExperimentSpec, Trial.Base, Listener, Journal, int)} with one job). */
    public static List<Run> run(ExperimentSpec spec, Trial.Base base, Listener listener, Journal journal) {
        return run(spec, base, listener, journal, 1);
    }

    /**
     * Runs the spec on its base; cells the journal already holds are taken from it, and each new cell is
     * saved to it when done. With {@code jobs} above 1, that many cells run at once, each on its own
     * thread with its own models: every run seeds its own random numbers and the engine computes each
     * number the same way on any thread, so the runs are the same as one after another, and are returned
     * in the same order. Only their seconds differ: runs that share the cores each take longer.
     */
    public static List<Run> run(ExperimentSpec spec, Trial.Base base, Listener listener, Journal journal, int jobs) {
        List<Planned> planned = plan(spec, base);
        int total = planned.stream().mapToInt(p -> p.arms().size()).sum();
        listener.started(total);
        Map<Cell, List<Run>> done = journal.done();
        List<List<Run>> byCell = new ArrayList<>(Collections.nCopies(planned.size(), List.of()));
        Progress progress = new Progress(listener, journal);
        List<Integer> toRun = new ArrayList<>();
        for (int i = 0; i < planned.size(); i++) {
            if (done.containsKey(planned.get(i).cell())) {
                byCell.set(i, done.get(planned.get(i).cell()));
                progress.resumed(byCell.get(i).size(), total);
            } else {
                toRun.add(i);
            }
        }
        if (jobs <= 1) {
            toRun.forEach(i -> byCell.set(i, runCell(planned.get(i), base, spec, progress)));
        } else {
            inParallel(jobs, toRun.stream().<Runnable>map(i -> () -> byCell.set(i, runCell(planned.get(i), base, spec, progress))).toList());
        }
        return byCell.stream().flatMap(List::stream).toList();
    }

    /** One cell: every arm on the same draw, one after another; the cell is journalled when all are done. */
    private static List<Run> runCell(Planned p, Trial.Base base, ExperimentSpec spec, Progress progress) {
        List<Run> cell = new ArrayList<>();
        Trial trial = new Trial(base, p.task(), p.cell().labels(), p.cell().seed(), spec);
        for (Arm arm : p.arms()) {
            Run run = arm.run(trial);
            cell.add(run);
            progress.finished(run);
        }
        progress.save(p.cell(), cell);
        return cell;
    }

    /** The listener and the journal, called by one job at a time, with the count of runs done. */
    private static final class Progress {
        private final Listener listener;
        private final Journal journal;
        private int done;

        Progress(Listener listener, Journal journal) {
            this.listener = listener;
            this.journal = journal;
        }

        synchronized void resumed(int runs, int total) {
            done += runs;
            listener.resumed(done, total);
        }

        synchronized void finished(Run run) {
            listener.finished(run, ++done);
        }

        synchronized void save(Cell cell, List<Run> runs) {
            journal.save(cell, runs);
        }
    }

    /** Runs the tasks on {@code jobs} threads; the first failure stops the others and is thrown as it was. */
    private static void inParallel(int jobs, List<Runnable> tasks) {
        AtomicInteger names = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(jobs, r -> {
            Thread t = new Thread(r, "tinyfm-job-" + names.incrementAndGet());
            t.setDaemon(true); // an interrupted compare exits without waiting for them; its journal keeps what finished
            return t;
        });
        try {
            List<Future<?>> futures = tasks.stream().<Future<?>>map(pool::submit).toList();
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the runs were going", e);
        } finally {
            pool.shutdownNow();
        }
    }

    /** Per task: the prompted arms' cells, then the trained arms' (label budget × seed), each cell once with every arm that runs in it. */
    private static List<Planned> plan(ExperimentSpec spec, Trial.Base base) {
        List<Arm> arms = spec.makeArms();
        List<Planned> planned = new ArrayList<>();
        for (String name : spec.tasks()) {
            Task task = spec.task(name);
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
