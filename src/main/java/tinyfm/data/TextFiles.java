package tinyfm.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import tinyfm.util.UserError;

/** Reads a UTF-8 text file, gzipped or not, and says clearly what is wrong with a bad one. */
final class TextFiles {
    private TextFiles() {}

    static String read(Path file) {
        return read(file, Integer.MAX_VALUE - 8);
    }

    /** Reads at most {@code limit} bytes of text; a file (or a gzip stream) that holds more is refused. */
    static String read(Path file, long limit) {
        if (!Files.exists(file)) {
            throw new UserError(file + ": file not found");
        }
        byte[] bytes;
        try (InputStream raw = Files.newInputStream(file);
             InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw) {
            bytes = in.readNBytes((int) Math.min(limit + 1, Integer.MAX_VALUE - 8));
            if (bytes.length > limit) {
                throw new UserError(file + ": holds more text than its size declared (" + limit + " bytes); the file is damaged");
            }
        } catch (ZipException | java.io.EOFException e) {
            throw new UserError(file + ": not a valid gzip file (" + e.getMessage() + ")");
        } catch (IOException e) {
            throw new UserError(file + ": cannot read: " + e.getMessage());
        }
        return decodeUtf8(file, bytes);
    }

    /** The bytes of text a file holds: its size, or for gzip the size its trailer declares (modulo 4 GB, as gzip stores it). */
    static long textSize(Path file) {
        try {
            long size = Files.size(file);
            if (!file.toString().endsWith(".gz") || size < 18) {
                return size;
            }
            try (java.nio.channels.SeekableByteChannel ch = Files.newByteChannel(file)) {
                ByteBuffer trailer = ByteBuffer.allocate(4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
                ch.position(size - 4).read(trailer);
                return Math.max(size, Integer.toUnsignedLong(trailer.getInt(0)));
            }
        } catch (IOException e) {
            throw new UserError(file + ": cannot read: " + e.getMessage());
        }
    }

    static String decodeUtf8(Path file, byte[] bytes) {
        for (byte b : bytes) {
            if (b == 0) {
                throw new UserError(file + ": looks like a binary file (it contains NUL bytes); expected UTF-8 text");
            }
        }
        try {
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
            return text.startsWith("\uFEFF") ? text.substring(1) : text;
        } catch (CharacterCodingException e) {
            throw new UserError(file + ": not valid UTF-8 text; convert it first (e.g. iconv -t UTF-8)");
        }
    }
}
