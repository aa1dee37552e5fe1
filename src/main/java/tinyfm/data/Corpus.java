package tinyfm.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import tinyfm.util.Home;
import tinyfm.util.Sha256;
import tinyfm.util.UserError;

/**
 * Unlabelled text for pretraining. Self-supervision needs nothing else, the text is its own label.
 *
 * <p>A corpus is the name of a bundled one ({@code broad}, {@code books}) or a path: a .txt or
 * .txt.gz file, or a folder of them. Each file is one source; it holds one document, or many
 * separated by a line {@value #SEPARATOR_LINE}. The last {@link #VALIDATION_FRACTION} of every
 * file is held out for validation, so every source is represented on both sides.
 */
public record Corpus(String name, List<Document> documents) {
    public static final double VALIDATION_FRACTION = 0.05;
    /** The default: books, movie reviews, American English of 1961 and e-mail (datasets/README.md). */
    public static final String DEFAULT = "broad";
    public static final List<String> BUNDLED = List.of("broad", "books");
    /** Corpora that datasets/prepare rebuilds from their pinned packages but the repository does not hold. */
    public static final List<String> PREPARED = List.of("broad-xl");
    public static final String SEPARATOR_LINE = "<|endoftext|>";
    static final String SEPARATOR = "\n" + SEPARATOR_LINE + "\n";

    /**
     * One file: a source of text, holding one or more documents. {@code fileName} and
     * {@code sha256} are the file's own, as {@code sha256sum} prints them, so a user can check which
     * files a base was trained on.
     */
    public record Document(String name, String text, String fileName, String sha256) {}

    /** The train or validation part of each document. */
    public record Split(List<String> train, List<String> validation) {}

    public static Corpus load(String nameOrPath) {
        boolean named = BUNDLED.contains(nameOrPath) || PREPARED.contains(nameOrPath);
        Path path = named ? Home.datasets().resolve(nameOrPath) : Path.of(nameOrPath);
        if (PREPARED.contains(nameOrPath) && !Files.exists(path)) {
            throw new UserError(path + ": corpus not built yet; run datasets/prepare (it needs node and npm) to build it");
        }
        if (!Files.exists(path)) {
            throw new UserError(path + ": corpus not found; give a .txt/.txt.gz file, a folder of them, or one of "
                    + String.join(", ", BUNDLED) + " or " + String.join(", ", PREPARED));
        }
        List<Path> files = Files.isDirectory(path) ? textFilesIn(path) : List.of(path);
        if (files.isEmpty()) {
            throw new UserError(path + ": folder has no .txt or .txt.gz files");
        }
        long textBytes = checkFitsInMemory(path, files, Runtime.getRuntime().maxMemory());
        List<Document> docs = new ArrayList<>();
        for (Path file : files) {
            String text = normalize(TextFiles.read(file, textBytes));
            if (!text.isBlank()) {
                String fileName = file.getFileName().toString();
                docs.add(new Document(fileName.replaceFirst("\\.txt(\\.gz)?$", ""), text, fileName, Sha256.ofFile(file)));
            }
        }
        if (docs.isEmpty()) {
            throw new UserError(path + ": corpus is empty (no text in " + files.size() + " file(s))");
        }
        String name = named ? nameOrPath : path.toAbsolutePath().normalize().toString();
        return new Corpus(name, List.copyOf(docs));
    }

    /**
     * Java heap a corpus needs per byte of its text: the text itself, its normalised copy, the
     * train/validation split and the token ids, with room to spare (measured on the broad corpus).
     */
    public static final int HEAP_BYTES_PER_TEXT_BYTE = 8;

    /**
     * Refuses a corpus too large for the heap before reading a byte of it, with the limit and the
     * remedy; gzipped files count at the size their trailer declares (and reading stops there).
     * Returns the corpus's text size in bytes.
     */
    static long checkFitsInMemory(Path path, List<Path> files, long heapBytes) {
        long total = 0;
        for (Path file : files) {
            total += TextFiles.textSize(file);
        }
        long need = total * HEAP_BYTES_PER_TEXT_BYTE;
        if (need > heapBytes) {
            throw new UserError(String.format("%s: %,d MB of text needs about %,d MB of Java heap, but tinyfm may use %,d MB; "
                    + "set TINYFM_HEAP (for example TINYFM_HEAP=%dg) or use a smaller corpus", path, total >> 20, need >> 20,
                    heapBytes >> 20, Math.max(2, (need >> 30) + 2)));
        }
        return total;
    }

    /** A corpus of in-memory texts, one document each (for example a task's texts, labels unused). */
    public static Corpus ofTexts(String name, List<String> texts) {
        if (texts.isEmpty()) {
            throw new UserError(name + ": no texts");
        }
        String text = String.join(SEPARATOR, texts);
        return new Corpus(name, List.of(new Document(name, text, "(in memory)",
                Sha256.of(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)))));
    }


    /** A prepared corpus's text files, without reading them; empty if datasets/prepare has not built it. */
    public static List<Path> preparedFiles(String name) {
        Path dir = Home.datasets().resolve(name);
        return Files.isDirectory(dir) ? textFilesIn(dir) : List.of();
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

    /** Documents over all files: a file with separator lines holds many. */
    public int documentCount() {
        return documents.stream().mapToInt(d -> parts(d.text()).size()).sum();
    }

    public long characters() {
        return documents.stream().mapToLong(d -> d.text().length()).sum();
    }

    public long utf8Bytes() {
        return documents.stream().mapToLong(d -> d.text().getBytes(java.nio.charset.StandardCharsets.UTF_8).length).sum();
    }

    /**
     * Holds out the end of every file: at a document boundary where the file holds many, else at a
     * line break. Each side lists whole documents (or the two pieces of a single one).
     */
    public Split split() {
        List<String> train = new ArrayList<>(), val = new ArrayList<>();
        for (Document doc : documents) {
            String text = doc.text();
            int cut = (int) (text.length() * (1 - VALIDATION_FRACTION));
            int boundary = text.indexOf(SEPARATOR, cut);
            int newline = text.indexOf('\n', cut);
            int resume = cut;
            if (boundary > 0) {
                cut = boundary;
                resume = boundary + SEPARATOR.length();
            } else if (newline > 0 && newline < text.length() - 1) {
                cut = resume = newline + 1;
            }
            train.addAll(parts(text.substring(0, cut)));
            val.addAll(parts(text.substring(resume)));
        }
        return new Split(train, val);
    }

    /** The documents in a piece of a file; text without separators is one document. */
    private static List<String> parts(String text) {
        List<String> out = new ArrayList<>();
        for (String part : text.split(java.util.regex.Pattern.quote(SEPARATOR))) {
            if (!part.isBlank()) {
                out.add(part);
            }
        }
        return out;
    }
}
