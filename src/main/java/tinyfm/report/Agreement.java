package tinyfm.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import tinyfm.comparison.LabelBudget;
import tinyfm.comparison.Run;
import tinyfm.util.UserError;

/**
 * Do my numbers agree? A run of {@code demo} or {@code compare} held against the committed reference
 * experiment of the same base: for each task, label budget and arm, whether its mean test accuracy
 * falls in the band the reference allows.
 *
 * <p>The band has two parts. The seeds: two means of a few seeds each differ by chance, by up to
 * t · s · √(1/n + 1/m) at 95%, with s the reference's spread over its seeds. The machine: the same
 * seeds on another machine (other threads, other vector units) give other numbers, by up to the
 * largest difference measured between the reference and its reruns with other thread settings
 * (docs/measurements/machine-spread).
 */
public final class Agreement {
    private Agreement() {}

    /** One cell held against the reference; {@code reference} is null where the reference has no such cell. */
    public record Verdict(String task, LabelBudget labels, String arm, Summary.Stat here, Summary.Stat reference, double band) {
        public boolean compared() {
            return reference != null;
        }

        public boolean asExpected() {
            return !compared() || Math.abs(here.mean() - reference.mean()) <= band + 1e-12;
        }
    }

    /**
     * The reference for {@code here}: a committed experiment on the same base (by sha256), of the same
     * spec if there is one (the demo's folder for a demo), else trained the same way and sharing the most cells.
     */
    public static Optional<Path> findReference(Path committed, Report.Results here) {
        Map<Path, Report.Results> sameBase = new LinkedHashMap<>(); // each results.json read once
        experiments(committed).forEach((f, r) -> {
            if (r.context().baseSha256().equals(here.context().baseSha256())) {
                sameBase.put(f, r);
            }
        });
        for (var e : sameBase.entrySet()) {
            if (sameSpec(here, e.getValue())) {
                return Optional.of(e.getKey());
            }
        }
        List<Summary.Cell> cells = Summary.cells(here.runs());
        Path best = null;
        long most = 0;
        for (var e : sameBase.entrySet()) {
            List<Summary.Cell> theirs = Summary.cells(e.getValue().runs());
            long shared = cells.stream().filter(c -> find(theirs, c) != null).count();
            if (sameTraining(here, e.getValue()) && shared > most) {
                best = e.getKey();
                most = shared;
            }
        }
        return Optional.ofNullable(best);
    }

    /** Every experiment folder directly under {@code dir}, by name, with its results. */
    private static Map<Path, Report.Results> experiments(Path dir) {
        Map<Path, Report.Results> all = new LinkedHashMap<>();
        try (Stream<Path> folders = Files.list(dir)) {
            folders.filter(f -> Files.isRegularFile(f.resolve(Report.RESULTS))).sorted().forEach(f -> all.put(f, Report.read(f)));
        } catch (IOException e) {
            throw new UserError(dir + ": cannot list its experiments (" + e.getMessage() + ")");
        }
        return all;
    }

    /** Refuses, in one line naming both, to hold a run against a reference of another base. */
    public static void requireSameBase(Report.Results here, Object hereName, Report.Results reference, Object referenceName) {
        String a = here.context().baseSha256(), b = reference.context().baseSha256();
        if (!a.equals(b)) {
            throw new UserError(hereName + " was run on another base than " + referenceName + " (sha256 " + a.substring(0, 12)
                    + "… against " + b.substring(0, 12) + "…): numbers from different bases are not compared");
        }
    }

    /** The same experiment, whatever its name, description and the base's path: every setting that decides a number is equal. */
    static boolean sameSpec(Report.Results a, Report.Results b) {
        return settings(a.context().spec()).equals(settings(b.context().spec()));
    }

    private static List<Object> settings(tinyfm.comparison.ExperimentSpec s) {
        return java.util.Arrays.asList(s.tasks(), s.labels(), s.seeds(), s.firstSeed(), s.arms(), s.epochs(), s.minExamplesSeen(),
                s.validations(), s.validationExamples(), s.timeLimitSeconds(), s.readout());
    }

    /** Trained the same way (epochs, examples seen, validations, time limit, readout, each arm's options), whatever the cells. */
    static boolean sameTraining(Report.Results a, Report.Results b) {
        var sa = a.context().spec();
        var sb = b.context().spec();
        return java.util.Arrays.asList(sa.epochs(), sa.minExamplesSeen(), sa.validations(), sa.validationExamples(), sa.timeLimitSeconds(), sa.readout())
                .equals(java.util.Arrays.asList(sb.epochs(), sb.minExamplesSeen(), sb.validations(), sb.validationExamples(), sb.timeLimitSeconds(), sb.readout()))
                && sa.arms().stream().allMatch(arm -> sb.arms().stream().noneMatch(o -> o.arm().equals(arm.arm())) || sb.arms().contains(arm));
    }

