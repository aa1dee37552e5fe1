package tinyfm.notebook;

import java.util.Set;
import org.dflib.jjava.jupyter.kernel.display.Renderer;
import org.dflib.jjava.jupyter.kernel.display.mime.MIMEType;

/** Shows a tinyfm.report.Markdown value rendered, tables as tables, with its plain text beside it. */
final class MarkdownText {
    private MarkdownText() {}

    @SuppressWarnings({"unchecked", "rawtypes"})
    static void register(Renderer renderer) {
        Class<?> type;
        try {
            type = Class.forName("tinyfm.report.Markdown");
        } catch (ClassNotFoundException e) {
            return; // the tinyfm jar is not on the class path: nothing to render
        }
        renderer.register(Set.of(MIMEType.TEXT_MARKDOWN, MIMEType.TEXT_PLAIN), Set.of(MIMEType.TEXT_MARKDOWN), Set.of((Class) type),
                (value, context) -> {
                    context.renderIfRequested(MIMEType.TEXT_MARKDOWN, value::toString);
                    context.renderIfRequested(MIMEType.TEXT_PLAIN, value::toString);
                });
    }
}
