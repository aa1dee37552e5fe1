package tinyfm.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;

/**
 * Learns BPE merges from text: count every adjacent pair of ids, merge the most frequent pair into
 * a new id, repeat until the vocabulary is full. Ties go to the smallest pair, so the result is
 * the same on every run.
 *
 * <p>Only the words that contain the merged pair are touched at each step, which keeps training on
 * the 11 MB books corpus to seconds.
 */
public final class BpeTrainer {
    private BpeTrainer() {}

    public static BpeTokenizer train(List<String> texts, int vocabSize) {
        int mergeCount = vocabSize - 256 - Tokenizer.SPECIALS.size();
        if (mergeCount < 0) {
            throw new tinyfm.util.InvalidSetting("vocabulary size", "must be at least " + (256 + Tokenizer.SPECIALS.size()) + " for a byte-level BPE tokenizer, got " + vocabSize);
        }
        // 1. Unique words and how often each occurs. TreeMap: a fixed order, so ids are stable.
        Map<String, Integer> wordCounts = new TreeMap<>();
        for (String text : texts) {
            for (String w : PreTokenizer.split(text)) {
                wordCounts.merge(w, 1, Integer::sum);
            }
        }
        int n = wordCounts.size();
        int[][] words = new int[n][];
        long[] freq = new long[n];
        int wi = 0;
        for (var e : wordCounts.entrySet()) {
            byte[] b = e.getKey().getBytes(StandardCharsets.UTF_8);
            words[wi] = new int[b.length];
            for (int i = 0; i < b.length; i++) {
                words[wi][i] = b[i] & 0xff;
            }
            freq[wi++] = e.getValue();
        }
        // 2. Pair counts, and which words hold each pair.
        Map<Long, Long> counts = new HashMap<>();
        Map<Long, Set<Integer>> where = new HashMap<>();
        for (int w = 0; w < n; w++) {
            addPairs(words[w], w, freq[w], counts, where);
        }
        PriorityQueue<long[]> queue = new PriorityQueue<>(BpeTrainer::byCountThenPair);
        counts.forEach((p, c) -> queue.add(new long[] {c, p}));
        // 3. Merge, most frequent first.
        List<int[]> merges = new ArrayList<>();
        while (merges.size() < mergeCount && !queue.isEmpty()) {
            long[] top = queue.poll();
            long p = top[1];
            Long current = counts.get(p);
            if (current == null || current != top[0]) {
                continue; // stale entry: the count changed since it was queued
            }
            if (current < 2) {
                break; // nothing left that repeats
            }
            int left = (int) (p >>> 32), right = (int) p, id = 256 + merges.size();
            merges.add(new int[] {left, right});
            Set<Long> touched = new HashSet<>();
            for (int w : new ArrayList<>(where.getOrDefault(p, Set.of()))) {
                removePairs(words[w], w, freq[w], counts, where, touched);
                words[w] = mergeInWord(words[w], left, right, id);
                addPairs(words[w], w, freq[w], counts, where);
                collectPairs(words[w], touched);
            }
            for (long t : touched) {
                Long c = counts.get(t);
                if (c != null) {
                    queue.add(new long[] {c, t});
                }
            }
        }
        return new BpeTokenizer(merges.toArray(new int[0][]));
    }

    private static int byCountThenPair(long[] a, long[] b) {
        int byCount = Long.compare(b[0], a[0]);
        return byCount != 0 ? byCount : Long.compare(a[1], b[1]);
    }

    private static void addPairs(int[] word, int w, long f, Map<Long, Long> counts, Map<Long, Set<Integer>> where) {
        for (int i = 0; i + 1 < word.length; i++) {
            long p = BpeTokenizer.pair(word[i], word[i + 1]);
            counts.merge(p, f, Long::sum);
            where.computeIfAbsent(p, k -> new HashSet<>()).add(w);
        }
    }

    private static void removePairs(int[] word, int w, long f, Map<Long, Long> counts,
                                    Map<Long, Set<Integer>> where, Set<Long> touched) {
        for (int i = 0; i + 1 < word.length; i++) {
            long p = BpeTokenizer.pair(word[i], word[i + 1]);
            long c = counts.merge(p, -f, Long::sum);
            if (c <= 0) {
                counts.remove(p);
            }
            Set<Integer> ws = where.get(p);
            if (ws != null) {
                ws.remove(w);
                if (ws.isEmpty()) {
                    where.remove(p);
                }
            }
            touched.add(p);
        }
    }

    private static void collectPairs(int[] word, Set<Long> into) {
        for (int i = 0; i + 1 < word.length; i++) {
            into.add(BpeTokenizer.pair(word[i], word[i + 1]));
        }
    }

    private static int[] mergeInWord(int[] word, int left, int right, int id) {
        int[] out = new int[word.length];
        int n = 0;
        for (int i = 0; i < word.length; i++) {
            if (i + 1 < word.length && word[i] == left && word[i + 1] == right) {
                out[n++] = id;
                i++;
            } else {
                out[n++] = word[i];
            }
        }
        return java.util.Arrays.copyOf(out, n);
    }
}
