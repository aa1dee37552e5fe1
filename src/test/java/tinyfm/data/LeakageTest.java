package tinyfm.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tinyfm.TestData;

/** No task text may be in a pretraining corpus: the base must not have read the exam. */
public class LeakageTest {
    @TempDir
    Path dir;

    @Test
    void findsATaskTextInsideADocumentOnWordBoundariesOnly() throws IOException {
        Path task = TestData.task(dir, "t", List.of("good", "bad"), 4);
        Task t = Task.load(task.toString());
        String leaked = t.test().get(0).text();
        Path corpus = dir.resolve("c.txt");
        Files.writeString(corpus, "Some text before. " + leaked.toUpperCase().replace(".", " !! ") + " And after.\n"
                + Corpus.SEPARATOR_LINE + "\nAnother document: categorical, not \"cat\".\n");
        List<Leakage.Leak> leaks = Leakage.find(Corpus.load(corpus.toString()), List.of(t), List.of("test"), 1);
        assertEquals(1, leaks.stream().filter(l -> l.text().equals(leaked)).count(), leaks.toString());

        Path other = dir.resolve("other.txt");
        Files.writeString(other, "A category of things, and nothing from the task.\n");
        assertEquals(List.of(), Leakage.find(Corpus.load(other.toString()), List.of(t), Task.SPLITS, 1));
    }

    @Test
    void noBundledTaskTextOfAnySplitIsInAnyBundledCorpus() {
        List<Task> tasks = Task.bundled().stream().map(Task::load).toList();
        for (String corpus : corporaHere()) {
            List<Leakage.Leak> leaks = Leakage.find(Corpus.load(corpus), tasks, Task.SPLITS, Leakage.MIN_WORDS);
            assertEquals(0, leaks.size(), "task texts found in the corpus '" + corpus + "': " + describe(leaks));
        }
    }

    @Test
    void findsANearCopyThatDiffersInAFewWordsButNotAPassingResemblance() throws IOException {
        String task = "Dear friend, you have been selected to receive a free cruise to the Bahamas for two people, "
                + "reply today with your name and address to claim your prize before the offer ends on Friday";
        Path taskDir = dir.resolve("spamlike");
        Files.createDirectories(taskDir);
        for (String split : Task.SPLITS) {
            Files.writeString(taskDir.resolve(split + ".jsonl"), "{\"text\": \"" + task + "\", \"label\": \"spam\"}\n"
                    + "{\"text\": \"an ordinary note about lunch\", \"label\": \"ham\"}\n");
        }
        Task t = Task.load(taskDir.toString());
        String edited = task.replace("Dear friend", "Dear customer").replace("Bahamas", "Caribbean").replace("Friday", "Monday");
        String passing = "You have been selected to receive a free cruise, said nobody ever.";
        Path corpus = dir.resolve("mail.txt");
        Files.writeString(corpus, passing + "\n" + Corpus.SEPARATOR_LINE + "\nHi all,\n" + edited + "\nThanks\n");
        Corpus c = Corpus.load(corpus.toString());

        assertEquals(List.of(), Leakage.find(c, List.of(t), List.of("test"), Leakage.MIN_WORDS), "not contained word for word");
        List<Leakage.NearCopy> near = Leakage.nearCopies(c, List.of(t), List.of("test"));
        assertEquals(1, near.size(), near.toString());
        assertEquals(1, near.get(0).document(), "the second document holds it");

        Path clean = dir.resolve("clean.txt");
        Files.writeString(clean, passing + "\n");
        assertEquals(List.of(), Leakage.nearCopies(Corpus.load(clean.toString()), List.of(t), Task.SPLITS));
    }

    @Test
    void noBundledTaskTextOfAnySplitHasANearCopyInAnyBundledCorpus() {
        List<Task> tasks = Task.bundled().stream().map(Task::load).toList();
        for (String corpus : corporaHere()) {
            List<Leakage.NearCopy> near = Leakage.nearCopies(Corpus.load(corpus), tasks, Task.SPLITS);
            assertEquals(0, near.size(), "near-copies of task texts in the corpus '" + corpus + "': "
                    + near.stream().limit(5).map(n -> n.task() + "/" + n.split() + " in " + n.file() + " #" + n.document()
                    + String.format(" (%.0f%%)", 100 * n.share())).collect(Collectors.joining("; ")));
        }
    }

    /** The committed corpora, and those datasets/prepare has built on this machine (broad-xl). */
    private static List<String> corporaHere() {
        List<String> names = new java.util.ArrayList<>(Corpus.BUNDLED);
        Corpus.PREPARED.stream().filter(n -> Files.isDirectory(tinyfm.util.Home.datasets().resolve(n))).forEach(names::add);
        return names;
    }

    private static String describe(List<Leakage.Leak> leaks) {
        return leaks.stream().limit(10).map(l -> l.task() + "/" + l.split() + ": " + l.text()).collect(Collectors.joining("; "));
    }
}
