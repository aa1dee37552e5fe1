package tinyfm.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits text into words before BPE, as GPT-2 does: merges never cross a word boundary,
 * so " the" becomes one token but "the." never does.
 */
final class PreTokenizer {
    private static final Pattern WORDS = Pattern.compile(
            "'(?:[sdmt]|ll|ve|re)| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+");

    private PreTokenizer() {}

    static List<String> split(String text) {
        List<String> words = new ArrayList<>();
        Matcher m = WORDS.matcher(text);
        while (m.find()) {
            words.add(m.group());
        }
        return words;
    }
}
