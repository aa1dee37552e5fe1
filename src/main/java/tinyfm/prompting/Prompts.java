package tinyfm.prompting;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import tinyfm.data.Example;
import tinyfm.data.Task;
import tinyfm.model.Gpt;
import tinyfm.tokenizer.Tokenizer;
import tinyfm.util.InvalidSetting;

/** A task asked as a prompt (its card's template and label words), and the labelled examples a K-shot prompt shows. */
public final class Prompts {
    private Prompts() {}

    /** Raw label log-likelihoods, or each minus its log-likelihood after a content-free text ("N/A"; Zhao et al. 2021). */
    public enum Calibration { RAW, CALIBRATED }

    /** A task prompted with its card's template and label words, and {@code shots} examples of its training split drawn with {@code seed}. */
    public static PromptClassifier forTask(Gpt gpt, Tokenizer tokenizer, Task task, int shots, long seed, Calibration calibration) {
        return new PromptClassifier(gpt, tokenizer, task.labels(), task.labelWords(), task.template(), shots(task.train(), shots, seed),
                calibration == Calibration.CALIBRATED);
    }

    /**
     * The word scored for each label, in label order: the label's own name, or the word that
     * {@code spec} ("negative=terrible,positive=great") gives it. Every label needs a word.
     */
    public static List<String> labelWords(List<String> labels, String spec) {
        if (spec == null) {
            return labels;
        }
        Map<String, String> words = new LinkedHashMap<>();
        for (String pair : spec.split(",")) {
            String[] kv = pair.split("=", -1);
            if (kv.length != 2 || kv[0].isBlank() || kv[1].isBlank()) {
                throw new InvalidSetting("label words", "take label=word pairs, and '" + pair + "' is not one; write for example negative=terrible,positive=great");
            }
            if (!labels.contains(kv[0].strip())) {
                throw new InvalidSetting("label words", "name '" + kv[0].strip() + "', which is not a label of this task; its labels are " + labels);
            }
            words.put(kv[0].strip(), kv[1].strip());
        }
        List<String> missing = labels.stream().filter(l -> !words.containsKey(l)).toList();
        if (!missing.isEmpty()) {
            throw new InvalidSetting("label words", "give no word for " + missing + "; give one for each of " + labels);
        }
        return labels.stream().map(words::get).toList();
    }

    /** K labelled examples, balanced over the labels as far as K allows, in a seeded random order. */
    public static List<Example> shots(List<Example> pool, int k, long seed) {
        if (k == 0) {
            return List.of();
        }
        List<Example> shots = new ArrayList<>(Task.stratifiedSubset(pool, k, seed));
        Collections.shuffle(shots, new Random(seed)); // not label after label: the last shot's label would bias the answer
        return shots;
    }
}
