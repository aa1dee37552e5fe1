package tinyfm.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tinyfm.setup.NotebookKernel;
import tinyfm.setup.Platform;
import tinyfm.util.Home;

@Command(name = "notebooks", description = {
        "Set up the Jupyter notebooks: 'tinyfm notebooks install' builds the Java kernel and registers it with Jupyter.",
        "It works on Linux, macOS and Windows, with any Jupyter on the PATH (pip, conda, Homebrew, Debian)."},
        subcommands = NotebooksCommand.Install.class)
final class NotebooksCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is needed: install");
    }

    @Command(name = "install", description = {
            "Build the notebooks' Java kernel (notebooks/kernel) if needed, and write its Jupyter kernelspec.",
            "By default into the project (notebooks/.jupyter: nothing is written to your home folder); with --user into Jupyter's own folder for you."})
    static final class Install implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
        boolean help;

        @Option(names = "--user", description = "Install into your Jupyter data folder (~/.local/share/jupyter, ~/Library/Jupyter or %%APPDATA%%\\jupyter), so any Jupyter finds it without JUPYTER_PATH.")
        boolean user;

        @Override
        public Integer call() {
            var out = spec.commandLine().getOut();
            Platform platform = Platform.current();
            Path root = Home.dir();
            NotebookKernel kernel = new NotebookKernel(root, platform);
            if (kernel.needsBuild()) {
                spec.commandLine().getErr().println("Building the notebook kernel (a minute the first time)...");
            }
            kernel.buildIfNeeded(root.resolve("target").resolve("kernel-build.log"));
            Path jupyterPath = user ? platform.jupyterDataDir() : kernel.projectJupyterPath();
            Path java = Path.of(System.getProperty("java.home"), "bin", platform.program("java"));
            Path installed = kernel.install(jupyterPath, java);
            out.println("Kernel '" + NotebookKernel.NAME + "' installed in " + installed);
            var jupyter = kernel.jupyter();
            if (jupyter.isEmpty()) {
                out.println("No Jupyter is on the PATH; to get one: " + platform.jupyterHint());
            } else {
                out.println("Jupyter: " + jupyter.get());
            }
            String open = "jupyter notebook \"" + root.resolve("notebooks") + "\"";
            out.println("Open the notebooks with: " + (user ? open : platform.withVariable("JUPYTER_PATH", jupyterPath.toString(), open)));
            return 0;
        }
    }
}
