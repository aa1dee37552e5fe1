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
        List<Task> tasks = Task.BUNDLED.stream().map(Task::load).toList();
        for (String corpus : Corpus.BUNDLED) {
            List<Leakage.Leak> leaks = Leakage.find(Corpus.load(corpus), tasks, Task.SPLITS, Leakage.MIN_WORDS);
            assertEquals(0, leaks.size(), "task texts found in the corpus '" + corpus + "': " + describe(leaks));
        }
    }

    private static String describe(List<Leakage.Leak> leaks) {
        return leaks.stream().limit(10).map(l -> l.task() + "/" + l.split() + ": " + l.text()).collect(Collectors.joining("; "));
    }
}
