package tinyfm.notebook;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import jdk.jshell.Diag;
import jdk.jshell.EvalException;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.spi.ExecutionControl;
import jdk.jshell.spi.ExecutionControlProvider;
import jdk.jshell.spi.ExecutionEnv;
import org.dflib.jjava.jupyter.channels.JupyterConnection;
import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.BaseKernelBuilder;
import org.dflib.jjava.jupyter.kernel.KernelConnectionProperties;
import org.dflib.jjava.jupyter.kernel.LanguageInfo;
import org.dflib.jjava.jupyter.kernel.ReplacementOptions;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.display.common.Image;
import org.dflib.jjava.jupyter.kernel.magic.MagicParser;

/**
 * A Java kernel for Jupyter: each cell is split into JShell snippets and evaluated in this JVM; the
 * value of the last expression is displayed, pictures and XChart charts inline. Magics:
 * {@code %classpath PATH...} (alias {@code %jars}) and {@code %maven GROUP:ARTIFACT:VERSION}.
 */
public final class TinyfmKernel extends BaseKernel {
    private final JShell shell;
    private final SnippetExecutionControl control = new SnippetExecutionControl();

    TinyfmKernel(String name, String version, org.dflib.jjava.jupyter.kernel.history.HistoryManager history,
                 org.dflib.jjava.jupyter.kernel.JupyterIO io, org.dflib.jjava.jupyter.kernel.comm.CommManager comms,
                 org.dflib.jjava.jupyter.kernel.display.Renderer renderer, MagicParser magics,
                 org.dflib.jjava.jupyter.kernel.magic.MagicsRegistry registry, org.dflib.jjava.jupyter.kernel.util.StringStyler errors) {
        super(name, version, new LanguageInfo("java", Runtime.version().toString(), "text/x-java", ".jshell", "java", "java", "script"),
                List.of(), history, io, comms, renderer, magics, registry, false, errors);
        ExecutionControlProvider provider = new ExecutionControlProvider() {
            @Override
            public String name() {
                return "tinyfm";
            }

            @Override
            public ExecutionControl generate(ExecutionEnv env, Map<String, String> parameters) {
                return control;
            }
        };
        shell = JShell.builder().executionEngine(provider, Map.of())
                .compilerOptions("--class-path", System.getProperty("java.class.path"))
                .out(io.out).err(io.err).build();
        Image.registerAll(renderer);
        Charts.register(renderer);
        MarkdownText.register(renderer);
        magicsRegistry.registerLineMagic("classpath", (kernel, args) -> addToClasspath(args));
        magicsRegistry.registerLineMagic("jars", (kernel, args) -> addToClasspath(args));
        magicsRegistry.registerLineMagic("maven", (kernel, args) -> {
            for (Path jar : Maven.resolve(args)) {
                shell.addToClasspath(jar.toString());
            }
            return null;
        });
        installNotebookKernel();
        for (String imports : List.of("import java.util.*;", "import java.nio.file.*;")) {
            shell.eval(imports);
        }
    }

    private Object addToClasspath(List<String> paths) {
        for (String p : paths) {
            for (String part : p.split(java.io.File.pathSeparator)) {
                Path path = Path.of(part);
                if (!Files.exists(path)) {
                    throw new IllegalArgumentException("%classpath: " + part + " does not exist");
                }
                shell.addToClasspath(path.toAbsolutePath().toString());
            }
        }
        return null;
    }

