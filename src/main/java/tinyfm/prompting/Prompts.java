package tinyfm.prompting;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import tinyfm.data.Example;
import tinyfm.data.Task;

/** Prompt templates for the bundled tasks, and the labelled examples a K-shot prompt shows. */
public final class Prompts {
    private Prompts() {}

    /** A template that reads naturally before the task's label words; {text} is where the text goes. */
    public static String defaultTemplate(String task) {
        return switch (task) {
            case "sentiment" -> "Review: {text}\nSentiment:";
            case "topic" -> "{text}\nTopic:";
            case "spam" -> "E-mail: {text}\nSpam or ham:";
            default -> "{text}\nLabel:";
        };
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
