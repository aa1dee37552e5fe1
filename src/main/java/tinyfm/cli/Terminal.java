package tinyfm.cli;

/** What the CLI needs to know about the terminal it writes to: its width, and which characters are safe to print. */
final class Terminal {
    /** The width assumed when the shell does not say (COLUMNS is unset when the output is not a terminal). */
    static final int DEFAULT_WIDTH = 80;

    private Terminal() {}

    /** Columns available: the COLUMNS variable if it holds a sensible number, else 80. */
    static int width() {
        try {
            int columns = Integer.parseInt(System.getenv().getOrDefault("COLUMNS", "").trim());
            return columns >= 20 ? columns : DEFAULT_WIDTH;
        } catch (NumberFormatException e) {
            return DEFAULT_WIDTH;
        }
    }

    /**
     * Text a model generated, made safe to print: control characters other than newline and tab
     * (ESC, carriage return, the C1 controls, ...) are shown as {@code \x1b}, so a sample cannot move the
     * cursor, change colours or rewrite the line it is on.
     */
    static String printable(String text) {
        StringBuilder sb = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean control = (c < 0x20 && c != '\n' && c != '\t') || (c >= 0x7f && c <= 0x9f);
            if (control && sb == null) {
                sb = new StringBuilder(text.length() + 8).append(text, 0, i);
            }
            if (sb != null) {
                sb.append(control ? String.format("\\x%02x", (int) c) : String.valueOf(c));
            }
        }
        return sb == null ? text : sb.toString();
    }

    /** Generated text on one line, a line break shown as " / " (the demo and the samples say so), control characters escaped. */
    static String oneLine(String text) {
        return printable(text.replace("\r", "").replace("\n", " / "));
    }
}
