package tinyfm.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tinyfm.TestData;
import tinyfm.base.Bases;
import tinyfm.base.ModelFile;
import tinyfm.cli.CliTest;
import tinyfm.model.Gpt;
import tinyfm.util.UserError;

/** A base crosses into GPT-2's layout and back unchanged; a folder tinyfm cannot run is refused in one line. */
class Gpt2FolderTest {
    @TempDir
    static Path dir;
    static Path base, exported;

    @BeforeAll
    static void exportATinyBase() throws Exception {
        base = TestData.tinyBase(Files.createDirectories(dir.resolve("base")), 10);
        exported = dir.resolve("exported");
        CliTest.Run r = CliTest.run("export", base.toString(), exported.toString());
        assertEquals(0, r.code(), r.err());
    }

    @Test
    void exportThenImportGivesIdenticalLogitsAndTokenIds() {
        Path back = dir.resolve("back.tfm");
        CliTest.Run r = CliTest.run("import", exported.toString(), "--out", back.toString());
        assertEquals(0, r.code(), r.err());
        ModelFile a = ModelFile.load(base), b = ModelFile.load(back);
        assertEquals(a.config(), b.config());
        for (String text : List.of("It was red. It was blue.", "Naïve café, 3 × 4 = 12!\n\tDone <|endoftext|>")) {
            assertArrayEquals(a.tokenizer().encode(text), b.tokenizer().encode(text), text);
        }
        Gpt ga = Bases.languageModel(a, base), gb = Bases.languageModel(b, back);
        int[] tokens = a.tokenizer().encode("It was red. It was blue. It was red.");
        float[] la = tinyfm.engine.OffHeap.toFloats(ga.logits(tokens, 1, tokens.length)), lb = tinyfm.engine.OffHeap.toFloats(gb.logits(tokens, 1, tokens.length));
        assertArrayEquals(la, lb, 0f, "the same weights give the same logits to the bit");
        JsonObject provenance = b.provenance();
        assertTrue(provenance.getAsJsonObject("imported_files").has("model.safetensors"), provenance.toString());
        assertEquals(tinyfm.util.Sha256.ofFile(base), provenance.get("exported_from_base_sha256").getAsString());
    }

    @Test
    void theFolderHoldsGpt2sNamesAConfigATokenizerAndACard() throws Exception {
        Map<String, Safetensors.Tensor> tensors = Safetensors.read(exported.resolve("model.safetensors"));
        ModelFile a = ModelFile.load(base);
        int c = a.config().embedDim();
        assertArrayEquals(new long[] {a.config().vocabSize(), c}, tensors.get("transformer.wte.weight").shape());
        assertArrayEquals(new long[] {c, 3L * c}, tensors.get("transformer.h.0.attn.c_attn.weight").shape(), "Conv1D's [in, out]");
        assertTrue(tensors.containsKey("transformer.ln_f.bias") && !tensors.containsKey("lm_head.weight"), tensors.keySet().toString());
        byte[] raw = Files.readAllBytes(exported.resolve("model.safetensors"));
        long headerLength = java.nio.ByteBuffer.wrap(raw, 0, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, headerLength % 8, "the data starts 8-byte aligned");
        JsonObject config = JsonParser.parseString(Files.readString(exported.resolve("config.json"))).getAsJsonObject();
        assertEquals("quick_gelu", config.get("activation_function").getAsString());
        assertTrue(config.get("tie_word_embeddings").getAsBoolean());
        assertEquals(a.config().layers(), config.get("n_layer").getAsInt());
        JsonObject tok = JsonParser.parseString(Files.readString(exported.resolve("tokenizer.json"))).getAsJsonObject();
        assertTrue(tok.has("normalizer") && tok.get("normalizer").isJsonNull(), "a key that is null is written: transformers.js requires it");
        assertTrue(Files.exists(exported.resolve("tokenizer_config.json")), "the tokenizer class for AutoTokenizer");
        JsonObject vocab = tok.getAsJsonObject("model").getAsJsonObject("vocab");
        assertEquals(65, vocab.get("A").getAsInt(), "a printable byte stands for itself");
        assertEquals(32, vocab.get("\u0120").getAsInt(), "a space is written Ġ, as GPT-2 writes it");
        String card = Files.readString(exported.resolve("README.md"));
        assertTrue(card.contains("sha256") && card.contains("What it is not good for") && card.contains("quick_gelu"), card);
    }

    static Path copyOfExport(String name) throws Exception {
        Path copy = dir.resolve(name);
        Files.createDirectories(copy);
        for (String f : List.of("model.safetensors", "config.json", "tokenizer.json")) {
            Files.copy(exported.resolve(f), copy.resolve(f));
        }
        return copy;
    }

    static String refused(Path folder) {
        CliTest.Run r = CliTest.run("import", folder.toString(), "--out", dir.resolve("refused.tfm").toString());
        assertEquals(1, r.code(), r.out());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(!Files.exists(dir.resolve("refused.tfm")), "nothing written");
        return r.err();
    }

    @Test
    void anArchitectureTinyfmCannotRunIsRefusedInOneLine() throws Exception {
        Path gelu = copyOfExport("gelu");
        Files.writeString(gelu.resolve("config.json"), Files.readString(gelu.resolve("config.json")).replace("quick_gelu", "gelu_new"));
        assertTrue(refused(gelu).contains("config.json: activation_function is 'gelu_new'"));

        Path untied = copyOfExport("untied");
        Map<String, Safetensors.Tensor> tensors = new LinkedHashMap<>(Safetensors.read(untied.resolve("model.safetensors")));
        Safetensors.Tensor wte = tensors.get("transformer.wte.weight");
        float[] other = wte.values().clone();
        other[0] += 1;
        tensors.put("lm_head.weight", new Safetensors.Tensor(wte.shape(), other));
        Safetensors.write(untied.resolve("model.safetensors"), tensors, Map.of());
        assertTrue(refused(untied).contains("lm_head.weight differs from transformer.wte.weight"));

        Path missing = copyOfExport("missing");
        tensors = new LinkedHashMap<>(Safetensors.read(missing.resolve("model.safetensors")));
        tensors.remove("transformer.h.0.mlp.c_fc.bias");
        Safetensors.write(missing.resolve("model.safetensors"), tensors, Map.of());
        assertTrue(refused(missing).contains("has no tensor transformer.h.0.mlp.c_fc.bias"));

        Path shape = copyOfExport("shape");
        Files.writeString(shape.resolve("config.json"), Files.readString(shape.resolve("config.json")).replaceFirst("\"n_positions\": \\d+", "\"n_positions\": 8"));
        assertTrue(refused(shape).contains("tensor transformer.wpe.weight has shape"));

        Path damaged = copyOfExport("damaged");
        byte[] raw = Files.readAllBytes(damaged.resolve("model.safetensors"));
        Files.write(damaged.resolve("model.safetensors"), java.util.Arrays.copyOf(raw, raw.length / 2));
        assertTrue(refused(damaged).contains("model.safetensors: tensor"));
    }

    @Test
    void aSafetensorsFileThatIsNotOneGetsAClearError() throws Exception {
        Path junk = dir.resolve("junk.safetensors");
        Files.writeString(junk, "hello");
        UserError e = assertThrows(UserError.class, () -> Safetensors.read(junk));
        assertTrue(e.getMessage().startsWith(junk + ": not a safetensors file"), e.getMessage());
    }
}
