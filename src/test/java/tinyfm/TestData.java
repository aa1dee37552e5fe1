package tinyfm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

/** Tiny data the tests make themselves: a learnable corpus and small labelled tasks. */
public final class TestData {
    private TestData() {}

    /** Simple, repetitive English: a tiny model can learn it in a few hundred steps. */
    public static String corpusText(int sentences, long seed) {
        String[] who = {"the cat", "the dog", "a bird", "the old man", "my sister", "the child"};
        String[] did = {"sat on", "looked at", "ran to", "sang to", "walked past", "slept by"};
        String[] what = {"the mat", "the door", "a tree", "the river", "the house", "the garden"};
        SplittableRandom r = new SplittableRandom(seed);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < sentences; i++) {
            sb.append(cap(who[r.nextInt(who.length)])).append(' ').append(did[r.nextInt(did.length)]).append(' ')
                    .append(what[r.nextInt(what.length)]).append(i % 7 == 6 ? ".\n" : ". ");
        }
        return sb.toString();
    }

    private static String cap(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    public static Path corpus(Path dir, int sentences) throws IOException {
        Path file = dir.resolve("corpus.txt");
        Files.writeString(file, corpusText(sentences, 42));
        return file;
    }

    /** A task folder with the given labels; the label word appears in the text, so it is learnable. */
    public static Path task(Path dir, String name, List<String> labels, int perLabelTrain) throws IOException {
        Path t = dir.resolve(name);
        Files.createDirectories(t);
        SplittableRandom r = new SplittableRandom(7);
        for (String split : List.of("train", "val", "test")) {
            int n = split.equals("train") ? perLabelTrain : Math.max(2, perLabelTrain / 4);
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < n; i++) {
                for (String label : labels) {
                    sb.append("{\"text\": \"").append(corpusText(1, r.nextLong()).trim()).append(" It was ").append(label)
                            .append(".\", \"label\": \"").append(label).append("\"}\n");
                }
            }
            Files.writeString(t.resolve(split + ".jsonl"), sb.toString());
        }
        return t;
    }

    /** A tiny base pretrained for {@code steps} steps on text that mentions the colour labels the test tasks use. */
    public static Path tinyBase(Path dir, int steps) throws IOException {
        Path corpus = dir.resolve("corpus.txt"), base = dir.resolve("tiny.tfm");
        Files.writeString(corpus, corpusText(2000, 3) + " It was red. It was blue.");
        tinyfm.cli.CliTest.Run r = tinyfm.cli.CliTest.run("pretrain", "--corpus", corpus.toString(), "--preset", "tiny", "--steps",
                String.valueOf(steps), "--vocab", "300", "--out", base.toString());
        if (r.code() != 0) {
            throw new IllegalStateException("the tiny base did not pretrain: " + r.err());
        }
        return base;
    }
}
