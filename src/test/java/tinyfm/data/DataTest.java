package tinyfm.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tinyfm.TestData;
import tinyfm.util.UserError;

class DataTest {
    @TempDir
    Path dir;

    private String errorOf(Runnable r) {
        return assertThrows(UserError.class, r::run).getMessage();
    }

    @Test
    void corpusReadsPlainGzippedAndFolders() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("books"));
        Files.writeString(folder.resolve("a.txt"), "First book.\r\nLine two.\n");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(folder.resolve("b.txt.gz")))) {
            out.write("Second book, gzipped. ✓".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        Files.writeString(folder.resolve("ignored.md"), "not text for the corpus");
        Corpus c = Corpus.load(folder.toString());
        assertEquals(2, c.documents().size());
        assertEquals("First book.\nLine two.\n", c.documents().get(0).text());
        assertEquals("b", c.documents().get(1).name());
        assertEquals("Second book, gzipped. ✓", c.documents().get(1).text());
    }

    @Test
    void aFileOfManyDocumentsSplitsAtADocumentBoundaryAndDropsTheSeparators() throws Exception {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            sb.append(i == 0 ? "" : "\n" + Corpus.SEPARATOR_LINE + "\n").append("Review number ").append(i).append(". It was fine.");
        }
        Path file = dir.resolve("reviews.txt");
        Files.writeString(file, sb + "\n");
        Corpus c = Corpus.load(file.toString());
        assertEquals(1, c.documents().size());
        assertEquals(100, c.documentCount());
        Corpus.Split s = c.split();
        assertEquals(100, s.train().size() + s.validation().size(), "every document whole, on one side");
        assertTrue(s.validation().size() >= 3 && s.validation().size() <= 7, "about 5% held out: " + s.validation().size());
        assertTrue(s.validation().get(0).startsWith("Review number " + s.train().size() + "."), s.validation().get(0));
        assertTrue(s.train().stream().noneMatch(d -> d.contains(Corpus.SEPARATOR_LINE)));
        assertTrue(s.validation().stream().noneMatch(d -> d.contains(Corpus.SEPARATOR_LINE)));
    }

    @Test
    void splitHoldsOutTheEndOfEveryDocument() throws Exception {
        Corpus c = Corpus.load(TestData.corpus(dir, 400).toString());
        Corpus.Split s = c.split();
        String text = c.documents().get(0).text();
        assertEquals(text, s.train().get(0) + s.validation().get(0));
        double fraction = (double) s.validation().get(0).length() / text.length();
        assertTrue(fraction > 0.03 && fraction < 0.07, "validation fraction " + fraction);
    }

    @Test
    void badCorporaGetOneLineErrors() throws Exception {
        assertTrue(errorOf(() -> Corpus.load(dir.resolve("nope.txt").toString())).contains("not found"));
        Files.writeString(dir.resolve("empty.txt"), "  \n");
        assertTrue(errorOf(() -> Corpus.load(dir.resolve("empty.txt").toString())).contains("empty"));
        Files.write(dir.resolve("latin1.txt"), new byte[] {'c', 'a', 'f', (byte) 0xE9});
        assertTrue(errorOf(() -> Corpus.load(dir.resolve("latin1.txt").toString())).contains("not valid UTF-8"));
        Files.write(dir.resolve("binary.txt"), new byte[] {1, 2, 0, 3});
        assertTrue(errorOf(() -> Corpus.load(dir.resolve("binary.txt").toString())).contains("binary"));
        Files.write(dir.resolve("fake.txt.gz"), new byte[] {'n', 'o', 'p', 'e'});
        assertTrue(errorOf(() -> Corpus.load(dir.resolve("fake.txt.gz").toString())).contains("gzip"));
        Files.createDirectories(dir.resolve("nothing"));
        assertTrue(errorOf(() -> Corpus.load(dir.resolve("nothing").toString())).contains("no .txt"));
    }

    @Test
    void taskLoadsLabelsAndSplits() throws Exception {
        Task t = Task.load(TestData.task(dir, "t", List.of("no", "yes", "maybe"), 8).toString());
        assertEquals(List.of("maybe", "no", "yes"), t.labels());
        assertEquals(24, t.train().size());
        assertEquals(6, t.test().size());
        assertEquals(1, t.labelIndex("no"));
    }

    @Test
    void taskLabelsMayBeNumbers() throws Exception {
        Path t = TestData.task(dir, "n", List.of("a", "b"), 2);
        Files.writeString(t.resolve("train.jsonl"), "{\"text\": \"x\", \"label\": 0}\n{\"text\": \"y\", \"label\": 1}\n");
        Files.writeString(t.resolve("val.jsonl"), "{\"text\": \"x\", \"label\": 1}\n");
        Files.writeString(t.resolve("test.jsonl"), "{\"text\": \"x\", \"label\": 0}\n");
        assertEquals(List.of("0", "1"), Task.load(t.toString()).labels());
    }

    @Test
    void badTasksGetOneLineErrorsWithFileAndLine() throws Exception {
        assertTrue(errorOf(() -> Task.load(dir.resolve("missing").toString())).contains("task folder not found"));
        Path t = TestData.task(dir, "bad", List.of("a", "b"), 4);
        Files.delete(t.resolve("val.jsonl"));
        assertTrue(errorOf(() -> Task.load(t.toString())).contains("val.jsonl: missing"));

        Path j = TestData.task(dir, "json", List.of("a", "b"), 4);
        Files.writeString(j.resolve("train.jsonl"), "{\"text\": \"ok\", \"label\": \"a\"}\n{\"text\": \"ok\", \"label\": \"b\"}\n{not json\n");
        String e = errorOf(() -> Task.load(j.toString()));
        assertTrue(e.contains("train.jsonl:3: not valid JSON"), e);

        Files.writeString(j.resolve("train.jsonl"), "{\"text\": \"ok\"}\n");
        assertTrue(errorOf(() -> Task.load(j.toString())).contains("train.jsonl:1: missing \"label\""));
        Files.writeString(j.resolve("train.jsonl"), "{\"label\": \"a\"}\n");
        assertTrue(errorOf(() -> Task.load(j.toString())).contains("missing \"text\""));

        Files.writeString(j.resolve("train.jsonl"), "{\"text\": \"x\", \"label\": \"a\"}\n{\"text\": \"y\", \"label\": \"a\"}\n");
        assertTrue(errorOf(() -> Task.load(j.toString())).contains("only one label"));

        Files.writeString(j.resolve("train.jsonl"), "{\"text\": \"x\", \"label\": \"a\"}\n{\"text\": \"y\", \"label\": \"b\"}\n");
        Files.writeString(j.resolve("test.jsonl"), "{\"text\": \"x\", \"label\": \"c\"}\n");
        assertTrue(errorOf(() -> Task.load(j.toString())).contains("test.jsonl: label 'c'"));

        Files.writeString(j.resolve("test.jsonl"), "");
        assertTrue(errorOf(() -> Task.load(j.toString())).contains("empty"));
    }

    @Test
    void bundledDataIsIntact() {
        assertTrue(BundledData.verify().stream().allMatch(BundledData.Check::ok));
        Task sentiment = Task.load("sentiment");
        assertEquals(List.of("negative", "positive"), sentiment.labels());
        assertEquals(3000, sentiment.train().size() + sentiment.validation().size() + sentiment.test().size());
        Task spam = Task.load("spam");
        assertEquals(2000, spam.train().size() + spam.validation().size() + spam.test().size());
    }
}
