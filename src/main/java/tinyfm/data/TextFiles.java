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
        if (!Files.exists(file)) {
            throw new UserError(file + ": file not found");
        }
        byte[] bytes;
        try (InputStream raw = Files.newInputStream(file);
             InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw) {
            bytes = in.readAllBytes();
        } catch (ZipException | java.io.EOFException e) {
            throw new UserError(file + ": not a valid gzip file (" + e.getMessage() + ")");
        } catch (IOException e) {
            throw new UserError(file + ": cannot read: " + e.getMessage());
        }
        return decodeUtf8(file, bytes);
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
