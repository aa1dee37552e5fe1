package tinyfm.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * A table for a terminal: aligned plain-text columns, the first left-aligned and the rest right-aligned,
 * a header underlined with dashes, no markdown. Markdown tables belong in report.md.
 */
final class TextTable {
    /** The widest a line of the CLI's output may be. */
    static final int MAX_WIDTH = 100;
    private static final String GAP = "  ";
    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();

    TextTable(String... header) {
        this.header = List.of(header);
    }

    TextTable row(String... cells) {
        if (cells.length != header.size()) {
            throw new IllegalArgumentException("a row of " + cells.length + " cells in a table of " + header.size() + " columns");
        }
        rows.add(List.of(cells));
        return this;
    }

    boolean isEmpty() {
        return rows.isEmpty();
    }

    /** The table as lines, each indented by {@code indent}. */
    List<String> lines(String indent) {
        int[] widths = new int[header.size()];
        for (List<String> r : concat()) {
            for (int c = 0; c < r.size(); c++) {
                widths[c] = Math.max(widths[c], r.get(c).length());
            }
        }
        List<String> out = new ArrayList<>();
        out.add(indent + line(header, widths));
        StringBuilder rule = new StringBuilder();
        for (int c = 0; c < widths.length; c++) {
            rule.append(c == 0 ? "" : GAP).append("-".repeat(widths[c]));
        }
        out.add(indent + rule);
        rows.forEach(r -> out.add(indent + line(r, widths)));
        return out;
    }

    private List<List<String>> concat() {
        List<List<String>> all = new ArrayList<>(rows);
        all.add(header);
        return all;
    }

    private static String line(List<String> cells, int[] widths) {
        StringBuilder sb = new StringBuilder();
        for (int c = 0; c < cells.size(); c++) {
            String cell = cells.get(c);
            String pad = " ".repeat(widths[c] - cell.length());
            sb.append(c == 0 ? "" : GAP).append(c == 0 ? cell + pad : pad + cell);
        }
        return sb.toString().stripTrailing();
    }
}
