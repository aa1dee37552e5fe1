package tinyfm.interop;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import tinyfm.tokenizer.Tokenizer;
import tinyfm.util.UserError;

/**
 * tinyfm's byte-level BPE in Hugging Face's {@code tokenizer.json} format, and back. The two agree
 * on the method: GPT-2's pre-tokenizing regex, then merges applied lowest rank first within each
 * word. Hugging Face writes each byte as a printable character (GPT-2's byte-to-unicode table:
 * a space is "Ġ"), so a token is the string of its bytes' characters; tinyfm's ids stay as they are:
 * the 256 bytes in byte order, then one id per merge, then the special tokens.
 */
final class HfTokenizer {
    private HfTokenizer() {}

    /** GPT-2's printable character for each byte: the printable ones stand for themselves, the rest are shifted past 255. */
    static final char[] BYTE_CHAR = new char[256];

    static {
        int shifted = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            BYTE_CHAR[b] = printable ? (char) b : (char) (256 + shifted++);
        }
    }

    static String printable(byte[] bytes) {
        StringBuilder s = new StringBuilder();
        for (byte b : bytes) {
            s.append(BYTE_CHAR[b & 0xff]);
        }
        return s.toString();
    }

    /** The tokenizer.json of a BPE tokenizer with these merges (merge i makes id 256 + i). */
    static JsonObject toJson(int[][] merges) {
        byte[][] bytesOf = new byte[256 + merges.length][];
        for (int b = 0; b < 256; b++) {
            bytesOf[b] = new byte[] {(byte) b};
        }
        JsonObject vocab = new JsonObject();
        for (int b = 0; b < 256; b++) {
            vocab.addProperty(printable(bytesOf[b]), b);
        }
        JsonArray mergeList = new JsonArray();
        for (int i = 0; i < merges.length; i++) {
            byte[] left = bytesOf[merges[i][0]], right = bytesOf[merges[i][1]];
            byte[] joined = new byte[left.length + right.length];
            System.arraycopy(left, 0, joined, 0, left.length);
            System.arraycopy(right, 0, joined, left.length, right.length);
            bytesOf[256 + i] = joined;
            String token = printable(joined);
            if (vocab.has(token)) {
                throw new UserError("merge " + i + " makes '" + new String(joined, StandardCharsets.UTF_8)
                        + "' a second time; tokenizer.json can give a token only one id");
            }
            vocab.addProperty(token, 256 + i);
            mergeList.add(printable(left) + " " + printable(right));
        }
        JsonArray added = new JsonArray();
        List<String> specials = Tokenizer.SPECIALS;
        for (int s = 0; s < specials.size(); s++) {
            JsonObject t = new JsonObject();
            t.addProperty("id", 256 + merges.length + s);
            t.addProperty("content", specials.get(s));
            t.addProperty("single_word", false);
            t.addProperty("lstrip", false);
            t.addProperty("rstrip", false);
            t.addProperty("normalized", false);
            t.addProperty("special", true);
            added.add(t);
            vocab.addProperty(specials.get(s), 256 + merges.length + s);
        }
        JsonObject model = new JsonObject();
        model.addProperty("type", "BPE");
        model.add("dropout", JsonNull.INSTANCE);
        model.add("unk_token", JsonNull.INSTANCE);
        model.add("continuing_subword_prefix", JsonNull.INSTANCE);
        model.add("end_of_word_suffix", JsonNull.INSTANCE);
        model.addProperty("fuse_unk", false);
        model.addProperty("byte_fallback", false);
        model.add("vocab", vocab);
        model.add("merges", mergeList);
        JsonObject json = new JsonObject();
        json.addProperty("version", "1.0");
        json.add("truncation", JsonNull.INSTANCE);
        json.add("padding", JsonNull.INSTANCE);
        json.add("added_tokens", added);
        json.add("normalizer", JsonNull.INSTANCE);
        json.add("pre_tokenizer", byteLevel());
        JsonObject post = byteLevel();
        post.addProperty("trim_offsets", false);
        json.add("post_processor", post);
        json.add("decoder", byteLevel());
        json.add("model", model);
        return json;
    }

    /** tokenizer_config.json: which tokenizer class reads tokenizer.json, and tinyfm's special tokens by role. */
    static JsonObject config(int contextLength) {
        JsonObject c = new JsonObject();
        c.addProperty("tokenizer_class", "GPT2Tokenizer");
        c.addProperty("bos_token", Tokenizer.END_OF_TEXT);
        c.addProperty("eos_token", Tokenizer.END_OF_TEXT);
        c.addProperty("pad_token", Tokenizer.PAD);
        c.addProperty("add_prefix_space", false);
        c.addProperty("model_max_length", contextLength);
        c.addProperty("clean_up_tokenization_spaces", false);
        return c;
    }

    /** GPT-2's pre-tokenizer and decoder: the word-splitting regex, no space added in front. */
    private static JsonObject byteLevel() {
        JsonObject b = new JsonObject();
        b.addProperty("type", "ByteLevel");
        b.addProperty("add_prefix_space", false);
        b.addProperty("trim_offsets", true);
        b.addProperty("use_regex", true);
        return b;
    }

    /** The merges of a tokenizer.json, as ids; one that tinyfm cannot run as it is written is refused in one line naming the file. */
    static int[][] merges(JsonObject json, String source) {
        try {
            JsonObject model = json.getAsJsonObject("model");
            if (!"BPE".equals(model.get("type").getAsString()) || !"ByteLevel".equals(json.getAsJsonObject("pre_tokenizer").get("type").getAsString())) {
                throw new UserError(source + ": not a byte-level BPE tokenizer; tinyfm imports GPT-2-style byte-level BPE only");
            }
            Map<Character, Integer> byteOf = new HashMap<>();
            for (int b = 0; b < 256; b++) {
                byteOf.put(BYTE_CHAR[b], b);
            }
            JsonObject vocab = model.getAsJsonObject("vocab");
            for (int b = 0; b < 256; b++) {
                JsonElement id = vocab.get(String.valueOf(BYTE_CHAR[b]));
                if (id == null || id.getAsInt() != b) {
                    throw new UserError(source + ": byte " + b + " is not token " + b + "; tinyfm's ids start with the 256 bytes in order");
                }
            }
            JsonArray list = model.getAsJsonArray("merges");
            int[][] merges = new int[list.size()][];
            for (int i = 0; i < merges.length; i++) {
                JsonElement m = list.get(i);
                String left, right;
                if (m.isJsonArray()) {
                    left = m.getAsJsonArray().get(0).getAsString();
                    right = m.getAsJsonArray().get(1).getAsString();
                } else {
                    String[] parts = m.getAsString().split(" ", 2);
                    left = parts[0];
                    right = parts[1];
                }
                JsonElement l = vocab.get(left), r = vocab.get(right), joined = vocab.get(left + right);
                if (l == null || r == null || joined == null || joined.getAsInt() != 256 + i) {
                    throw new UserError(source + ": merge " + i + " ('" + left + "' + '" + right + "') does not make token " + (256 + i)
                            + "; tinyfm's ids give each merge the next id");
                }
                merges[i] = new int[] {l.getAsInt(), r.getAsInt()};
            }
            for (int s = 0; s < Tokenizer.SPECIALS.size(); s++) {
                JsonElement id = vocab.get(Tokenizer.SPECIALS.get(s));
                if (id == null || id.getAsInt() != 256 + merges.length + s) {
                    throw new UserError(source + ": special token " + Tokenizer.SPECIALS.get(s) + " is not id " + (256 + merges.length + s));
                }
            }
            return merges;
        } catch (UserError e) {
            throw e;
        } catch (RuntimeException e) {
            throw new UserError(source + ": not a tokenizer.json tinyfm can read (" + e.getClass().getSimpleName() + ")");
        }
    }
}
