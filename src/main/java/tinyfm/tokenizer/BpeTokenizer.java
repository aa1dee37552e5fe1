package tinyfm.tokenizer;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Byte-level byte-pair encoding. Ids 0-255 are the raw bytes, so any string can be encoded and
 * decode(encode(s)) == s always holds. Each learned merge joins two ids into a new one; the three
 * special tokens come last.
 */
public final class BpeTokenizer implements Tokenizer {
    /** Far longer than any token a corpus yields; a file that asks for more is damaged, not trained. */
    static final int MAX_TOKEN_BYTES = 1024;
    private final int[][] merges;            // merges[i] = {left, right} makes id 256 + i
    private final Map<Long, Integer> rank;   // pair -> merge index; lower merges first
    private final byte[][] bytesOf;          // the bytes each id stands for
    private final Map<String, int[]> cache = new ConcurrentHashMap<>();

    public BpeTokenizer(int[][] merges) {
        this.merges = merges;
        this.rank = new HashMap<>();
        this.bytesOf = new byte[256 + merges.length][];
        for (int b = 0; b < 256; b++) {
            bytesOf[b] = new byte[] {(byte) b};
        }
        for (int i = 0; i < merges.length; i++) {
            int left = merges[i][0], right = merges[i][1], id = 256 + i;
            if (left < 0 || right < 0 || left >= id || right >= id) {
                throw new IllegalArgumentException("merge " + i + " refers to an id not yet defined");
            }
            if (bytesOf[left].length + bytesOf[right].length > MAX_TOKEN_BYTES) {
                throw new IllegalArgumentException("merge " + i + " makes a token longer than " + MAX_TOKEN_BYTES + " bytes");
            }
            rank.put(pair(left, right), i);
            bytesOf[id] = concat(bytesOf[left], bytesOf[right]);
        }
    }

    static long pair(int left, int right) {
        return ((long) left << 32) | (right & 0xffffffffL);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    public int merges() {
        return merges.length;
    }

    @Override
    public int[] encode(String text) {
        List<String> words = PreTokenizer.split(text);
        int[][] parts = new int[words.size()][];
        int total = 0;
        for (int i = 0; i < parts.length; i++) {
            parts[i] = cache.computeIfAbsent(words.get(i), this::encodeWord);
            total += parts[i].length;
        }
        int[] ids = new int[total];
        int at = 0;
        for (int[] part : parts) {
            System.arraycopy(part, 0, ids, at, part.length);
            at += part.length;
        }
        return ids;
    }

    /** Applies the learned merges to one word, lowest rank first, exactly as they were learned. */
    private int[] encodeWord(String word) {
        byte[] bytes = word.getBytes(StandardCharsets.UTF_8);
        int[] ids = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            ids[i] = bytes[i] & 0xff;
        }
        int n = ids.length;
        while (n > 1) {
            int best = Integer.MAX_VALUE, at = -1;
            for (int i = 0; i + 1 < n; i++) {
                Integer r = rank.get(pair(ids[i], ids[i + 1]));
                if (r != null && r < best) {
                    best = r;
                    at = i;
                }
            }
            if (at < 0) {
                break;
            }
            int merged = 256 + best, w = 0;
            for (int i = 0; i < n; i++) {
                if (i + 1 < n && ids[i] == merges[best][0] && ids[i + 1] == merges[best][1]) {
                    ids[w++] = merged;
                    i++;
                } else {
                    ids[w++] = ids[i];
                }
            }
            n = w;
        }
        return Arrays.copyOf(ids, n);
    }

    @Override
    public String decode(int[] ids) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int id : ids) {
            if (id < bytesOf.length) {
                out.writeBytes(bytesOf[id]);
            } else {
                out.writeBytes(SPECIALS.get(id - bytesOf.length).getBytes(StandardCharsets.UTF_8));
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Override
    public int vocabSize() {
        return bytesOf.length + SPECIALS.size();
    }

    @Override
    public String piece(int id) {
        if (id >= bytesOf.length) {
            return SPECIALS.get(id - bytesOf.length);
        }
        byte[] b = bytesOf[id];
        String s = new String(b, StandardCharsets.UTF_8);
        if (s.contains("\uFFFD")) { // part of a multi-byte character: show the bytes
            StringBuilder hex = new StringBuilder();
            for (byte x : b) {
                hex.append(String.format("<%02X>", x & 0xff));
            }
            return hex.toString();
        }
        return Tokenizer.visible(s);
    }

    @Override
    public int byteLength(int id) {
        return id < bytesOf.length ? bytesOf[id].length : 0;
    }

    @Override
    public int endOfText() {
        return bytesOf.length;
    }

    @Override
    public int pad() {
        return bytesOf.length + 1;
    }

    @Override
    public int cls() {
        return bytesOf.length + 2;
    }

    @Override
    public String kind() {
        return "bpe";
    }

    @Override
    public JsonObject toJson() {
        JsonObject json = new JsonObject();
        json.addProperty("kind", kind());
        json.addProperty("vocab_size", vocabSize());
        JsonArray specials = new JsonArray();
        SPECIALS.forEach(specials::add);
        json.add("specials", specials);
        JsonArray list = new JsonArray();
        for (int[] m : merges) {
            JsonArray p = new JsonArray();
            p.add(m[0]);
            p.add(m[1]);
            list.add(p);
        }
        json.add("merges", list);
        return json;
    }
}
