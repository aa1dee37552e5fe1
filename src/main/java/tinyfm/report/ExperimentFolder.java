package tinyfm.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import tinyfm.base.ModelFile;
import tinyfm.comparison.ComparisonJournal;
import tinyfm.comparison.Experiment;
import tinyfm.comparison.ExperimentSpec;
import tinyfm.comparison.Run;
import tinyfm.comparison.Trial;
import tinyfm.data.Task;
import tinyfm.util.Home;
import tinyfm.util.OutputLock;
import tinyfm.util.Sha256;
import tinyfm.util.UserError;

/**
 * An experiment is a spec and a folder. {@link #run} is the one way any front end (compare, the
 * demo, the notebooks) runs an experiment: it writes {@code spec.json}, keeps each finished cell in
 * {@code runs.jsonl} so an interrupted run can resume, and ends with {@code results.json} and what
 * derives from it (report.md, results.csv, the charts). {@link #rederive} redraws those from
 * results.json alone.
 */
public final class ExperimentFolder {
    private ExperimentFolder() {}

    /** Runs {@code spec} into {@code dir}; with {@code resume}, keeps the cells a journal there already holds for the same spec and base. */
    public static Report.Results run(ExperimentSpec spec, Path dir, Experiment.Listener listener, boolean resume) {
        return run(spec, dir, listener, resume, Experiment.defaultJobs());
    }

    /** As above, with {@code jobs} cells at once (results.json records how many, beside the machine: runs that share the cores take longer). */
    public static Report.Results run(ExperimentSpec spec, Path dir, Experiment.Listener listener, boolean resume, int jobs) {
        Trial.Base base = loadBase(spec);
        spec.tasks().forEach(Task::load); // a bad task fails here, before any training
        try {
            tinyfm.util.CrashPoints.createDirectories(dir);
        } catch (IOException e) {
            throw new UserError(dir + ": cannot create the experiment's folder: " + e.getMessage());
        }
        try (OutputLock lock = OutputLock.acquire(dir.resolve(ComparisonJournal.FILE))) {
            ComparisonJournal journal = ComparisonJournal.open(dir, spec, Sha256.ofFile(base.path()), resume);
            spec.write(dir.resolve(ExperimentSpec.FILE));
            List<Run> runs = Experiment.run(spec, base, listener, journal, jobs);
            Report.Context context = Report.Context.of(spec, base);
            context.machine().addProperty("jobs", jobs);
            Report.Results results = new Report.Results(context, runs);
            Report.write(dir, results);
            return results;
        }
    }

    /** The spec's base, read and checked: a path relative to the working folder, or else to the project. */
    public static Trial.Base loadBase(ExperimentSpec spec) {
        Path path = Path.of(spec.base());
        if (!path.isAbsolute() && !Files.exists(path) && Files.exists(Home.dir().resolve(path))) {
            path = Home.dir().resolve(path);
        }
        if (!Files.exists(path)) {
            throw new UserError(spec.base() + ": base not found");
        }
        return new Trial.Base(ModelFile.load(path, ModelFile.Kind.BASE, "an experiment's base is a pretrained base from 'tinyfm pretrain'"), path);
    }

    /** Derives report.md, results.csv and the charts again from the folder's results.json; returns the charts' names. */
    public static List<String> rederive(Path dir) {
        return Report.rewrite(dir, Report.read(dir));
    }
}
