package tinyfm.notebook;

import java.lang.reflect.Method;
import jdk.jshell.execution.DirectExecutionControl;

/**
 * Runs JShell snippets in the kernel's own JVM and keeps the value of the last one, so the kernel
 * can render it (a chart as a picture, not as a string). DirectExecutionControl, not
 * LocalExecutionControl: the latter breaks on Java 22+ (NoClassDefFoundError: REPL/$Cancel$).
 */
final class SnippetExecutionControl extends DirectExecutionControl {
    private Object lastValue;

    @Override
    protected String invoke(Method doitMethod) throws Exception {
        // ND4J finds its native backend through ServiceLoader on the context class loader:
        // it must be the loader that sees the snippets' class path.
        Thread.currentThread().setContextClassLoader(doitMethod.getDeclaringClass().getClassLoader());
        lastValue = doitMethod.invoke(null);
        return valueString(lastValue);
    }

    Object takeLastValue() {
        Object v = lastValue;
        lastValue = null;
        return v;
    }
}