    /**
     * The largest difference in a cell's mean test accuracy between a rerun on the same base in
     * {@code spreadDir}'s folders (made with other thread settings) and the run of its spec: {@code reference}
     * itself, or the run in the folder {@value #SPREAD_REFERENCE} the reruns were measured against; 0 if none.
     */
    public static double machineSpread(Path spreadDir, Report.Results reference) {
        if (!Files.isDirectory(spreadDir)) {
            return 0;
        }
        Map<Path, Report.Results> all = experiments(spreadDir);
        Report.Results measuredAgainst = all.get(spreadDir.resolve(SPREAD_REFERENCE));
        double spread = 0;
        for (Map.Entry<Path, Report.Results> e : all.entrySet()) {
            Report.Results rerun = e.getValue();
            if (e.getKey().endsWith(SPREAD_REFERENCE) || !rerun.context().baseSha256().equals(reference.context().baseSha256())) {
                continue;
            }
            // each rerun against the run of its own spec: the reference asked about, or the one the reruns were measured against
            Report.Results partner = sameSpec(rerun, reference) ? reference
                    : measuredAgainst != null && sameSpec(rerun, measuredAgainst) ? measuredAgainst : null;
            if (partner == null) {
                continue;
            }
            List<Summary.Cell> partnerCells = Summary.cells(partner.runs());
            for (Summary.Cell c : Summary.cells(rerun.runs())) {
                Summary.Cell r = find(partnerCells, c);
                if (r != null) {
                    spread = Math.max(spread, Math.abs(c.testAccuracy().mean() - r.testAccuracy().mean()));
                }
            }
        }
        return spread;
    }

    /**
     * The folder, among the machine-spread measurements, that holds the run the reruns were compared with:
     * the spread is the machines', so it holds for a later spec of the same base too.
     */
    static final String SPREAD_REFERENCE = "reference";

    /** Each trained cell of {@code here} against the reference's, with the band of seeds and machines. */
    public static List<Verdict> check(Report.Results here, Report.Results reference, double machineSpread) {
        requireSameBase(here, "the run", reference, "the reference");
        List<Summary.Cell> referenceCells = Summary.cells(reference.runs());
        List<Verdict> verdicts = new ArrayList<>();
        for (Summary.Cell c : Summary.cells(here.runs())) {
            Summary.Cell r = find(referenceCells, c);
            if (r == null) {
                verdicts.add(new Verdict(c.task(), c.labels(), c.arm(), c.testAccuracy(), null, Double.NaN));
                continue;
            }
            Summary.Stat ref = r.testAccuracy();
            double seeds = ref.n() < 2 ? 0 : Summary.tQuantile975(ref.n() - 1) * ref.std() * Math.sqrt(1.0 / ref.n() + 1.0 / c.testAccuracy().n());
            verdicts.add(new Verdict(c.task(), c.labels(), c.arm(), c.testAccuracy(), ref, seeds + machineSpread));
        }
        return verdicts;
    }

    /** What differs between the run and the reference, to say beside a cell outside its band. */
    public static List<String> differences(Report.Results here, Report.Results reference, Verdict v) {
        List<String> out = new ArrayList<>();
        List<Integer> seedsHere = seeds(here.runs(), v), seedsRef = seeds(reference.runs(), v);
        out.add("seeds " + seedsHere + (seedsHere.equals(seedsRef) ? " (the reference's)" : " against the reference's " + seedsRef));
        var spec = here.context().spec();
        var refSpec = reference.context().spec();
        if (spec.epochs() != refSpec.epochs() || spec.minExamplesSeen() != refSpec.minExamplesSeen() || spec.validations() != refSpec.validations()
                || !java.util.Objects.equals(spec.validationExamples(), refSpec.validationExamples())) {
            out.add(String.format(Locale.ROOT, "training: %d epochs, %d examples seen, %d validations on %s examples against %d, %d, %d on %s",
                    spec.epochs(), spec.minExamplesSeen(), spec.validations(), validatedOn(spec), refSpec.epochs(), refSpec.minExamplesSeen(),
                    refSpec.validations(), validatedOn(refSpec)));
        }
        String machine = tinyfm.base.Provenance.describe(here.context().machine()), refMachine = tinyfm.base.Provenance.describe(reference.context().machine());
        out.add("machine " + machine + (machine.equals(refMachine) ? " (the reference's)" : " against " + refMachine));
        out.add("base the same (sha256 " + here.context().baseSha256().substring(0, 12) + "…)");
        return out;
    }

    private static String validatedOn(tinyfm.comparison.ExperimentSpec spec) {
        return spec.validationExamples() == null ? "all" : String.valueOf(spec.validationExamples());
    }

    /** Runs whose test accuracy differs from what the folder's journal recorded as each cell finished: an edited results.json. */
    public static List<Run> editedAfterTheRun(List<Run> results, List<Run> journal) {
        List<Run> edited = new ArrayList<>();
        for (Run r : results) {
            journal.stream().filter(j -> j.task().equals(r.task()) && j.labels().equals(r.labels()) && j.seed() == r.seed() && j.arm().equals(r.arm()))
                    .findFirst().filter(j -> j.testAccuracy() != r.testAccuracy()).ifPresent(j -> edited.add(r));
        }
        return edited;
    }

    private static List<Integer> seeds(List<Run> runs, Verdict v) {
        return runs.stream().filter(r -> r.task().equals(v.task()) && r.labels().equals(v.labels()) && r.arm().equals(v.arm()))
                .map(Run::seed).sorted().toList();
    }

    private static Summary.Cell find(List<Summary.Cell> cells, Summary.Cell c) {
        return Summary.find(cells, c.task(), c.labels(), c.arm());
    }
}
