package tinyfm.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tinyfm.TestData;
import tinyfm.util.Sha256;
import tinyfm.util.UserError;

/** A corpus is read one file at a time: the heap holds its largest file, not all of it, and nothing it computes changes. */
class CorpusTest {
    @TempDir
    Path dir;

    @Test
    void theHeapMustHoldTheLargestFileNotTheWholeCorpus() throws Exception {
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Path f = dir.resolve("part-" + i + ".txt");
            Files.writeString(f, "x".repeat(1 << 20));
            files.add(f);
        }
        long heap = 10L << 20; // 8 MB per 1 MB file fits; 24 MB for all three would not
        assertEquals(1 << 20, Corpus.checkFitsInMemory(dir, files, heap));
        Path big = dir.resolve("big.txt");
        Files.writeString(big, "y".repeat(2 << 20));
        files.add(big);
        UserError e = assertThrows(UserError.class, () -> Corpus.checkFitsInMemory(dir, files, heap));
        assertTrue(e.getMessage().startsWith(big.toString()) && e.getMessage().contains("split it into smaller files"), e.getMessage());
    }

    @Test
    void aCorpusKeepsNoTextYetHashesCountsAndSplitsAsWhenItHeldAll() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("corpus"));
        Files.writeString(folder.resolve("a.txt"), TestData.corpusText(300, 1));
        Files.writeString(folder.resolve("b.txt"), TestData.corpusText(200, 2) + Corpus.SEPARATOR + TestData.corpusText(100, 3));
        Corpus c = Corpus.load(folder.toString());
        assertTrue(c.documents().stream().allMatch(d -> d.heldText() == null), "file-backed documents are read again when asked for");
        List<String> namesAndTexts = new ArrayList<>();
        c.documents().forEach(d -> {
            namesAndTexts.add(d.name());
            namesAndTexts.add(d.text());
        });
        assertEquals(Sha256.ofTexts(namesAndTexts), c.sha256(), "the hash checkpoints and token caches were made with");
        assertEquals(3, c.documentCount());
        Corpus.Split whole = c.split();
        List<String> train = new ArrayList<>(), val = new ArrayList<>();
        c.forEachFile(s -> {
            train.addAll(s.train());
            val.addAll(s.validation());
        });
        assertEquals(whole.train(), train);
        assertEquals(whole.validation(), val);
    }

    @Test
    void aTokenizerLearnsFromEveryKthTrainingDocumentOfACorpusTooLargeForIt() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("many"));
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            text.append(i == 0 ? "" : Corpus.SEPARATOR).append("Document ").append(i).append(". ").append(TestData.corpusText(5, i));
        }
        Files.writeString(folder.resolve("docs.txt"), text.toString());
        Corpus c = Corpus.load(folder.toString());
        assertNull(c.tokenizerSample().description(), "a corpus under the cap: every training document");
        assertEquals(c.split().train(), c.tokenizerSample().texts());
        long trainBytes = Math.round(c.utf8Bytes() * (1 - Corpus.VALIDATION_FRACTION));
        Corpus.TokenizerSample sample = c.tokenizerSample(trainBytes / 3 + 1);
        List<String> all = c.split().train();
        assertEquals(java.util.stream.IntStream.range(0, all.size()).filter(i -> i % 3 == 0).mapToObj(all::get).toList(), sample.texts(),
                "a little under three times the cap: one in every 3, from the first");
        assertTrue(sample.description().startsWith("one training document in every 3, from the first: "), sample.description());
    }
}
