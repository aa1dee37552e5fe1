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
 *
 * <p>A corpus read from files does not keep their text: loading reads one file at a time to count
 * it and hash it, and {@link #forEachFile} reads them again one at a time. So the heap holds the
 * largest file, not the corpus, and a corpus of any size can be encoded ({@code TokenData.cached}).
 *
 * @param sha256 the hash of every document's name and text, as {@code Sha256.ofTexts} makes it: what a
 *               checkpoint and a token cache are checked against
 */
public record Corpus(String name, List<Document> documents, String sha256) {
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
     * files a base was trained on. A file's text is read again when asked for; an in-memory corpus holds its own.
     */
    public record Document(String name, String fileName, String sha256, Path file, String heldText, int parts, long characters, long utf8Bytes) {
        /** The document's normalised text. */
        public String text() {
            return heldText != null ? heldText : normalize(TextFiles.read(file));
        }

        /** {@code utf8} is {@code text} encoded, which the caller hashes too: a 1 GB corpus is encoded once, not twice. */
        static Document of(String name, String fileName, String sha256, Path file, String text, byte[] utf8, boolean hold) {
            return new Document(name, fileName, sha256, file, hold ? text : null, Corpus.parts(text).size(), text.length(), utf8.length);
        }
    }

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
        checkFitsInMemory(path, files, Runtime.getRuntime().maxMemory());
        List<Document> docs = new ArrayList<>();
        Sha256.Texts hash = new Sha256.Texts();
        for (Path file : files) {
            String text = normalize(TextFiles.read(file));
            if (!text.isBlank()) {
                String fileName = file.getFileName().toString(), name = fileName.replaceFirst("\\.txt(\\.gz)?$", "");
                byte[] utf8 = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                docs.add(Document.of(name, fileName, Sha256.ofFile(file), file, text, utf8, false));
                hash.add(name).addUtf8(utf8);
            }
        }
        if (docs.isEmpty()) {
            throw new UserError(path + ": corpus is empty (no text in " + files.size() + " file(s))");
        }
        String name = named ? nameOrPath : path.toAbsolutePath().normalize().toString();
        return new Corpus(name, List.copyOf(docs), hash.hex());
    }

    /**
     * Java heap a file of the corpus needs per byte of its text while it is read: the text itself, its
     * normalised copy, its train/validation pieces and their documents, with room to spare.
     */
    public static final int HEAP_BYTES_PER_TEXT_BYTE = 8;

    /**
     * Refuses a corpus whose largest file is too large for the heap before reading a byte of it, with
     * the limit and the remedy; gzipped files count at the size their trailer declares. Files are read
     * one at a time, so the corpus as a whole may be larger than the heap. Returns the largest file's text size.
     */
    static long checkFitsInMemory(Path path, List<Path> files, long heapBytes) {
        Path largest = files.get(0);
        long most = 0;
        for (Path file : files) {
            long size = TextFiles.textSize(file);
            if (size > most) {
                most = size;
                largest = file;
            }
        }
        long need = most * HEAP_BYTES_PER_TEXT_BYTE;
        if (need > heapBytes || most > Integer.MAX_VALUE - 8) {
            throw new UserError(String.format("%s: %,d MB of text in one file needs about %,d MB of Java heap, but tinyfm may use %,d MB; "
                    + "split it into smaller files (a folder of them is one corpus) or set TINYFM_HEAP (for example TINYFM_HEAP=%dg)",
                    largest, most >> 20, need >> 20, heapBytes >> 20, Math.max(2, (need >> 30) + 2)));
        }
        return most;
    }

    /** A corpus of in-memory texts, one document each (for example a task's texts, labels unused). */
    public static Corpus ofTexts(String name, List<String> texts) {
        if (texts.isEmpty()) {
            throw new UserError(name + ": no texts");
        }
        String text = String.join(SEPARATOR, texts);
        byte[] utf8 = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Document doc = Document.of(name, "(in memory)", Sha256.of(utf8), null, text, utf8, true);
        return new Corpus(name, List.of(doc), new Sha256.Texts().add(name).addUtf8(utf8).hex());
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
        return documents.stream().mapToInt(Document::parts).sum();
    }

    public long characters() {
        return documents.stream().mapToLong(Document::characters).sum();
    }

    public long utf8Bytes() {
        return documents.stream().mapToLong(Document::utf8Bytes).sum();
    }

    /** Every file's split, all in memory: for corpora that fit (the bundled ones, a task's texts). */
    public Split split() {
        List<String> train = new ArrayList<>(), val = new ArrayList<>();
        forEachFile(s -> {
            train.addAll(s.train());
            val.addAll(s.validation());
        });
        return new Split(train, val);
    }

    /** Each file's split in turn, one file's text in memory at a time. */
    public void forEachFile(java.util.function.Consumer<Split> action) {
        for (Document doc : documents) {
            action.accept(split(doc.text()));
        }
    }

    /**
     * Holds out the end of a file: at a document boundary where the file holds many, else at a
     * line break. Each side lists whole documents (or the two pieces of a single one).
     */
    static Split split(String text) {
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
        return new Split(parts(text.substring(0, cut)), parts(text.substring(resume)));
    }

    /** Training text the tokenizer learns from at most (in UTF-8 bytes): more than every bundled and prepared corpus holds. */
    public static final long TOKENIZER_SAMPLE_BYTES = 96L << 20;

    /**
     * The training documents a tokenizer learns from: all of them up to {@link #TOKENIZER_SAMPLE_BYTES};
     * beyond, every k-th, k the smallest that brings them under it. {@code description} says which, for the
     * provenance, or is null when the tokenizer sees every training document.
     */
    public record TokenizerSample(List<String> texts, String description) {}

    public TokenizerSample tokenizerSample() {
        return tokenizerSample(TOKENIZER_SAMPLE_BYTES);
    }

    TokenizerSample tokenizerSample(long capBytes) {
        long trainBytes = Math.round(utf8Bytes() * (1 - VALIDATION_FRACTION));
        if (trainBytes <= capBytes) {
            return new TokenizerSample(split().train(), null);
        }
        int every = (int) ((trainBytes + capBytes - 1) / capBytes);
        List<String> sample = new ArrayList<>();
        int[] index = {0};
        forEachFile(s -> s.train().forEach(doc -> {
            if (index[0]++ % every == 0) {
                sample.add(doc);
            }
        }));
        long bytes = sample.stream().mapToLong(t -> t.getBytes(java.nio.charset.StandardCharsets.UTF_8).length).sum();
        return new TokenizerSample(sample, String.format(java.util.Locale.ROOT, "one training document in every %d, from the first: %,d documents, %.1f MB",
                every, sample.size(), bytes / 1e6));
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
