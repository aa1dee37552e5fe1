package tinyfm.tokenizer;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The simplest tokenizer to teach: one token per character (Unicode code point) seen in the
 * corpus. A character it never saw becomes the unknown token, so it round-trips only text made of
 * its own alphabet; byte-level BPE has no such gap.
 */
public final class CharTokenizer implements Tokenizer {
    public static final String UNKNOWN = "<|unk|>";
    private final int[] codePoints;
    private final Map<Integer, Integer> idOf = new HashMap<>();

    public CharTokenizer(int[] codePoints) {
        this.codePoints = codePoints.clone();
        for (int i = 0; i < codePoints.length; i++) {
            if (!Character.isValidCodePoint(codePoints[i])) {
                throw new IllegalArgumentException("code point " + codePoints[i] + " is not a Unicode character");
            }
            if (idOf.put(codePoints[i], i) != null) {
                throw new IllegalArgumentException("code point " + codePoints[i] + " appears twice");
            }
        }
    }

    public static CharTokenizer train(List<String> texts) {
        TreeSet<Integer> alphabet = new TreeSet<>();
        for (String t : texts) {
            t.codePoints().forEach(alphabet::add);
        }
        return new CharTokenizer(alphabet.stream().mapToInt(Integer::intValue).toArray());
    }

    @Override
    public int[] encode(String text) {
        return text.codePoints().map(cp -> idOf.getOrDefault(cp, unknown())).toArray();
    }

    @Override
    public String decode(int[] ids) {
        StringBuilder sb = new StringBuilder();
        for (int id : ids) {
            if (id < codePoints.length) {
                sb.appendCodePoint(codePoints[id]);
            } else {
                sb.append(special(id));
            }
        }
        return sb.toString();
    }

    private String special(int id) {
        int k = id - codePoints.length;
        return k < SPECIALS.size() ? SPECIALS.get(k) : UNKNOWN;
    }

    private int unknown() {
        return codePoints.length + SPECIALS.size();
    }

    @Override
    public int vocabSize() {
        return codePoints.length + SPECIALS.size() + 1;
    }

    @Override
    public String piece(int id) {
        return id < codePoints.length ? Tokenizer.visible(new String(Character.toChars(codePoints[id]))) : special(id);
    }

    @Override
    public int byteLength(int id) {
        return id < codePoints.length ? new String(Character.toChars(codePoints[id])).getBytes(java.nio.charset.StandardCharsets.UTF_8).length : 0;
    }

    @Override
    public int endOfText() {
        return codePoints.length;
    }

    @Override
    public int pad() {
        return codePoints.length + 1;
    }

    @Override
    public int cls() {
        return codePoints.length + 2;
    }

    @Override
    public String kind() {
        return "char";
    }

    @Override
    public JsonObject toJson() {
        JsonObject json = new JsonObject();
        json.addProperty("kind", kind());
        json.addProperty("vocab_size", vocabSize());
        JsonArray cps = new JsonArray();
        for (int cp : codePoints) {
            cps.add(cp);
        }
        json.add("code_points", cps);
        return json;
    }
}
