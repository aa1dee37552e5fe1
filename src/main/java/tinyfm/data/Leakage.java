package tinyfm.data;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Finds task texts that occur inside a pretraining corpus. A base that read a test sentence during
 * pretraining has seen the exam: its score would measure memory, not transfer.
 *
 * <p>Texts compare after normalisation (lower case, every run of other characters than letters and
 * digits a single space), by containment on word boundaries. The corpus is scanned once: every
 * window of up to {@link #ANCHOR_WORDS} words is hashed and looked up among the task texts' first
 * words; a hit is then checked word by word.
 */
public final class Leakage {
    /**
     * Shorter texts are common phrases that any English text holds ("This is a great deal.",
     * "Don't do it!"), not a sign that the corpus contains the task; measured on the bundled data.
     */
    public static final int MIN_WORDS = 6;
    /** A task text is found by its first words; longer texts are then compared in full. */
    public static final int ANCHOR_WORDS = 8;

    private Leakage() {}

    /** One task text found inside the corpus. */
    public record Leak(String task, String split, String text) {}

    public static String normalize(String text) {
        return text.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}]+", " ").strip();
    }

    /** Every text of the given splits of the tasks that occurs inside the corpus, at least minWords long. */
    public static List<Leak> find(Corpus corpus, List<Task> tasks, List<String> splits, int minWords) {
        Map<Long, List<Candidate>> byAnchor = new HashMap<>();
        Set<Integer> anchorLengths = new HashSet<>();
        for (Task task : tasks) {
            for (String split : splits) {
                for (Example e : task.split(split)) {
                    String[] words = words(normalize(e.text()));
                    if (words.length < minWords || words.length == 0) {
                        continue;
                    }
                    int k = Math.min(ANCHOR_WORDS, words.length);
                    anchorLengths.add(k);
                    byAnchor.computeIfAbsent(hash(words, 0, k), h -> new ArrayList<>())
                            .add(new Candidate(task.name(), split, e.text(), words));
                }
            }
        }
        List<Leak> leaks = new ArrayList<>();
        Set<Candidate> found = new HashSet<>();
        for (Corpus.Document doc : corpus.documents()) {
            String[] words = words(normalize(doc.text()));
            for (int i = 0; i < words.length; i++) {
                for (int k : anchorLengths) {
                    if (i + k > words.length) {
                        continue;
                    }
                    List<Candidate> hits = byAnchor.get(hash(words, i, k));
                    if (hits == null) {
                        continue;
                    }
                    for (Candidate c : hits) {
                        if (!found.contains(c) && occursAt(c.words(), words, i)) {
                            found.add(c);
                            leaks.add(new Leak(c.task(), c.split(), c.text()));
                        }
                    }
                }
            }
        }
        return leaks;
    }

    private record Candidate(String task, String split, String text, String[] words) {}

    private static boolean occursAt(String[] needle, String[] haystack, int at) {
        if (at + needle.length > haystack.length) {
            return false;
        }
        for (int j = 0; j < needle.length; j++) {
            if (!needle[j].equals(haystack[at + j])) {
                return false;
            }
        }
        return true;
    }

    private static String[] words(String normalized) {
        return normalized.isEmpty() ? new String[0] : normalized.split(" ");
    }

    private static long hash(String[] words, int from, int count) {
        long h = 1125899906842597L;
        for (int i = from; i < from + count; i++) {
            h = 31 * h + words[i].hashCode();
            h ^= h >>> 29;
        }
        return h * 0x9E3779B97F4A7C15L + count;
    }
}
