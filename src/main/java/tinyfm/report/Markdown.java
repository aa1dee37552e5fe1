package tinyfm.report;

/**
 * Text in markdown, for a notebook to show rendered: a cell whose value is a Markdown shows its
 * tables as tables (the notebook kernel registers how). Reports write markdown to files; a
 * terminal gets plain text instead.
 */
public record Markdown(String text) {
    public static Markdown of(String text) {
        return new Markdown(text);
    }

    @Override
    public String toString() {
        return text;
    }
}
