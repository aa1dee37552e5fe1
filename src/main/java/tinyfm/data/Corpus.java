package tinyfm.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import tinyfm.util.Home;
import tinyfm.util.UserError;

/**
 * Unlabelled text for pretraining: one document per file. Self-supervision needs nothing else,
 * the text is its own label.
 *
 * <p>A corpus is the name of a bundled one ({@code books}) or a path: a .txt or .txt.gz file,
 * or a folder of them. The last {@link #VALIDATION_FRACTION} of every document is held out for
 * validation, so every book is represented on both sides.
 */
public record Corpus(String name, List<Document> documents) {
    public static final double VALIDATION_FRACTION = 0.05;
    public static final List<String> BUNDLED = List.of("books");

    public record Document(String name, String text) {}

    /** The train or validation part of each document. */
    public record Split(List<String> train, List<String> validation) {}

    public static Corpus load(String nameOrPath) {
        Path path = BUNDLED.contains(nameOrPath) ? Home.datasets().resolve(nameOrPath) : Path.of(nameOrPath);
        if (!Files.exists(path)) {
            throw new UserError(path + ": corpus not found; give a .txt/.txt.gz file, a folder of them, or one of " + BUNDLED);
        }
        List<Path> files = Files.isDirectory(path) ? textFilesIn(path) : List.of(path);
        if (files.isEmpty()) {
            throw new UserError(path + ": folder has no .txt or .txt.gz files");
        }
        List<Document> docs = new ArrayList<>();
        for (Path file : files) {
            String text = normalize(TextFiles.read(file));
            if (!text.isBlank()) {
                docs.add(new Document(file.getFileName().toString().replaceFirst("\\.txt(\\.gz)?$", ""), text));
            }
        }
        if (docs.isEmpty()) {
            throw new UserError(path + ": corpus is empty (no text in " + files.size() + " file(s))");
        }
        String name = BUNDLED.contains(nameOrPath) ? nameOrPath : path.toAbsolutePath().normalize().toString();
        return new Corpus(name, List.copyOf(docs));
    }

    private static List<Path> textFilesIn(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile)
                    .filter(p -> p.toString().endsWith(".txt") || p.toString().endsWith(".txt.gz"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UserError(dir + ": cannot list folder: " + e.getMessage());
        }
    }

    /** Light normalisation: one line ending, so the same text gives the same tokens on every OS. */
    static String normalize(String text) {
        return text.replace("\r\n", "\n").replace('\r', '\n');
    }

    public long characters() {
        return documents.stream().mapToLong(d -> d.text().length()).sum();
    }

    public long utf8Bytes() {
        return documents.stream().mapToLong(d -> d.text().getBytes(java.nio.charset.StandardCharsets.UTF_8).length).sum();
    }

    /** Holds out the end of every document, cut at a line break where there is one. */
    public Split split() {
        List<String> train = new ArrayList<>(), val = new ArrayList<>();
        for (Document doc : documents) {
            String text = doc.text();
            int cut = (int) (text.length() * (1 - VALIDATION_FRACTION));
            int newline = text.indexOf('\n', cut);
            if (newline > 0 && newline < text.length() - 1) {
                cut = newline + 1;
            }
            train.add(text.substring(0, cut));
            val.add(text.substring(cut));
        }
        return new Split(train, val);
    }
}
