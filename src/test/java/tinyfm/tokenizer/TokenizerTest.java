package tinyfm.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tinyfm.TestData;
import tinyfm.util.UserError;

class TokenizerTest {
    static BpeTokenizer bpe;
    static final List<String> EDGE_CASES = List.of("", " ", "\n\n\t ", "a", "hello world", "  leading and trailing  ",
            "emoji 🐳🎉👩‍👩‍👧 flags 🇬🇧", "naïve café résumé", "Ελληνικά русский 中文 日本語 한국어", "e\u0301 combining",
            "<|endoftext|> is just text here", "\u0000 nul and \u007f del", "\uFEFF bom", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 supplementary",
            "numbers 12345 67.89", "it's we'll they've I'm", "tabs\tand\r\nwindows lines");

    @BeforeAll
    static void train() {
        bpe = BpeTrainer.train(List.of(TestData.corpusText(500, 1)), 400);
    }

    @Test
    void aTokenizerTrainedOnceIsReusedForTheSameTextKindAndSize(@TempDir Path cache) {
        List<String> texts = List.of(TestData.corpusText(300, 5), "It was red.");
        Tokenizers.Cached first = Tokenizers.trainOrReuse("bpe", texts, 300, cache);
        Tokenizers.Cached second = Tokenizers.trainOrReuse("bpe", texts, 300, cache);
        assertTrue(!first.reused() && second.reused(), "trained once, then reused");
        assertEquals(first.file(), second.file());
        String probe = "The old man sat on the mat. It was red.";
        assertArrayEquals(first.tokenizer().encode(probe), second.tokenizer().encode(probe), "the same ids");
        assertTrue(!Tokenizers.trainOrReuse("bpe", texts, 310, cache).reused(), "another vocabulary size is another tokenizer");
        assertTrue(!Tokenizers.trainOrReuse("bpe", List.of(texts.get(0)), 300, cache).reused(), "other text is another tokenizer");
        assertTrue(!Tokenizers.trainOrReuse("char", texts, 300, cache).reused(), "another kind is another tokenizer");
    }

    @Test
    void bpeRoundTripsEdgeCases() {
        for (String s : EDGE_CASES) {
            assertEquals(s, bpe.decode(bpe.encode(s)), "round trip of " + s);
        }
    }

    @Test
    void bpeRoundTripsRandomUnicode() {
        SplittableRandom r = new SplittableRandom(99);
        for (int i = 0; i < 300; i++) {
            StringBuilder sb = new StringBuilder();
            int len = r.nextInt(40);
            for (int j = 0; j < len; j++) {
                int cp;
                do {
                    cp = r.nextInt(4) == 0 ? r.nextInt(0x1F000) : r.nextInt(0x80, 0x800);
                } while (Character.getType(cp) == Character.SURROGATE || !Character.isDefined(cp));
                sb.appendCodePoint(r.nextInt(3) == 0 ? ' ' : cp);
            }
            String s = sb.toString();
            assertEquals(s, bpe.decode(bpe.encode(s)));
        }
    }

    @Test
    void bpeLearnsMergesThatCompressText() {
        String text = TestData.corpusText(50, 5);
        int tokens = bpe.encode(text).length;
        assertTrue(tokens < text.length() / 3, "expected at least 3 bytes per token, got " + tokens + " tokens for " + text.length() + " chars");
        assertTrue(bpe.merges() > 20, "merges: " + bpe.merges());
    }

    @Test
    void bpeTrainingIsDeterministic() {
        BpeTokenizer again = BpeTrainer.train(List.of(TestData.corpusText(500, 1)), 400);
        assertEquals(bpe.toJson(), again.toJson());
    }

    @Test
    void savedTokenizerLoadsIdentical(@TempDir Path dir) {
        Path file = dir.resolve("tok.json");
        Tokenizers.save(bpe, file);
        Tokenizer loaded = Tokenizers.load(file);
        String text = "The dog ran to the river 🐳";
        assertArrayEquals(bpe.encode(text), loaded.encode(text));
        assertEquals(bpe.vocabSize(), loaded.vocabSize());
    }

    @Test
    void specialTokensSitAtTheEnd() {
        assertEquals(bpe.vocabSize() - 3, bpe.endOfText());
        assertEquals("<|endoftext|>", bpe.decode(new int[] {bpe.endOfText()}));
        assertEquals(0, bpe.byteLength(bpe.cls()));
        int[] ids = bpe.encode("<|endoftext|>");
        assertTrue(ids.length > 1, "special token text in user input must not become the special token");
    }

    @Test
    void charTokenizerRoundTripsItsAlphabetAndMarksUnknowns() {
        CharTokenizer c = CharTokenizer.train(List.of("abc 🐳\n"));
        assertEquals("cab 🐳\n", c.decode(c.encode("cab 🐳\n")));
        assertEquals(6 + 3 + 1, c.vocabSize());
        assertEquals("a" + CharTokenizer.UNKNOWN, c.decode(c.encode("az")));
        CharTokenizer loaded = (CharTokenizer) Tokenizers.fromJson(c.toJson(), "test");
        assertArrayEquals(c.encode("abc"), loaded.encode("abc"));
    }

    @Test
    void badTokenizerFileGetsClearError(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bad.json");
        Files.writeString(file, "{\"kind\": \"bpe\", \"merges\": [[999, 3]]}");
        UserError e = assertThrows(UserError.class, () -> Tokenizers.load(file));
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        assertThrows(UserError.class, () -> Tokenizers.load(dir.resolve("missing.json")));
    }
}
