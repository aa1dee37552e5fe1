package tinyfm.cli;

import com.google.gson.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tinyfm.base.Bases;
import tinyfm.base.ModelFile;
import tinyfm.data.Task;
import tinyfm.finetuning.FineTunedModel;
import tinyfm.finetuning.Metrics;
import tinyfm.prompting.PromptClassifier;
import tinyfm.prompting.Prompts;
import tinyfm.util.Json;
import tinyfm.util.UsageError;

@Command(name = "classify", sortOptions = false, description = {
        "Label text with a fine-tuned model, or with a base and a prompt (zero-shot or few-shot, no training).",
        "With --model: the label and class probabilities of --text, or of each line of stdin, one output line per input line: "
                + "line number, label, its probability and the text, separated by tabs (a blank line gets - for its label and probability).",
        "With --base and --task: each label's word is scored as the continuation of --prompt, and the numbers shown are a softmax "
                + "over the label words' log-likelihoods (printed too), not a trained classifier's probabilities; without --text, "
                + "the whole --split is classified and scored."})
final class ClassifyCommand implements Callable<Integer> {
    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    static final class Source {
        @Option(names = "--model", required = true, description = "A fine-tuned model from 'tinyfm finetune'.")
        Path model;

        @Option(names = "--base", required = true, description = "A pretrained base, prompted instead of fine-tuned (needs --task).")
        Path base;
    }

    @Option(names = "--task", description = "With --base: the task whose labels are scored (bundled name or folder).")
    String task;

    @Option(names = "--prompt", description = "With --base: the template; {text} is where the text goes, and each label's word follows it. Default: the template in the task's task.json; for sentiment, Review: {text}, a new line (written \\n), then Sentiment:.")
    String prompt;

    @Option(names = "--label-words", paramLabel = "LABEL=WORD,...", description = "With --base: the word scored for each label (the verbalizer), e.g. negative=terrible,positive=great. Default: each label's own name.")
    String labelWords;

    @Option(names = "--shots", defaultValue = "0", description = "With --base: labelled examples from the training split put in the prompt first. Default: ${DEFAULT-VALUE}.")
    int shots;

    @Option(names = "--calibrate", description = "With --base: subtract each label's score after a content-free text (\"N/A\").")
    boolean calibrate;

    @Option(names = "--split", defaultValue = "test", description = "With --base and no --text: the split to classify and score. Default: ${DEFAULT-VALUE}.")
    String split;

    @Option(names = "--seed", defaultValue = Main.DEFAULT_SEED, description = "With --shots: which examples are drawn. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--text", description = "The text to classify (not empty). Default: each line of stdin.")
    String text;

    @Option(names = "--json", description = "Print JSON instead: one object per text (one line each), or for a scored --split one object "
            + "with its accuracy, macro_f1 and confusion matrix.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        UsageError.check(text == null || !text.isBlank(), "--text is empty; give a text, or leave --text out to classify each line of stdin");
        PrintWriter o = spec.commandLine().getOut();
        return source.model != null ? fineTuned(o) : prompted(o);
    }

    private int fineTuned(PrintWriter o) throws Exception {
        List<String> promptingOnly = new ArrayList<>();
        if (task != null) {
            promptingOnly.add("--task");
        }
        if (prompt != null) {
            promptingOnly.add("--prompt");
        }
        if (labelWords != null) {
            promptingOnly.add("--label-words");
        }
        if (shots != 0) {
            promptingOnly.add("--shots");
        }
        if (calibrate) {
            promptingOnly.add("--calibrate");
        }
        if (!promptingOnly.isEmpty()) {
            throw new UsageError(String.join(", ", promptingOnly) + ": for prompting a base (--base B --task T); "
                    + "a fine-tuned --model classifies with its own head");
        }
        FineTunedModel m = FineTunedModel.load(source.model);
        if (text != null) {
            print(o, m.labels(), m.classifier().classify(m.tokenizer(), text), null, text);
            return 0;
        }
        if (System.console() != null) { // a terminal, nothing piped in: say what is awaited
            spec.commandLine().getErr().println("Reading texts from stdin, one per line; Ctrl-D to end.");
        }
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        List<Integer> blank = new ArrayList<>();
        int number = 0;
        for (String line; (line = in.readLine()) != null; ) {
            number++;
            if (line.isBlank()) { // kept as a line of output, so the results still join back to the input by line number
                blank.add(number);
                printSkipped(o, number, line);
            } else {
                printLine(o, m.labels(), m.classifier().classify(m.tokenizer(), line), line, number);
            }
        }
        if (!blank.isEmpty()) {
            spec.commandLine().getErr().println("Skipped " + blank.size() + " blank line" + (blank.size() == 1 ? "" : "s") + ": " + blank);
        }
        return 0;
    }

