package tinyfm.prompting;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import tinyfm.data.Example;
import tinyfm.finetuning.Metrics;
import tinyfm.generation.Scorer;
import tinyfm.model.Gpt;
import tinyfm.tokenizer.Tokenizer;
import tinyfm.util.InvalidSetting;
import tinyfm.util.UserError;

/**
 * Classification by prompting, with no training at all: the text is put into a prompt template, each
 * label's word is scored as the prompt's continuation under the base, and the most likely label wins.
 * With K shots, K labelled examples fill the prompt first, each followed by its label (in-context
 * learning, as GPT-3 did it).
 *
 * <p>Each label is scored by a word, its verbalizer (Schick and Schütze 2021): the label's own name
 * unless other words are given, so a task labelled {@code negative}/{@code positive} can be asked
 * for {@code terrible}/{@code great}.
 *
 * <p>Calibration (Zhao et al. 2021, "Calibrate before use") subtracts each label's log-likelihood
 * after a content-free text ("N/A") in the same prompt, so a label word the model likes in general
 * does not win every time.
 *
 * <p>The window is short (128 tokens for {@code small}), so every text, the shots' and the query's, is
 * cut to an equal share of it.
 */
public final class PromptClassifier {
    public static final String TEXT = "{text}";
    public static final String CONTENT_FREE = "N/A";
    private final Gpt gpt;
    private final Tokenizer tokenizer;
    private final List<String> labels;
    private final int[] prefix, suffix, separator;
    private final List<int[]> labelTokens = new ArrayList<>();
    private final List<Example> shots;
    private final boolean calibrate;
    private final int textBudget;
    private final Scorer scorer;
    private double[] prior;

    public PromptClassifier(Gpt gpt, Tokenizer tokenizer, List<String> labels, String template, List<Example> shots, boolean calibrate) {
        this(gpt, tokenizer, labels, labels, template, shots, calibrate);
    }

    /** The same, scoring {@code words.get(k)} for {@code labels.get(k)}. */
    public PromptClassifier(Gpt gpt, Tokenizer tokenizer, List<String> labels, List<String> words, String template,
                            List<Example> shots, boolean calibrate) {
        if (words.size() != labels.size() || words.stream().anyMatch(String::isBlank)) {
            throw new IllegalArgumentException("one non-empty word per label " + labels + ", got " + words);
        }
        Layout layout = Layout.of(tokenizer, words, template);
        this.gpt = gpt;
        this.tokenizer = tokenizer;
        this.labels = List.copyOf(labels);
        this.prefix = layout.prefix();
        this.suffix = layout.suffix();
        this.separator = layout.separator();
        this.labelTokens.addAll(layout.words());
        this.shots = List.copyOf(shots);
        this.calibrate = calibrate;
        this.textBudget = layout.textBudget(gpt.config().contextLength(), shots.size());
        if (textBudget < MIN_TEXT_TOKENS) {
            throw new UserError(shots.size() + " shots do not fit the " + gpt.config().contextLength()
                    + "-token window with this prompt; use fewer --shots or a shorter --prompt");
        }
        this.scorer = new Scorer(gpt);
    }

    /** Each text keeps at least this many tokens of the window, or the prompt does not fit. */
    private static final int MIN_TEXT_TOKENS = 4;

    /** The template's pieces and the labels' words as tokens: what the window must hold besides the texts. */
    private record Layout(int[] prefix, int[] suffix, int[] separator, List<int[]> words) {
        static Layout of(Tokenizer tokenizer, List<String> words, String template) {
            int at = template.indexOf(TEXT);
            if (at < 0) {
                throw new InvalidSetting("prompt template", "must contain " + TEXT + " where the text goes, for example \"Review: {text} Sentiment:\"");
            }
            return new Layout(tokenizer.encode(template.substring(0, at)), tokenizer.encode(template.substring(at + TEXT.length())),
                    tokenizer.encode("\n\n"), words.stream().map(word -> tokenizer.encode(" " + word)).toList());
        }

