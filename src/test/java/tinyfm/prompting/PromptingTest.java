package tinyfm.prompting;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import tinyfm.TestData;
import tinyfm.base.Bases;
import tinyfm.base.ModelFile;
import tinyfm.cli.CliTest;
import tinyfm.data.Example;
import tinyfm.generation.Scorer;
import tinyfm.model.Gpt;
import tinyfm.util.UserError;

/** Scoring continuations in batches, and classifying by prompting a base. */
class PromptingTest {
    @TempDir
    static Path dir;
    static Path base, task;
    static ModelFile model;

    @BeforeAll
    static void base() throws Exception {
        Path corpus = TestData.corpus(dir, 3000);
        base = dir.resolve("base.tfm");
        assertEquals(0, CliTest.run("pretrain", "--corpus", corpus.toString(), "--preset", "tiny", "--context", "128", "--steps", "60",
                "--vocab", "300", "--out", base.toString()).code());
        model = ModelFile.load(base);
        task = TestData.task(dir, "colours", List.of("red", "blue"), 8);
    }

    /** log P(continuation | context) from a full forward pass, one sequence at a time: the definition. */
    static double byHand(Gpt gpt, int[] context, int[] continuation) {
        int[] all = new int[context.length + continuation.length];
        System.arraycopy(context, 0, all, 0, context.length);
        System.arraycopy(continuation, 0, all, context.length, continuation.length);
        INDArray logits = gpt.logits(all, 1, all.length).dup();
        double sum = 0;
        for (int j = 0; j < continuation.length; j++) {
            INDArray row = logits.getRow(context.length + j - 1);
            double max = row.maxNumber().doubleValue();
            double logSumExp = max + Math.log(org.nd4j.linalg.ops.transforms.Transforms.exp(row.sub(max)).sumNumber().doubleValue());
            sum += row.getDouble(continuation[j]) - logSumExp;
        }
        return sum;
    }

    @Test
    void batchedScoresEqualScoringEachTextAlone() {
        Gpt gpt = Bases.languageModel(model, base);
        SplittableRandom r = new SplittableRandom(5);
        List<int[]> contexts = new ArrayList<>(), continuations = new ArrayList<>();
        for (int i = 0; i < 40; i++) { // more than one batch, of mixed lengths, so padding is exercised
            contexts.add(r.ints(1 + r.nextInt(60), 0, 300).toArray());
            continuations.add(r.ints(1 + r.nextInt(3), 0, 300).toArray());
        }
        double[] batched = new Scorer(gpt).logLikelihoods(contexts, continuations);
        for (int i = 0; i < contexts.size(); i++) {
            assertEquals(byHand(gpt, contexts.get(i), continuations.get(i)), batched[i], 1e-3, "pair " + i);
        }
    }

    @Test
    void calibrationZeroesTheContentFreeTextAndShotsShareTheWindow() {
        Gpt gpt = Bases.languageModel(model, base);
        List<String> labels = List.of("blue", "red");
        PromptClassifier calibrated = new PromptClassifier(gpt, model.tokenizer(), labels, "{text} It was", List.of(), true);
        assertArrayEquals(new double[] {0, 0}, calibrated.scores(List.of(PromptClassifier.CONTENT_FREE))[0], 1e-9);
        List<Example> shots = List.of(new Example("The cat sat on the mat.", "red"), new Example("A bird ran to the door.", "blue"));
        PromptClassifier twoShot = new PromptClassifier(gpt, model.tokenizer(), labels, "{text} It was", shots, false);
        String prompt = twoShot.prompt("My sister looked at the river.");
        assertTrue(prompt.contains("The cat sat on the mat. It was red") && prompt.contains("A bird ran to the door. It was blue")
                && prompt.endsWith("My sister looked at the river. It was"), prompt);
        assertTrue(twoShot.textBudget() < calibrated.textBudget(), "shots take their share of the window");
        assertEquals(0, PromptClassifier.shotsThatFit(model.config().contextLength(), model.tokenizer(), labels,
                "{text}" + " and so on".repeat(40), 4), "a template that fills the window leaves no room for shots");
    }