    private int prompted(PrintWriter o) {
        if (task == null) {
            throw new UsageError("--base needs --task: the labels to score come from the task");
        }
        if (shots < 0) {
            throw new UsageError("--shots must be 0 or more, got " + shots);
        }
        ModelFile baseFile = ModelFile.load(source.base, ModelFile.Kind.BASE, "--base needs a pretrained base from 'tinyfm pretrain'");
        Task t = Task.load(task);
        if (shots > t.train().size()) {
            throw new UsageError("--shots " + shots + ": the task's training split has only " + t.train().size() + " examples to put in the prompt");
        }
        String template = prompt != null ? prompt.replace("\\n", "\n") : t.template();
        List<String> words = labelWords == null ? t.labelWords() : Prompts.labelWords(t.labels(), labelWords);
        PromptClassifier classifier = new PromptClassifier(Bases.languageModel(baseFile, source.base), baseFile.tokenizer(), t.labels(),
                words, template, Prompts.shots(t.train(), shots, seed), calibrate);
        if (text != null) {
            double[] scores = classifier.scores(List.of(text))[0];
            spec.commandLine().getErr().println("Prompted: the numbers in brackets are a softmax over the label words' log-likelihoods"
                    + (calibrate ? " (calibrated: minus each word's log-likelihood after \"" + PromptClassifier.CONTENT_FREE + "\")" : "")
                    + ", not a trained classifier's probabilities.");
            print(o, t.labels(), tinyfm.finetuning.Softmax.inPlace(scores.clone()), scores, text);
            return 0;
        }
        spec.commandLine().getErr().printf("Prompting (no training): %d-shot%s, each text cut to %d tokens. The prompt of the first %s example:%n%n%s%n%n",
                shots, calibrate ? ", calibrated" : "", classifier.textBudget(), split,
                indent(classifier.prompt(t.split(split).get(0).text()) + " <" + String.join("|", words) + ">"));
        long t0 = System.nanoTime();
        Metrics m = classifier.evaluate(t.split(split));
        double seconds = (System.nanoTime() - t0) / 1e9;
        double majority = Task.counts(t.split(split)).values().stream().mapToInt(Integer::intValue).max().orElse(0) / (double) t.split(split).size();
        if (json) {
            JsonObject result = new JsonObject();
            result.addProperty("base", source.base.toString());
            result.addProperty("task", t.name());
            result.addProperty("split", split);
            result.addProperty("shots", shots);
            result.addProperty("calibrated", calibrate);
            EvaluateCommand.addMetrics(result, m);
            result.addProperty("most_common_label_accuracy", majority);
            result.addProperty("seconds", seconds);
            o.println(Json.GSON.toJson(result));
            return 0;
        }
        o.printf("%s, %s split (%d texts): accuracy %.1f%% (the most common label alone: %.1f%%), macro-F1 %.3f; %.1f s, %.0f texts/s%n%n%s",
                t.name(), split, t.split(split).size(), 100 * m.accuracy(), 100 * majority, m.macroF1(), seconds, t.split(split).size() / seconds, m.table());
        return 0;
    }

    private static String indent(String s) {
        return "    " + s.replace("\n", "\n    ");
    }

    /** The result for --text: the label and every label's probability, then (prompted) the log-likelihoods they come from. */
    private void print(PrintWriter o, List<String> labels, double[] p, double[] logLikelihoods, String text) {
        if (json) {
            JsonObject result = result(labels, p, text);
            if (logLikelihoods != null) {
                result.add("log_likelihoods", byLabel(labels, logLikelihoods));
            }
            o.println(Json.LINE.toJson(result));
            return;
        }
        o.printf("%-10s (%s) %s%n", labels.get(argmax(p)), byLabel(labels, p, "%.3f"), text);
        if (logLikelihoods != null) {
            o.printf("%-10s %slog-likelihoods: %s%n", "", calibrate ? "calibrated " : "", byLabel(labels, logLikelihoods, "%.3f"));
        }
    }

    /** One line of stdin's result: line number, label, its probability and the text, tab-separated (or one JSON line). */
    private void printLine(PrintWriter o, List<String> labels, double[] p, String text, int line) {
        int best = argmax(p);
        if (json) {
            JsonObject result = new JsonObject();
            result.addProperty("line", line);
            result(labels, p, text).entrySet().forEach(e -> result.add(e.getKey(), e.getValue()));
            o.println(Json.LINE.toJson(result));
        } else {
            o.printf(java.util.Locale.ROOT, "%d\t%s\t%.3f\t%s%n", line, labels.get(best), p[best], text);
        }
        o.flush(); // a line out for each line in, as it comes
    }

    private void printSkipped(PrintWriter o, int line, String text) {
        if (json) {
            JsonObject result = new JsonObject();
            result.addProperty("line", line);
            result.addProperty("skipped", "blank line");
            result.addProperty("text", text);
            o.println(Json.LINE.toJson(result));
        } else {
            o.printf("%d\t-\t-\t%s%n", line, text);
        }
        o.flush();
    }

    private static JsonObject result(List<String> labels, double[] p, String text) {
        JsonObject result = new JsonObject();
        result.addProperty("label", labels.get(argmax(p)));
        result.add("probabilities", byLabel(labels, p));
        result.addProperty("text", text);
        return result;
    }

    private static int argmax(double[] p) {
        int best = 0;
        for (int k = 1; k < p.length; k++) {
            best = p[k] > p[best] ? k : best;
        }
        return best;
    }

    /** "label value  label value ...", for the human-readable line. */
    private static String byLabel(List<String> labels, double[] values, String format) {
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < labels.size(); k++) {
            sb.append(k == 0 ? "" : "  ").append(labels.get(k)).append(' ').append(String.format(java.util.Locale.ROOT, format, values[k]));
        }
        return sb.toString();
    }

    private static JsonObject byLabel(List<String> labels, double[] values) {
        JsonObject o = new JsonObject();
        for (int k = 0; k < labels.size(); k++) {
            o.addProperty(labels.get(k), values[k]);
        }
        return o;
    }
}
