package tinyfm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Help as a user reads it, in a real process: every command's --help exits 0, writes nothing to
 * stderr, fits 80 columns, and shows the default of every option that has one.
 */
class HelpTest {
    record Process(int code, String out, String err) {}

    static Process tinyfm(String... args) throws Exception {
        return tinyfmWithInput(null, args);
    }

    /** The real CLI in its own process; {@code input}, if not null, is piped to its stdin. */
    static Process tinyfmWithInput(String input, String... args) throws Exception {
        return withOptions(input, "-Dtinyfm.log=" + System.getProperty("java.io.tmpdir") + "/tinyfm-help.log", args);
    }

    private static Process withOptions(String input, String options, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java",
                "-cp", System.getProperty("java.class.path")));
        command.addAll(List.of(options.split(" ")));
        command.add("tinyfm.cli.Main");
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        java.lang.Process p = pb.start();
        try (var stdin = p.getOutputStream()) {
            if (input != null) {
                stdin.write(input.getBytes(StandardCharsets.UTF_8));
            }
        }
        byte[] out = p.getInputStream().readAllBytes(), err = p.getErrorStream().readAllBytes();
        return new Process(p.waitFor(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }

    @Test
    void everyCommandsHelpFitsEightyColumnsOnStdoutAndShowsItsDefaults() throws Exception {
        List<String> commands = new ArrayList<>(List.of(""));
        Main.commandLine().getSubcommands().forEach((name, sub) -> {
            commands.add(name);
            sub.getSubcommands().keySet().forEach(nested -> commands.add(name + " " + nested)); // tinyfm notebooks install
        });
        for (String name : commands) {
            List<String> args = new ArrayList<>(name.isEmpty() ? List.of() : List.of(name.split(" ")));
            args.add("--help");
            Process p = tinyfm(args.toArray(String[]::new));
            assertEquals(0, p.code(), name + " --help: " + p.err());
            assertEquals("", p.err(), name + " --help wrote to stderr");
            String[] lines = p.out().split("\n");
            for (int i = 0; i < lines.length; i++) {
                assertTrue(lines[i].length() <= 80, name + " --help has a line of " + lines[i].length() + " columns: " + lines[i]);
                if (i > 0) { // the wrapping never splits a file name before its extension ("results." / "json")
                    assertFalse(lines[i - 1].matches(".*[\\w>/]\\.$") && lines[i].strip().matches("(json|csv|tfm|ckpt|md|txt|png|svg)\\b.*"),
                            name + " --help splits a file name: " + lines[i - 1] + " / " + lines[i]);
                }
            }
            if (name.isEmpty()) {
                continue;
            }
            CommandLine command = Main.commandLine();
            for (String part : name.split(" ")) {
                command = command.getSubcommands().get(part);
            }
            var spec = command.getCommandSpec();
            for (var option : spec.options()) {
                String fallback = option.defaultValue();
                if (fallback != null && !option.usageHelp() && !option.versionHelp() && !option.hidden() && !fallback.isEmpty()) {
                    String description = String.join(" ", option.description());
                    assertTrue(description.contains("Default:") || description.contains("default:"),
                            name + " " + option.longestName() + " has a default (" + fallback + ") that its help does not show");
                }
            }
        }
    }

    @Test
    void aLogFileThatCannotBeWrittenKeepsTheTerminalClean(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path notAFolder = java.nio.file.Files.writeString(dir.resolve("file"), "x");
        String shipped = tinyfm.util.Home.dir().resolve("src/main/resources/logback.xml").toString(); // not the tests' own logging
        Process p = withOptions(null, "-Dlogback.configurationFile=" + shipped + " -Dtinyfm.log=" + notAFolder.resolve("tinyfm.log"), "inspect",
                tinyfm.util.Home.dir().resolve("datasets/pretrained/small-broad.tfm").toString());
        assertEquals(0, p.code(), p.err());
        assertTrue(p.out().startsWith(tinyfm.util.Home.dir().resolve("datasets/pretrained/small-broad.tfm") + ": base"), p.out());
        assertFalse(p.out().contains("logback"), "the logger's own complaints stay off the terminal: " + p.out());
        assertEquals("", p.err(), "the logger's own complaints stay off the terminal");
    }

    @Test
    void typosGetSuggestionsAndBareTinyfmIsAUsageError() throws Exception {
        Process typo = tinyfm("pretrian");
        assertEquals(2, typo.code());
        assertTrue(typo.err().startsWith(Main.ERROR), typo.err());
        assertTrue(typo.err().contains("pretrain"), "suggests the command: " + typo.err());
        Process bare = tinyfm();
        assertEquals(2, bare.code());
        assertTrue(bare.err().contains("Usage: tinyfm"), bare.err());
    }

    @Test
    void evaluatePipedToAnotherProgramPrintsItsWholeConfusionMatrix(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path corpus = tinyfm.TestData.corpus(dir, 2000), task = tinyfm.TestData.task(dir, "colours", List.of("red", "blue"), 12);
        String base = dir.resolve("b.tfm").toString(), model = dir.resolve("m.tfm").toString();
        assertEquals(0, CliTest.run("pretrain", "--corpus", corpus.toString(), "--preset", "tiny", "--steps", "10", "--vocab", "300", "--out", base).code());
        assertEquals(0, CliTest.run("finetune", "--base", base, "--task", task.toString(), "--epochs", "1", "--out", model).code());
        Process p = tinyfm("evaluate", "--model", model, "--task", task.toString()); // stdout is a pipe here, as with '| cat'
        assertEquals(0, p.code(), p.err());
        assertTrue(p.out().contains("true\\pred"), "the confusion matrix reaches the pipe:\n" + p.out());
        String matrix = p.out().substring(p.out().indexOf("true\\pred"));
        assertTrue(matrix.lines().anyMatch(l -> l.startsWith("blue")) && matrix.lines().anyMatch(l -> l.startsWith("red")),
                "every row of the matrix, the last one included:\n" + p.out());
    }
}