    @Test
    void labelWordsAreWhatIsScoredAndWhatFollowsEachShot() {
        Gpt gpt = Bases.languageModel(model, base);
        List<String> labels = List.of("blue", "red");
        List<Example> shots = List.of(new Example("The cat sat on the mat.", "red"), new Example("A bird ran to the door.", "blue"));
        List<String> words = Prompts.labelWords(labels, "red=crimson, blue=azure");
        assertEquals(List.of("azure", "crimson"), words, "in label order, whatever the order given");
        PromptClassifier worded = new PromptClassifier(gpt, model.tokenizer(), labels, words, "{text} It was", shots, false);
        String prompt = worded.prompt("My sister looked at the river.");
        assertTrue(prompt.contains("The cat sat on the mat. It was crimson") && prompt.contains("A bird ran to the door. It was azure"), prompt);
        // the same as a task whose labels were the words themselves
        List<Example> renamed = List.of(new Example("The cat sat on the mat.", "crimson"), new Example("A bird ran to the door.", "azure"));
        PromptClassifier named = new PromptClassifier(gpt, model.tokenizer(), words, "{text} It was", renamed, false);
        List<String> texts = List.of("My sister looked at the river.", "The dog sat by the mat.");
        for (int i = 0; i < texts.size(); i++) {
            assertArrayEquals(named.scores(texts)[i], worded.scores(texts)[i], 1e-6);
        }
        assertEquals(labels, Prompts.labelWords(labels, null), "without words, each label is its own word");
        for (String bad : new String[] {"red=crimson", "red=crimson,green=lime,blue=azure", "red:crimson,blue=azure", "red=,blue=azure"}) {
            UserError e = assertThrows(UserError.class, () -> Prompts.labelWords(labels, bad));
            assertTrue(e instanceof tinyfm.util.InvalidSetting s && s.setting().equals("label words") && !e.getMessage().contains("--"),
                    "the library names its setting, not an option: " + e.getMessage());
        }
    }

    @Test
    void classifyByPromptingScoresATaskSplit() {
        CliTest.Run r = CliTest.run("classify", "--base", base.toString(), "--task", task.toString(), "--prompt", "{text} It was", "--shots", "2");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("2-shot") && r.out().contains("colours, test split (4 texts): accuracy"), r.out());
        CliTest.Run one = CliTest.run("classify", "--base", base.toString(), "--task", task.toString(), "--calibrate", "--text", "The dog sat by the mat.");
        assertEquals(0, one.code(), one.err());
        assertTrue(one.out().matches("(?s)(red|blue) +\\(blue 0\\.\\d{3}  red 0\\.\\d{3}\\).*"), one.out());
        assertTrue(one.out().contains("calibrated log-likelihoods: blue ") && one.err().contains("softmax over the label words' log-likelihoods"),
                "prompted numbers say what they are:\n" + one.out() + one.err());
        CliTest.Run worded = CliTest.run("classify", "--base", base.toString(), "--task", task.toString(), "--label-words", "red=crimson,blue=azure");
        assertEquals(0, worded.code(), worded.err());
        assertTrue(worded.err().contains("<azure|crimson>"), "the prompt is shown on stderr: " + worded.err());
        CliTest.Run noText = CliTest.run("classify", "--base", base.toString(), "--task", task.toString(), "--prompt", "no placeholder");
        assertEquals(2, noText.code(), "a bad option value is a usage error");
        CliTest.Run tooMany = CliTest.run("classify", "--base", base.toString(), "--task", task.toString(), "--shots", "1000");
        assertEquals(2, tooMany.code());
        assertTrue(tooMany.err().contains("--shots 1000: the task's training split has only"), tooMany.err());
        assertTrue(noText.err().contains("--prompt must contain {text}"), noText.err());
    }
}
