package tinyfm.cli;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tinyfm.finetuning.FineTunedModel;

@Command(name = "classify", description = {"Label text with a fine-tuned model and show the class probabilities.",
        "Without --text, reads one text per line from stdin."})
final class ClassifyCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "A fine-tuned model from 'tinyfm finetune'.")
    Path model;

    @Option(names = "--text", description = "The text to classify.")
    String text;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        FineTunedModel m = FineTunedModel.load(model);
        var o = spec.commandLine().getOut();
        if (text != null) {
            print(m, text, o);
            return 0;
        }
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            if (!line.isBlank()) {
                print(m, line, o);
            }
        }
        return 0;
    }

    private static void print(FineTunedModel m, String text, java.io.PrintWriter o) {
        double[] p = m.classifier().classify(m.tokenizer(), text);
        int best = 0;
        StringBuilder probs = new StringBuilder();
        for (int k = 0; k < m.labels().size(); k++) {
            best = p[k] > p[best] ? k : best;
            probs.append(String.format("%s %.3f  ", m.labels().get(k), p[k]));
        }
        o.printf("%-10s (%s) %s%n", m.labels().get(best), probs.toString().trim(), text.length() > 60 ? text.substring(0, 57) + "..." : text);
        o.flush();
    }
}
