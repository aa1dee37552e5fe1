package tinyfm.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import tinyfm.comparison.LabelBudget;
import tinyfm.finetuning.Classifier;
import tinyfm.finetuning.FineTuneConfig;
import tinyfm.util.UsageError;
import tinyfm.util.UserError;

/** Option values that several commands take, parsed once, each error naming its option (a usage error: exit 2). */
final class OptionValues {
    private OptionValues() {}

    /** The option that sets each of the library's settings, so that an error names what the user typed. */
    private static final java.util.Map<String, String> OPTIONS = java.util.Map.ofEntries(
            java.util.Map.entry("epochs", "--epochs"), java.util.Map.entry("batch size", "--batch"), java.util.Map.entry("learning rate", "--lr"),
            java.util.Map.entry("label budget", "--labels"), java.util.Map.entry("weight decay", "--weight-decay"),
            java.util.Map.entry("warm-up fraction", "--warmup-fraction"), java.util.Map.entry("text length", "--max-length"),
            java.util.Map.entry("recipe", "--recipe"), java.util.Map.entry("temperature", "--temperature"), java.util.Map.entry("top-k", "--top-k"),
            java.util.Map.entry("prompt template", "--prompt"), java.util.Map.entry("label words", "--label-words"),
            java.util.Map.entry("split", "--split"), java.util.Map.entry("tokenizer kind", "--tokenizer-kind"),
            java.util.Map.entry("vocabulary size", "--vocab"));

    /** A setting's error as the user sees it: "--epochs must be at least 1, got 0". */
    static String optionFor(tinyfm.util.InvalidSetting e) {
        String option = OPTIONS.get(e.setting());
        return option == null ? e.getMessage() : option + " " + e.problem();
    }

    /** {@code --labels}: a positive number of examples, or "all". */
    static LabelBudget labelBudget(String value) {
        try {
            return LabelBudget.parse(value);
        } catch (UserError e) {
            throw new UsageError("--labels takes positive numbers of examples or 'all', got '" + value + "'");
        }
    }

    /** {@code --lr}: the head's learning rate, in (0, 1); none given is the default. */
    static double learningRate(Double value) {
        if (value == null) {
            return FineTuneConfig.DEFAULT_HEAD_LR;
        }
        UsageError.check(value > 0 && value < 1, "--lr must be in (0, 1), got " + value);
        return value;
    }

    /** {@code --readout}: pooled or last. */
    static Classifier.Readout readout(String name) {
        try {
            return Classifier.Readout.valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UsageError("--readout takes pooled or last, got '" + name + "'");
        }
    }

    /** {@code --seeds} as a count ("5") or as the seeds themselves ("1,2,3,4,5"); an experiment's seeds are always 1 to N. */
    static int seedCount(String value) {
        List<Integer> seeds = new ArrayList<>();
        try {
            for (String part : value.split(",")) {
                seeds.add(Integer.parseInt(part.trim()));
            }
        } catch (NumberFormatException e) {
            throw new UsageError("--seeds takes a count or the list 1,2,...,N, got '" + value + "'");
        }
        if (seeds.size() == 1) {
            UsageError.check(seeds.get(0) >= 1, "--seeds must be at least 1, got " + value);
            return seeds.get(0);
        }
        UsageError.check(seeds.equals(java.util.stream.IntStream.rangeClosed(1, seeds.size()).boxed().toList()),
                "--seeds: an experiment runs seeds 1 to N, so that two experiments draw the same labelled examples; "
                        + "give N, or the list 1,2,...,N, got '" + value + "'");
        return seeds.size();
    }
}
