package tinyfm.base;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tinyfm.TestData;
import tinyfm.model.Gpt;
import tinyfm.model.GptConfig;
import tinyfm.tokenizer.Tokenizer;
import tinyfm.tokenizer.Tokenizers;
import tinyfm.util.UserError;

class ModelFileTest {
    @TempDir
    Path dir;

    Path saveTiny(ModelFile.Kind kind) {
        Tokenizer tok = Tokenizers.train("bpe", List.of(TestData.corpusText(200, 3)), 280);
        GptConfig cfg = new GptConfig(tok.vocabSize(), 8, 1, 1, 8, 0);
        Gpt gpt = new Gpt(cfg);
        gpt.parameters().initialize(1);
        Path file = dir.resolve(kind.id() + ".tfm");
        new ModelFile(kind, cfg, tok, gpt.parameters().values(), new JsonObject(), Map.of()).save(file);
        return file;
    }

    String error(Path file) {
        UserError e = assertThrows(UserError.class, () -> ModelFile.load(file));
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), "one line");
        return e.getMessage();
    }

    @Test
    void roundTripsAndIsByteStable() throws Exception {
        Path a = saveTiny(ModelFile.Kind.BASE);
        byte[] first = Files.readAllBytes(a);
        ModelFile m = ModelFile.load(a);
        assertEquals(ModelFile.Kind.BASE, m.kind());
        m.save(a);
        assertTrue(Arrays.equals(first, Files.readAllBytes(a)), "saving the same model twice gives the same bytes");
    }

    @Test
    void corruptTruncatedAndForeignFilesAreRejected() throws Exception {
        Path good = saveTiny(ModelFile.Kind.BASE);
        byte[] bytes = Files.readAllBytes(good);

        Path truncated = dir.resolve("truncated.tfm");
        Files.write(truncated, Arrays.copyOf(bytes, bytes.length / 2));
        assertTrue(error(truncated).contains("corrupt") || error(truncated).contains("truncated"));

        Path flipped = dir.resolve("flipped.tfm");
        byte[] copy = bytes.clone();
        int at = indexOf(copy, "weights.nd4j".getBytes()) + 200; // inside the stored weights
        copy[at] ^= 0x5A;
        Files.write(flipped, copy);
        assertTrue(error(flipped).contains("corrupt"), error(flipped));

        Path text = dir.resolve("notes.txt");
        Files.writeString(text, "hello, I am not a model");
        assertTrue(error(text).contains("not a tinyfm model file"));

        assertTrue(error(dir.resolve("missing.tfm")).contains("not found"));
    }

    @Test
    void wrongKindNamesWhatTheFileIs() {
        Path ft = saveTiny(ModelFile.Kind.FINETUNED);
        UserError e = assertThrows(UserError.class, () -> ModelFile.load(ft, ModelFile.Kind.BASE, "use a base"));
        assertTrue(e.getMessage().contains("is a fine-tuned model, not a pretrained base"), e.getMessage());
        assertThrows(UserError.class, () -> Bases.loadLanguageModel(ft));
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        int last = -1;
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            last = i; // the local header comes first; any occurrence is fine
            break;
        }
        return last;
    }
}
