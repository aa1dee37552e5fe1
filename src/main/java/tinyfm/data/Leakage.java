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

    /**
     * A near-copy: a document that holds {@link #NEAR_COPY_SHARE} or more of a task text's distinct
     * {@link #SHINGLE_WORDS}-word shingles. Templated e-mail and re-posted reviews differ from a task
     * text in a few words, so containment alone misses them.
     */
    public static final int SHINGLE_WORDS = 8;
    public static final double NEAR_COPY_SHARE = 0.5;

    /** One task text with a near-copy in the corpus: the document (file and index) and the share of shingles found. */
    public record NearCopy(String task, String split, String text, String file, int document, double share) {}

    /**
     * Every task text of the given splits that has a near-copy in the corpus. A corpus file's
     * documents are its parts between end-of-text lines; each is compared on its own.
     */
    public static List<NearCopy> nearCopies(Corpus corpus, List<Task> tasks, List<String> splits) {
        List<Candidate> candidates = new ArrayList<>();
        List<Set<Long>> own = new ArrayList<>();
        Map<Long, List<Integer>> byShingle = new HashMap<>();
        for (Task task : tasks) {
            for (String split : splits) {
                for (Example e : task.split(split)) {
                    String[] words = words(normalize(e.text()));
                    Set<Long> shingles = shingles(words);
                    if (shingles.isEmpty()) {
                        continue;
                    }
                    int id = candidates.size();
                    candidates.add(new Candidate(task.name(), split, e.text(), words));
                    own.add(shingles);
                    shingles.forEach(s -> byShingle.computeIfAbsent(s, k -> new ArrayList<>()).add(id));
                }
            }
        }
        List<NearCopy> found = new ArrayList<>();
        Set<Integer> reported = new HashSet<>();
        for (Corpus.Document file : corpus.documents()) {
            String[] documents = file.text().split("\n" + java.util.regex.Pattern.quote(Corpus.SEPARATOR_LINE) + "\n");
            for (int d = 0; d < documents.length; d++) {
                Map<Integer, Integer> hits = new HashMap<>();
                for (long s : shingles(words(normalize(documents[d])))) {
                    for (int id : byShingle.getOrDefault(s, List.of())) {
                        hits.merge(id, 1, Integer::sum);
                    }
                }
                for (Map.Entry<Integer, Integer> h : hits.entrySet()) {
                    double share = (double) h.getValue() / own.get(h.getKey()).size();
                    if (share >= NEAR_COPY_SHARE && reported.add(h.getKey())) {
                        Candidate c = candidates.get(h.getKey());
                        found.add(new NearCopy(c.task(), c.split(), c.text(), file.fileName(), d, share));
                    }
                }
            }
        }
        return found;
    }

    private static Set<Long> shingles(String[] words) {
        Set<Long> out = new HashSet<>();
        for (int i = 0; i + SHINGLE_WORDS <= words.length; i++) {
            out.add(hash(words, i, SHINGLE_WORDS));
        }
        return out;
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
