package tinyfm.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir
    Path dir;

    @Test
    void anAtomicWriteGetsTheModeAnyNewFileGetsHereAndLeavesNoTempFile() throws Exception {
        Path written = dir.resolve("report.md"), control = dir.resolve("control.txt");
        AtomicFiles.writeString(written, "hello\n");
        Files.createFile(control); // the umask's mode, as any other tool would create it
        if (written.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            assertEquals(Files.getPosixFilePermissions(control), Files.getPosixFilePermissions(written));
        }
        assertEquals("hello\n", Files.readString(written));
        try (var files = Files.list(dir)) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().endsWith(".tmp")), "no temp file left behind");
        }
    }
}
