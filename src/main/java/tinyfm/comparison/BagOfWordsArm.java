package tinyfm.comparison;

import java.util.List;
import tinyfm.data.Example;
import tinyfm.finetuning.Metrics;

/** The baseline a reader already trusts: which words a text holds, and nothing else about English. */
public final class BagOfWordsArm implements Arm {
    public static final String ID = "bow";
    private static final Names NAMES = new Names(ID, "bag-of-words", "bag-of-words", "the bag-of-words baseline");

    @Override
    public Names names() {
        return NAMES;
    }

    @Override
    public Run run(Trial trial) {
        List<Example> examples = trial.examples();
        long t0 = System.nanoTime();
        BagOfWords bow = new BagOfWords(trial.task().labels());
        bow.train(examples, trial.seed());
        double seconds = (System.nanoTime() - t0) / 1e9;
        Metrics val = bow.evaluate(trial.task().validation()), test = bow.evaluate(trial.task().test());
        return Run.once(trial, ID, examples.size(), val.accuracy(), test.accuracy(), test.macroF1(), seconds);
    }
}
