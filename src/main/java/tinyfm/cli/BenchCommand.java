package tinyfm.cli;

import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tinyfm.bench.Benchmark;
import tinyfm.data.Corpus;
import tinyfm.model.GptConfig;
import tinyfm.util.AtomicFiles;
import tinyfm.util.Json;
import tinyfm.util.UsageError;

@Command(name = "bench", sortOptions = false, description = {
        "Measure training, fine-tuning and generation speed, and memory, for each preset.",
        "Figures are medians of repeated timed runs after a warm-up, with the machine's sgemm speed as the ceiling."})
final class BenchCommand implements Callable<Integer> {
    @Option(names = "--presets", defaultValue = "small,nanogpt", description = "Comma-separated presets. Default: ${DEFAULT-VALUE}.")
    String presets;

    @Option(names = "--repeats", defaultValue = "5", description = "Timed repeats; the median is reported. Default: ${DEFAULT-VALUE}.")
    int repeats;

    @Option(names = "--steps", defaultValue = "10", description = "Steps per timed repeat. Default: ${DEFAULT-VALUE}.")
    int steps;

    @Option(names = "--warmup", defaultValue = "10", paramLabel = "SECONDS",
            description = "Untimed warm-up per measurement, in seconds, while the JIT compiles the hot loops. Default: ${DEFAULT-VALUE}.")
    double warmupSeconds;

    @Option(names = "--bench-tokenizer", description = "Also time BPE training and encoding on the books corpus.")
    boolean tokenizer;

    /** The old spelling; elsewhere --tokenizer names a tokenizer file. */
    @Option(names = "--tokenizer", hidden = true)
    boolean tokenizerOldSpelling;

    @Option(names = "--json", description = "Also write the results to this JSON file.")
    Path json;

    @Option(names = "--smoke", hidden = true, description = "A tiny run that only checks the code path (for tests).")
    boolean smoke;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        UsageError.check(repeats >= 1, "--repeats must be at least 1, got " + repeats);
        UsageError.check(steps >= 1, "--steps must be at least 1, got " + steps);
        UsageError.check(warmupSeconds >= 0, "--warmup must be 0 or more seconds, got " + warmupSeconds);
        // the machine, the plan and the table go to stdout; each measurement's progress line to stderr
        var o = spec.commandLine().getOut();
        var progress = spec.commandLine().getErr();
        List<GptConfig.Preset> list = Benchmark.presets(presets);
        Benchmark.Plan plan = smoke ? Benchmark.Plan.SMOKE : new Benchmark.Plan(warmupSeconds, steps, repeats, 200);
        Benchmark bench = new Benchmark(plan, progress::println);
        Benchmark.Machine m = bench.machine();
        o.printf("Machine: %d cores, %s; BLAS %s (tinyfm: one thread per product, two at once), ND4J ops on %s OpenMP threads, OMP_WAIT_POLICY=%s; sgemm 1024^2: %.0f GFLOP/s%n",
                m.cores(), m.cpu(), m.blas(), m.ompThreads(), m.ompWaitPolicy(), m.sgemmGflops());
        o.printf("Plan: %.0f s of warm-up, then the median of %d repeats of %d steps%n", plan.warmupSeconds(), plan.repeats(), plan.steps());
        List<Benchmark.Result> results = new ArrayList<>();
        for (GptConfig.Preset p : list) {
            results.add(bench.run(p));
        }
        Benchmark.TokenizerResult tok = tokenizer || tokenizerOldSpelling ? bench.tokenizer(Corpus.load("books"), 2048) : null;
        o.printf("%-8s %10s %11s %10s %12s %8s %7s %13s %9s %12s %9s %9s%n", "preset", "params", "batch×ctx", "ms/step", "train tok/s",
                "GFLOP/s", "% sgemm", "finetune ex/s", "gen tok/s", "score txt/s", "heap MB", "RSS MB");
        for (Benchmark.Result r : results) {
            o.printf("%-8s %,10d %11s %10.1f %,12.0f %8.1f %6.1f%% %,13.0f %,9.0f %,12.0f %9.0f %9.0f%n", r.preset(), r.parameters(),
                    r.batch() + "×" + r.context(), r.trainMsPerStep(), r.trainTokensPerSecond(), r.trainGflops(),
                    100 * r.trainGflops() / m.sgemmGflops(), r.finetuneExamplesPerSecond(), r.generateTokensPerSecond(),
                    r.scoreTextsPerSecond(), r.peakHeapMb(), r.peakRssMb());
        }
        if (tok != null) {
            o.printf("Tokenizer: BPE %d trained on %.1f MB of %s in %.1f s; encodes %.1f MB/s%n", tok.vocab(), tok.megabytes(), tok.corpus(),
                    tok.trainSeconds(), tok.encodeMegabytesPerSecond());
        }
        if (json != null) {
            JsonObject out = new JsonObject();
            out.add("machine", Json.GSON.toJsonTree(m));
            out.add("plan", Json.GSON.toJsonTree(plan));
            out.add("results", Json.GSON.toJsonTree(results));
            if (tok != null) {
                out.add("tokenizer", Json.GSON.toJsonTree(tok));
            }
            AtomicFiles.writeString(json, Json.GSON.toJson(out));
            o.println("Wrote " + json);
        }
        return 0;
    }
}
