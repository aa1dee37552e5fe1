package tinyfm.util;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;

/** One Gson for the whole project: pretty, stable field order, no HTML escaping. */
public final class Json {
    private Json() {}

    public static final Gson GSON = new GsonBuilder()
            .setPrettyPrinting()
            .disableHtmlEscaping()
            .serializeSpecialFloatingPointValues()
            .create();

    /** Compact, for JSONL lines. */
    public static final Gson LINE = new GsonBuilder().disableHtmlEscaping().serializeSpecialFloatingPointValues().create();
}
