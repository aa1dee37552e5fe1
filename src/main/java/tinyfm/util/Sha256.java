package tinyfm.util;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

public final class Sha256 {
    private Sha256() {}

    public static String of(byte[] bytes) {
        return HexFormat.of().formatHex(digest().digest(bytes));
    }

    public static String of(Path file) throws IOException {
        MessageDigest md = digest();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** The hash of a file the user named; a file that cannot be read is a one-line error naming it. */
    public static String ofFile(Path file) {
        try {
            return of(file);
        } catch (IOException e) {
            throw new UserError(file + ": cannot read: " + e.getMessage());
        }
    }

    /** The hash of these texts as one stream: each text's UTF-8 bytes, then a NUL, so ["ab"] and ["a", "b"] differ. */
    public static String ofTexts(Iterable<String> texts) {
        Texts hash = new Texts();
        texts.forEach(hash::add);
        return hash.hex();
    }

    /** {@link #ofTexts}, one text at a time: for texts that are read one by one and not kept. */
    public static final class Texts {
        private final MessageDigest md = digest();

        public Texts add(String text) {
            return addUtf8(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }

        /** A text already encoded as UTF-8. */
        public Texts addUtf8(byte[] text) {
            md.update(text);
            md.update((byte) 0);
            return this;
        }

        public String hex() {
            return HexFormat.of().formatHex(md.digest());
        }
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
