package tinyfm.tokenizer;

import com.google.gson.JsonObject;
import java.util.List;

/**
 * Text to token ids and back. A language model only ever sees these ids.
 * Every tokenizer reserves three special tokens: end-of-text (between documents),
 * padding (to fill a batch) and class (the position a classifier reads).
 */
public interface Tokenizer {
    String END_OF_TEXT = "<|endoftext|>";
    String PAD = "<|pad|>";
    String CLS = "<|cls|>";
    List<String> SPECIALS = List.of(END_OF_TEXT, PAD, CLS);

    int[] encode(String text);

    String decode(int[] ids);

    int vocabSize();

    /** How a token prints when we show it to a student, e.g. "·the" for " the". */
    String piece(int id);

    /** How many UTF-8 bytes of text this token stands for (0 for a special token). Used for bits per byte. */
    int byteLength(int id);

    int endOfText();

    int pad();

    int cls();

    /** "bpe" or "char". */
    String kind();

    JsonObject toJson();

    /** A printable form of raw text: spaces as ·, newlines as ↵, tabs as →. */
    static String visible(String s) {
        return s.replace(' ', '·').replace("\n", "↵").replace("\t", "→");
    }
}
