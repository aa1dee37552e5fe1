package tinyfm.pretraining;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tinyfm.TestData;
import tinyfm.base.Bases;
import tinyfm.base.ModelFile;
import tinyfm.cli.CliTest;
import tinyfm.data.Corpus;
import tinyfm.tokenizer.Tokenizer;

/** A corpus is encoded once: the cached, memory-mapped tokens are the tokens encoded in memory, id for id, split for split. */
class TokenDataTest {
    @TempDir
    Path dir;

    static void assertSameTokens(TokenData a, TokenData b) {
        for (var pair : List.of(List.of(a.train(), b.train()), List.of(a.validation(), b.validation()))) {
            TokenData.Tokens x = pair.get(0), y = pair.get(1);
            assertEquals(x.length(), y.length());
            for (int i = 0; i < x.length(); i++) {
                assertEquals(x.get(i), y.get(i), "token " + i);
            }
        }
        assertEquals(a.trainBytes(), b.trainBytes());
        assertEquals(a.validationBytes(), b.validationBytes());
    }

    @Test
    void theBundledCorpusCachedAndMappedIsTheCorpusEncodedInMemoryWithTheSameSplits() {
        Corpus books = Corpus.load("books");
        Tokenizer tokenizer = ModelFile.load(Bases.defaultBase()).tokenizer();
        TokenData inMemory = TokenData.encode(books, tokenizer, 128);
        TokenData.Cached cold = TokenData.cached(books, tokenizer, 128, dir.resolve("tokens"));
        TokenData.Cached warm = TokenData.cached(books, tokenizer, 128, dir.resolve("tokens"));
        assertFalse(cold.reused());
        assertTrue(warm.reused(), "the second run maps the files the first wrote");
        assertTrue(warm.data().train() instanceof TokenData.Mapped, "read through a memory map, not the heap");
        assertSameTokens(inMemory, cold.data());
        assertSameTokens(inMemory, warm.data());
        assertEquals(inMemory.trainBatch(7, 3, 4, 128).inputs().length, warm.data().trainBatch(7, 3, 4, 128).inputs().length);
        assertTrue(java.util.Arrays.equals(inMemory.trainBatch(7, 3, 4, 128).targets(), warm.data().trainBatch(7, 3, 4, 128).targets()),
                "the same (seed, step), the same batch");
    }

    /** Where datasets/prepare has built broad-xl (CI does not): the default base's corpus, hashed and split as when it was pretrained. */
    @Test
    void thePreparedCorpusHashesAndSplitsAsWhenTheDefaultBaseWasPretrainedOnIt() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(tinyfm.util.Home.datasets().resolve("broad-xl")), "broad-xl is not built here");
        ModelFile base = ModelFile.load(Bases.defaultBase());
        Corpus corpus = Corpus.load("broad-xl");
        assertEquals(base.provenance().get("corpus_sha256").getAsString(), corpus.sha256(), "the corpus the base read");
        TokenData.Cached tokens = TokenData.cached(corpus, base.tokenizer(), base.config().contextLength(), dir.resolve("tokens"));
        assertEquals(base.provenance().get("train_tokens").getAsLong(), tokens.data().train().length(), "the same training split, as many tokens");
        assertEquals(base.provenance().get("validation_tokens").getAsLong(), tokens.data().validation().length());
    }

    @Test
    void aDamagedOrPartialEntryIsEncodedAgainNotTrusted() throws Exception {
        Corpus corpus = Corpus.load(TestData.corpus(dir, 400).toString());
        Tokenizer tokenizer = ModelFile.load(Bases.defaultBase()).tokenizer();
        Path cache = dir.resolve("tokens");
        TokenData.Cached first = TokenData.cached(corpus, tokenizer, 16, cache);
        TokenData expected = TokenData.encode(corpus, tokenizer, 16);
        Path train = Files.list(cache).filter(f -> f.toString().endsWith(".train.u16")).findFirst().orElseThrow();
        Files.write(train, java.util.Arrays.copyOf(Files.readAllBytes(train), (int) Files.size(train) / 2)); // a kill mid-write of an older version
        TokenData.Cached again = TokenData.cached(corpus, tokenizer, 16, cache);
        assertFalse(again.reused(), "a file shorter than its entry says is not reused");
        assertSameTokens(expected, again.data()); // not first's: its map shows the file damaged in place
        Files.writeString(first.file(), "{not json");
        assertFalse(TokenData.cached(corpus, tokenizer, 16, cache).reused());
        assertTrue(TokenData.cached(corpus, tokenizer, 16, cache).reused(), "and then the entry is whole again");
    }

    @Test
    void aSecondPretrainingOnTheSameCorpusReusesItsTokensAndEndsWithTheSameWeights() throws Exception {
        Path corpus = dir.resolve("corpus.txt");
        Files.writeString(corpus, TestData.corpusText(1200, 11));
        String[] args = {"pretrain", "--corpus", corpus.toString(), "--preset", "tiny", "--vocab", "270", "--steps", "20", "--seed", "5"};
        CliTest.Run first = CliTest.run(concat(args, "--out", dir.resolve("a.tfm").toString()));
        CliTest.Run second = CliTest.run(concat(args, "--out", dir.resolve("b.tfm").toString()));
        assertEquals(0, first.code(), first.err());
        assertEquals(0, second.code(), second.err());
        assertTrue(second.err().contains("Tokens: reused from cache"), second.err());
        assertEquals(ModelFile.load(dir.resolve("a.tfm")).weights(), ModelFile.load(dir.resolve("b.tfm")).weights(), "bit for bit");
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