        /** Tokens left for each text when the window holds the start token, {@code shots} labelled examples and the query. */
        int textBudget(int window, int shots) {
            int longestLabel = words.stream().mapToInt(a -> a.length).max().orElse(1);
            int fixed = (shots + 1) * (prefix.length + suffix.length) + shots * (longestLabel + separator.length) + longestLabel + 1;
            return (window - fixed) / (shots + 1);
        }
    }

    /** The most shots (up to {@code wanted}) that leave every text at least a few tokens of a window this long. */
    public static int shotsThatFit(int window, Tokenizer tokenizer, List<String> words, String template, int wanted) {
        Layout layout = Layout.of(tokenizer, words, template);
        for (int k = wanted; k > 0; k--) {
            if (layout.textBudget(window, k) >= MIN_TEXT_TOKENS) {
                return k;
            }
        }
        return 0;
    }

    /** Tokens of each text kept in the prompt: the window shared equally by the shots and the query. */
    public int textBudget() {
        return textBudget;
    }

    /** The full prompt for a text, as the model sees it (shots, then the text), decoded back to a string. */
    public String prompt(String text) {
        return tokenizer.decode(context(text));
    }

    private int[] context(String text) {
        IntList ids = new IntList();
        ids.add(new int[] {tokenizer.endOfText()});
        for (Example shot : shots) {
            ids.add(filled(shot.text()));
            ids.add(labelTokens.get(labels.indexOf(shot.label())));
            ids.add(separator);
        }
        ids.add(filled(text));
        return ids.toArray();
    }

    private int[] filled(String text) {
        int[] t = tokenizer.encode(text);
        IntList ids = new IntList();
        ids.add(prefix);
        ids.add(Arrays.copyOf(t, Math.min(t.length, textBudget)));
        ids.add(suffix);
        return ids.toArray();
    }

    /** log P(label | prompt) for every label of every text, calibrated if asked: [texts][labels]. */
    public double[][] scores(List<String> texts) {
        if (calibrate && prior == null) {
            prior = raw(List.of(CONTENT_FREE))[0];
        }
        double[][] s = raw(texts);
        if (calibrate) {
            for (double[] row : s) {
                for (int k = 0; k < row.length; k++) {
                    row[k] -= prior[k];
                }
            }
        }
        return s;
    }

    private double[][] raw(List<String> texts) {
        List<int[]> contexts = new ArrayList<>(), continuations = new ArrayList<>();
        for (String text : texts) {
            int[] context = context(text);
            for (int[] label : labelTokens) {
                contexts.add(context);
                continuations.add(label);
            }
        }
        double[] flat = scorer.logLikelihoods(contexts, continuations);
        double[][] out = new double[texts.size()][labels.size()];
        for (int i = 0; i < texts.size(); i++) {
            System.arraycopy(flat, i * labels.size(), out[i], 0, labels.size());
        }
        return out;
    }

    /** The most likely label of each text. */
    public int[] predict(List<String> texts) {
        double[][] s = scores(texts);
        int[] best = new int[s.length];
        for (int i = 0; i < s.length; i++) {
            for (int k = 1; k < s[i].length; k++) {
                best[i] = s[i][k] > s[i][best[i]] ? k : best[i];
            }
        }
        return best;
    }

    public Metrics evaluate(List<Example> examples) {
        int[] predicted = predict(examples.stream().map(Example::text).toList());
        int[] truth = examples.stream().mapToInt(e -> labels.indexOf(e.label())).toArray();
        return Metrics.of(labels, truth, predicted);
    }

    /** A growable int array, for building token sequences. */
    private static final class IntList {
        private int[] a = new int[64];
        private int n;

        void add(int[] more) {
            if (n + more.length > a.length) {
                a = Arrays.copyOf(a, Math.max(2 * a.length, n + more.length));
            }
            System.arraycopy(more, 0, a, n, more.length);
            n += more.length;
        }

        int[] toArray() {
            return Arrays.copyOf(a, n);
        }
    }
}
