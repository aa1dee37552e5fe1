package tinyfm.cli;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.nd4j.linalg.api.ndarray.INDArray;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tinyfm.finetuning.FineTunedModel;
import tinyfm.finetuning.FineTuner;

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
        int[] ids = FineTuner.encode(m.tokenizer(), text, m.classifier().body().config().contextLength());
        INDArray p = m.classifier().forward(FineTuner.batch(List.of(ids), null, m.tokenizer(), m.classifier().body().config().contextLength()), false, false, false).probabilities();
        int best = p.getRow(0).argMax().getInt(0);
        StringBuilder probs = new StringBuilder();
        for (int k = 0; k < m.labels().size(); k++) {
            probs.append(String.format("%s %.3f  ", m.labels().get(k), p.getDouble(0, k)));
        }
        o.printf("%-10s (%s) %s%n", m.labels().get(best), probs.toString().trim(), text.length() > 60 ? text.substring(0, 57) + "..." : text);
        o.flush();
    }
}