    @Override
    public Object evalRaw(String code) {
        String source = magicParser.resolveMagics(code);
        SourceCodeAnalysis analysis = shell.sourceCodeAnalysis();
        Object last = null;
        while (!source.isBlank()) {
            SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(source);
            if (!info.completeness().isComplete()) {
                throw new IllegalArgumentException("incomplete Java: " + source.strip());
            }
            last = null;
            // like other notebook kernels: "x" shows its value, "x;" shows nothing. JShell calls both
            // COMPLETE at the end of a cell, so the snippet's own text decides.
            boolean showValue = !info.source().strip().endsWith(";");
            for (SnippetEvent event : shell.eval(info.source())) {
                if (event.exception() != null) {
                    throw new SnippetException(event.exception());
                }
                if (event.status() == Snippet.Status.REJECTED) {
                    throw new IllegalArgumentException(diagnostics(event.snippet()));
                }
                Object value = control.takeLastValue();
                boolean expression = event.snippet().kind() == Snippet.Kind.EXPRESSION
                        || event.snippet().subKind() == Snippet.SubKind.TEMP_VAR_EXPRESSION_SUBKIND;
                if (event.causeSnippet() == null && expression && showValue) {
                    last = value;
                }
            }
            source = info.remaining();
        }
        return last;
    }

    private String diagnostics(Snippet snippet) {
        List<String> messages = new ArrayList<>();
        shell.diagnostics(snippet).forEach((Diag d) -> messages.add(d.getMessage(java.util.Locale.ROOT)));
        return "compilation failed: " + String.join("; ", messages) + "\n" + snippet.source();
    }

    @Override
    public DisplayData inspect(String code, int at, boolean extraDetail) {
        return null;
    }

    @Override
    public ReplacementOptions complete(String code, int at) {
        int[] anchor = new int[1];
        List<String> options = shell.sourceCodeAnalysis().completionSuggestions(code, at, anchor).stream()
                .map(SourceCodeAnalysis.Suggestion::continuation).distinct().toList();
        return options.isEmpty() ? null : new ReplacementOptions(options, anchor[0], at);
    }

    @Override
    public String isComplete(String code) {
        SourceCodeAnalysis.CompletionInfo info = shell.sourceCodeAnalysis().analyzeCompletion(code);
        return switch (info.completeness()) {
            case COMPLETE, COMPLETE_WITH_SEMI, EMPTY -> IS_COMPLETE_YES;
            case DEFINITELY_INCOMPLETE, CONSIDERED_INCOMPLETE -> IS_COMPLETE_MAYBE;
            default -> IS_COMPLETE_BAD;
        };
    }

    @Override
    public void onShutdown(boolean restart) {
        shell.close();
        // an orphaned kernel JVM would keep a core busy: leave for good
        new Thread(() -> {
            try {
                Thread.sleep(200);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
            System.exit(0);
        }).start();
    }

    /** An exception thrown by the notebook's own code, shown with its type and message. */
    static final class SnippetException extends RuntimeException {
        SnippetException(jdk.jshell.JShellException e) {
            super((e instanceof EvalException ee ? ee.getExceptionClassName() + ": " : "") + e.getMessage(), e);
            setStackTrace(e.getStackTrace());
        }
    }

    static final class Builder extends BaseKernelBuilder<Builder, TinyfmKernel> {
        @Override
        public TinyfmKernel build() {
            return new TinyfmKernel(buildName(), buildVersion(), buildHistoryManager(), buildJupyterIO(buildJupyterIOEncoding()),
                    buildCommManager(), buildRenderer(), new MagicParser("(?<=(?:^|=))\\s*%", "%%", buildMagicTranspiler()),
                    buildMagicsRegistry(), buildErrorStyler());
        }

        @Override
        protected String buildName() {
            return "tinyfm-java";
        }

        @Override
        protected String buildVersion() {
            return "0.1.0";
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: TinyfmKernel CONNECTION_FILE");
            System.exit(2);
        }
        System.setProperty("java.awt.headless", "true");
        KernelConnectionProperties props = KernelConnectionProperties.parse(Files.readString(Path.of(args[0])));
        JupyterConnection connection = new JupyterConnection(props);
        TinyfmKernel kernel = new Builder().build();
        kernel.becomeHandlerForConnection(connection);
        connection.connect();
        connection.waitUntilClose();
        System.exit(0);
    }

}
