package tinyfm.cli;

import com.google.gson.JsonObject;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tinyfm.base.Bases;
import tinyfm.base.ModelFile;
import tinyfm.base.Provenance;
import tinyfm.comparison.Comparison;
import tinyfm.data.Corpus;
import tinyfm.generation.Generator;
import tinyfm.generation.Sampling;
import tinyfm.model.GptConfig;
import tinyfm.pretraining.Pretrainer;
import tinyfm.pretraining.TrainingConfig;
import tinyfm.report.Report;
import tinyfm.tokenizer.Tokenizer;
import tinyfm.tokenizer.Tokenizers;
import tinyfm.util.Home;

@Command(name = "demo", sortOptions = false, description = {
        "Run the whole lesson in one command.",
        "Tokenize the corpus, pretrain a base (or reuse the cached one), prompt it, fine-tune it on two tasks,",
        "train from-scratch twins, and compare."})
final class DemoCommand implements Callable<Integer> {
    /** The demo's budgets, named: the full story and the quick first look. */
    record Budget(String name, int pretrainSteps, List<Integer> labels, int epochs) {}

    static final Budget FULL = new Budget("demo", 500, List.of(1000), 2);
    static final Budget QUICK = new Budget("demo-quick", 100, List.of(100), 1);

    @Option(names = "--quick", description = "A first look in about a minute: 100 pretraining steps, 100 labels per task, 1 epoch.")
    boolean quick;

    @Option(names = "--fresh", description = "Pretrain again even if a cached demo base exists.")
    boolean fresh;

    @Option(names = "--seed", defaultValue = "1337", description = "Random seed. Default: ${DEFAULT-VALUE}.")
    long seed;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private PrintWriter o;

    private void step(int n, String text) {
        o.printf("%n%d. %s%n", n, text);
        o.flush();
    }

    @Override
    public Integer call() throws Exception {
        o = spec.commandLine().getOut();
        long start = System.nanoTime();
        Budget budget = quick ? QUICK : FULL;
        Path bases = Home.dir().resolve("bases"), results = Home.dir().resolve("results").resolve(budget.name());
        Files.createDirectories(bases);
        Files.createDirectories(results);
        Path base = bases.resolve(budget.name() + "-seed" + seed + ".tfm");
        o.println("tinyfm demo: a foundation model in miniature. One model is trained broadly once, without labels,");
        o.println("saved as a reusable base, then adapted cheaply to several tasks, and compared with training from scratch.");

        step(1, "Tokenize: text becomes token ids. A byte-level BPE learns its vocabulary from the books.");
        Corpus books = Corpus.load("books");
        GptConfig.Preset small = GptConfig.SMALL;
        String example = "It is a truth universally acknowledged.";
        ModelFile cached = !fresh && Files.exists(base) ? ModelFile.load(base, ModelFile.Kind.BASE, "") : null;
        Tokenizer tokenizer = cached != null ? cached.tokenizer() : Tokenizers.train("bpe", books.split().train(), small.vocabSize());
        StringBuilder pieces = new StringBuilder();
        for (int id : tokenizer.encode(example)) {
            pieces.append('[').append(tokenizer.piece(id)).append(']');
        }
        o.printf("   %,d tokens in the vocabulary. \"%s\" -> %s%n", tokenizer.vocabSize(), example, pieces);

        step(2, "Pretraining (self-supervised): the model learns to predict the next token of "
                + String.format("%.1f MB of books; no labels are used.", books.utf8Bytes() / 1e6));
        ModelFile baseFile;
        if (cached != null) {
            baseFile = cached;
            JsonObject p = cached.provenance();
            o.printf("   Reusing the cached base %s (pretrained earlier: %d steps, %s, %.2f bits/byte; --fresh to pretrain again).%n",
                    base, p.get("steps").getAsInt(), ProgressLine.duration(p.get("train_seconds").getAsDouble()),
                    p.get("final_validation_bits_per_byte").getAsDouble());
        } else {
            GptConfig config = small.config(tokenizer.vocabSize());
            o.printf("   A GPT with %d blocks and %,d parameters, %d steps of %d windows × %d tokens.%n", config.layers(),
                    config.parameterCount(), budget.pretrainSteps(), small.batchSize(), config.contextLength());
            TrainingConfig training = TrainingConfig.defaults(small.batchSize(), budget.pretrainSteps(), small.learningRate(), seed);
            PretrainCommand.PretrainProgress progress = new PretrainCommand.PretrainProgress(o, training.steps());
            Pretrainer.Result r = new Pretrainer(books, tokenizer, config, training, null, progress).run(false, null, new AtomicBoolean());
            progress.done();
            r.base().save(base);
            baseFile = r.base();
            Pretrainer.Point last = r.curve().get(r.curve().size() - 1);
            o.printf("   Saved the base to %s: validation %.2f bits per byte after %s.%n", base, last.validationBitsPerByte(),
                    ProgressLine.duration(r.trainSeconds()));
        }

        step(3, "Prompting (generative AI): the base continues a prompt, one sampled token at a time.");
        String prompt = "The king said";
        String text = new Generator(Bases.languageModel(baseFile, base), baseFile.tokenizer())
                .generate(prompt, 60, new Sampling(0.8, 40, seed), s -> {});
        o.println("   " + Tokenizer.visible(prompt + text).replace('·', ' ').replace("↵", " / "));

        step(4, "Fine-tuning (transfer learning): the same base, adapted separately to sentiment and to spam, with a new head.");
        step(5, "From scratch: the identical model and tokenizer, trained on the same data from random weights.");
        o.println("   (And a bag-of-words logistic regression: a regular model trained for one specific task.)");
        // one validation per epoch: the demo's clock matters more than the curves' resolution
        Comparison.Plan plan = new Comparison.Plan(tinyfm.data.Task.BUNDLED, budget.labels(), 1, budget.epochs(), Double.MAX_VALUE, 1);
        ProgressLine bar = new ProgressLine(o, "   train");
        List<Comparison.Run> runs = new Comparison(baseFile, base, plan).run(new Comparison.Listener() {
            int total;

            @Override
            public void started(int totalRuns) {
                total = totalRuns;
            }

            @Override
            public void finished(Comparison.Run r, int done) {
                bar.message(String.format("   %-10s %-28s test accuracy %5.1f%%  %5.1f s", r.task(), r.method().label, 100 * r.testAccuracy(), r.trainSeconds()));
                bar.update(done, total, done + "/" + total + " models", true);
            }
        });
        bar.finish();

        step(6, "The comparison: accuracy on held-out test examples, and seconds of training.");
        double pretrainSeconds = Report.pretrainSeconds(baseFile.provenance());
        o.print(Report.summaryText(runs, pretrainSeconds));

        step(7, "The report and charts:");
        Report.Context ctx = new Report.Context(base.toString(), FinetuneCommand.sha(base), pretrainSeconds, baseFile.config().summary(),
                plan, Provenance.machine());
        List<String> charts = Report.write(results, ctx, runs);
        o.printf("   %s%n", results.resolve("report.md"));
        charts.forEach(c -> o.printf("   %s%n", results.resolve(c + ".png")));
        o.printf("%nDone in %s. Next: ./tinyfm generate --base %s --prompt \"...\"; ./tinyfm compare for the full grid.%n",
                ProgressLine.duration((System.nanoTime() - start) / 1e9), base);
        return 0;
    }
}
