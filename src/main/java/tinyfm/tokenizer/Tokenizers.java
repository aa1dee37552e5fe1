package tinyfm.tokenizer;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import tinyfm.util.AtomicFiles;
import tinyfm.util.Json;
import tinyfm.util.InvalidSetting;
import tinyfm.util.UserError;

/** Training, saving and loading tokenizers as JSON. */
public final class Tokenizers {
    public static final int DEFAULT_VOCAB = 2048;

    private Tokenizers() {}

    public static Tokenizer train(String kind, List<String> texts, int vocabSize) {
        return switch (kind) {
            case "bpe" -> BpeTrainer.train(texts, vocabSize);
            case "char" -> CharTokenizer.train(texts);
            default -> throw new InvalidSetting("tokenizer kind", "'" + kind + "' is unknown; use bpe or char");
        };
    }

    /**
     * The version of tokenizer training the cache holds: change it when {@link BpeTrainer} or
     * {@link CharTokenizer#train} would learn something else from the same text, so old entries are not reused.
     */
    static final int CACHE_VERSION = 1;

    /** A tokenizer, the cache file that holds it, and whether it came from the cache rather than from training. */
    public record Cached(Tokenizer tokenizer, Path file, boolean reused) {}

    /**
     * Training is deterministic, so a tokenizer trained on the same texts with the same kind and
     * vocabulary size is the same tokenizer: reuse it from {@code cacheDir} (named by the texts'
     * sha256), or train it and keep it there for next time, as nanoGPT prepares its data once.
     */
    public static Cached trainOrReuse(String kind, List<String> texts, int vocabSize, Path cacheDir) {
        Path file = cacheDir.resolve(kind + "-" + vocabSize + "-v" + CACHE_VERSION + "-" + tinyfm.util.Sha256.ofTexts(texts) + ".json");
        if (Files.exists(file)) {
            try {
                return new Cached(load(file), file, true);
            } catch (UserError damaged) {
                // a damaged cache entry is trained again and replaced
            }
        }
        Tokenizer tokenizer = train(kind, texts, vocabSize);
        try {
            tinyfm.util.CrashPoints.createDirectories(cacheDir);
            save(tokenizer, file);
        } catch (IOException | UserError e) {
            // a cache that cannot be written only costs the next run the training time
        }
        return new Cached(tokenizer, file, false);
    }

    public static Tokenizer fromJson(JsonObject json, String source) {
        try {
            String kind = json.get("kind").getAsString();
            Tokenizer tok;
            if (kind.equals("bpe")) {
                JsonArray list = json.getAsJsonArray("merges");
                int[][] merges = new int[list.size()][];
                for (int i = 0; i < merges.length; i++) {
                    JsonArray p = list.get(i).getAsJsonArray();
                    merges[i] = new int[] {p.get(0).getAsInt(), p.get(1).getAsInt()};
                }
                tok = new BpeTokenizer(merges);
            } else if (kind.equals("char")) {
                JsonArray list = json.getAsJsonArray("code_points");
                int[] cps = new int[list.size()];
                for (int i = 0; i < cps.length; i++) {
                    cps[i] = list.get(i).getAsInt();
                }
                tok = new CharTokenizer(cps);
            } else {
                throw new UserError(source + ": unknown tokenizer kind '" + kind + "'");
            }
            JsonElement size = json.get("vocab_size");
            if (size != null && size.getAsInt() != tok.vocabSize()) {
                throw new UserError(source + ": says vocab_size " + size.getAsInt() + " but defines " + tok.vocabSize() + " tokens");
            }
            return tok;
        } catch (UserError e) {
            throw e;
        } catch (RuntimeException e) {
            // a missing field, a value of the wrong type, an id out of range
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
            throw new UserError(source + ": not a tinyfm tokenizer (" + why + ")");
        }
    }

    public static Tokenizer load(Path file) {
        if (!Files.exists(file)) {
            throw new UserError(file + ": tokenizer file not found");
        }
        try {
            return fromJson(JsonParser.parseString(Files.readString(file)).getAsJsonObject(), file.toString());
        } catch (java.nio.charset.MalformedInputException e) {
            throw new UserError(file + ": not valid UTF-8 text, so not a tinyfm tokenizer JSON file");
        } catch (IOException e) {
            throw new UserError(file + ": cannot read: " + e.getMessage());
        } catch (RuntimeException e) {
            if (e instanceof UserError u) {
                throw u;
            }
            throw new UserError(file + ": not a tinyfm tokenizer JSON file");
        }
    }

    public static void save(Tokenizer tokenizer, Path file) {
        AtomicFiles.writeString(file, Json.GSON.toJson(tokenizer.toJson()));
    }
}
