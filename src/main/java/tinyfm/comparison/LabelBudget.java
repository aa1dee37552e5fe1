package tinyfm.comparison;

import com.google.gson.TypeAdapter;
import com.google.gson.annotations.JsonAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonWriter;
import java.io.IOException;

/**
 * How many labelled examples a run may see: a number, or every example of the training split
 * ({@link #ALL}). A prompted run's budget is its shots (0 for zero-shot). Written to JSON as
 * {@code "100"} or {@code "all"}, the way a person says it.
 */
@JsonAdapter(LabelBudget.AsText.class)
public record LabelBudget(int count) implements Comparable<LabelBudget> {
    private static final int EVERY_EXAMPLE = -1;
    public static final LabelBudget ALL = new LabelBudget(EVERY_EXAMPLE);

    public LabelBudget {
        if (count < 0 && count != EVERY_EXAMPLE) {
            throw new IllegalArgumentException("a label budget is a number of examples, at least 0, got " + count);
        }
    }

    public static LabelBudget of(int count) {
        return new LabelBudget(count);
    }

    /** "100" or "all"; anything else is a {@link tinyfm.util.UserError} naming the value. */
    public static LabelBudget parse(String text) {
        String t = text.trim();
        if (t.equals("all")) {
            return ALL;
        }
        try {
            int n = Integer.parseInt(t);
            if (n >= 1) {
                return new LabelBudget(n);
            }
        } catch (NumberFormatException e) {
            // worded below
        }
        throw new tinyfm.util.UserError("a label budget is a positive number of examples or 'all', got '" + text + "'");
    }

    public boolean all() {
        return count == EVERY_EXAMPLE;
    }

    /** Every example counts as more than any number. */
    @Override
    public int compareTo(LabelBudget other) {
        return Long.compare(all() ? Long.MAX_VALUE : count, other.all() ? Long.MAX_VALUE : other.count);
    }

    @Override
    public String toString() {
        return all() ? "all" : String.valueOf(count);
    }

    static final class AsText extends TypeAdapter<LabelBudget> {
        @Override
        public void write(JsonWriter out, LabelBudget value) throws IOException {
            out.value(value.toString());
        }

        @Override
        public LabelBudget read(JsonReader in) throws IOException {
            String text = in.nextString();
            return text.equals("all") ? ALL : new LabelBudget(Integer.parseInt(text));
        }
    }
}
