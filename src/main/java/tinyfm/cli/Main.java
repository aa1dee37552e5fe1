package tinyfm.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tinyfm.util.UserError;

/** The {@code tinyfm} command: a thin layer that parses options, calls the library and prints. */
@Command(name = "tinyfm",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = {
            "A foundation model in miniature.",
            "Pretrain a small Transformer on broad unlabelled English, save it as a reusable base, fine-tune it on small tasks, and compare with training from scratch."},
        subcommands = {
            DatasetsCommand.class,
            TrainTokenizerCommand.class,
            TokenizeCommand.class,
            PretrainCommand.class,
            AdaptCommand.class,
            GenerateCommand.class,
            InspectCommand.class,
            DemoCommand.class,
            FinetuneCommand.class,
            EvaluateCommand.class,
            ClassifyCommand.class,
            CompareCommand.class,
            LrFindCommand.class,
            ReportCommand.class,
            ScaleCommand.class,
            BenchCommand.class,
            NotebooksCommand.class,
            DoctorCommand.class,
            CheckCommand.class,
            ExportCommand.class,
            ImportCommand.class,
            CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
            description = "Show the full stack trace when something goes wrong.")
    boolean verbose;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Bare {@code tinyfm}: a usage error, answered with the usage on stderr. */
    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is needed");
    }

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        if (System.getProperty("tinyfm.log") == null) { // before any library logs: its file goes to the project, not the working directory
            System.setProperty("tinyfm.log", tinyfm.util.Home.dir().resolve("tinyfm.log").toString());
        }
        PrintWriter out = new PrintWriter(System.out, true), err = new PrintWriter(System.err, true);
        int code = run(args, out, err);
        out.flush(); // print() without a newline is not auto-flushed: a pipe would lose the last lines
        err.flush();
        System.exit(code);
    }

    /** Runs the CLI; returns 0 on success, 2 on a usage error, 1 on any other error. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = commandLine();
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            boolean verbose = parseResult.hasMatchedOption("--verbose")
                    || parseResult.subcommands().stream().anyMatch(p -> p.hasMatchedOption("--verbose"));
            if (e instanceof tinyfm.util.UsageError || e instanceof tinyfm.util.InvalidSetting) {
                PrintWriter w = commandLine.getErr();
                w.println(ERROR + (e instanceof tinyfm.util.InvalidSetting s ? OptionValues.optionFor(s) : e.getMessage()));
                w.println("Try '" + commandLine.getCommandSpec().qualifiedName() + " --help' for more information.");
                w.flush();
                return 2;
            }
            return reportError(e, commandLine.getErr(), verbose);
        });
        cli.setParameterExceptionHandler((e, args2) -> {
            PrintWriter w = e.getCommandLine().getErr();
            String message = plain(e.getMessage());
            w.println(ERROR + Character.toLowerCase(message.charAt(0)) + message.substring(1));
            CommandLine.UnmatchedArgumentException.printSuggestions(e, w); // "Did you mean: tinyfm pretrain?"
            if (args2.length == 0) {
                e.getCommandLine().usage(w);
            }
            w.println("Try '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help' for more information.");
            w.flush();
            return 2;
        });
        return cli.execute(args);
    }

    /** Picocli's messages in a user's words, not Java's: "'abc' is not a long" says "not a whole number". */
    static String plain(String message) {
        return message.replaceAll("is not an? (int|long)\\b", "is not a whole number")
                .replaceAll("is not an? (double|float)\\b", "is not a number")
                .replaceFirst("^Unmatched argument at index \\d+: '([^']*)'$", "unknown command or argument '$1'");
    }

    /** The command tree: {@code tinyfm} and every subcommand. */
    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        // every subcommand, present and future, answers -h/--help with its usage and exit 0
        for (CommandLine sub : cli.getSubcommands().values()) {
            CommandLine.Model.CommandSpec spec = sub.getCommandSpec();
            if (spec.findOption("--help") == null) {
                spec.addOption(CommandLine.Model.OptionSpec.builder("-h", "--help").usageHelp(true)
                        .description("Show this help message and exit.").build());
            }
        }
        return cli;
    }

    /** Every command's --seed default: one number, so the same options give the same result in every command. */
    static final String DEFAULT_SEED = "1337";

    /** The one prefix of every error line. */
    static final String ERROR = "tinyfm: error: ";

    static int reportError(Exception e, PrintWriter err, boolean verbose) {
        if (e instanceof UserError) { // anything else is a bug in tinyfm, not in the input
            err.println(ERROR + e.getMessage());
        } else {
            err.println("tinyfm: internal error: " + e + " (run with --verbose for details)");
        }
        if (verbose) {
            e.printStackTrace(err);
        }
        err.flush();
        return 1;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"tinyfm " + (v == null ? "dev" : v)
                    + " (ND4J 1.0.0-M2.1, Java " + System.getProperty("java.version") + ")"};
        }
    }
}
