package tinyfm.cli;

import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tinyfm.data.Task;
import tinyfm.finetuning.FineTunedModel;
import tinyfm.finetuning.FineTuner;
import tinyfm.finetuning.Metrics;
import tinyfm.util.Json;
import tinyfm.util.UserError;

@Command(name = "evaluate", sortOptions = false, description = "Score a fine-tuned model on a task split: accuracy, macro-F1 and the confusion matrix.")
final class EvaluateCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "A fine-tuned model from 'tinyfm finetune'.")
    Path model;

    @Option(names = "--task", required = true, description = "A bundled task (topic, sentiment, spam) or a task folder with train/val/test.jsonl.")
    String task;

    @Option(names = "--split", defaultValue = "test", description = "train, val or test. Default: ${DEFAULT-VALUE}.")
    String split;

    @Option(names = "--json", description = "Print one JSON object instead: accuracy, macro_f1, labels, and the confusion matrix "
            + "(rows: true label, columns: predicted).")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        FineTunedModel m = FineTunedModel.load(model);
        Task t = Task.load(task);
        if (!t.labels().equals(m.labels())) {
            throw new UserError(model + ": was trained on labels " + m.labels() + " but task " + t.name() + " has " + t.labels());
        }
        Metrics metrics = m.classifier().evaluate(m.tokenizer(), m.labels(), t.split(split));
        var o = spec.commandLine().getOut();
        if (json) {
            JsonObject result = new JsonObject();
            result.addProperty("model", model.toString());
            result.addProperty("task", t.name());
            result.addProperty("split", split);
            addMetrics(result, metrics);
            o.println(Json.GSON.toJson(result));
            return 0;
        }
        o.printf("%s on %s/%s (%d examples): accuracy %.1f%%, macro-F1 %.3f%n%n", model, t.name(), split, metrics.total(),
                100 * metrics.accuracy(), metrics.macroF1());
        o.print(metrics.table());
        return 0;
    }

    /** The scores as JSON fields, shared by {@code evaluate --json} and {@code classify --json}. */
    static void addMetrics(JsonObject to, Metrics metrics) {
        to.addProperty("examples", metrics.total());
        to.addProperty("accuracy", metrics.accuracy());
        to.addProperty("macro_f1", metrics.macroF1());
        to.add("labels", Json.GSON.toJsonTree(metrics.labels()));
        to.add("confusion", Json.GSON.toJsonTree(metrics.confusion())); // rows: true label; columns: predicted
    }
}
