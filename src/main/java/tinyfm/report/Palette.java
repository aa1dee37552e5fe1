package tinyfm.report;

import java.awt.Color;
import java.util.Map;

/**
 * One colour per arm and one per task, in every chart, so a reader who learnt that orange is "from
 * scratch" on one slide reads it so on the next. Baselines a reader already trusts are grey (chance,
 * no difference); a target is dark red. Arms and tasks never share a colour.
 */
public final class Palette {
    private Palette() {}

    public static final Color CHANCE = Color.GRAY;
    public static final Color TARGET = new Color(170, 0, 0);

    private static final Map<String, Color> ARMS = Map.of(
            "full", new Color(31, 119, 180),     // blue: the fine-tuned base
            "head", new Color(120, 170, 220),    // light blue: the base, head only
            "probe", new Color(148, 103, 189),   // purple: the frozen base's features
            "zero", new Color(227, 119, 194),    // pink: prompting, zero-shot
            "few", new Color(190, 60, 150),      // deep pink: prompting, few-shot
            "scratch", new Color(255, 127, 14),  // orange: the same model from random weights
            "bow", new Color(44, 160, 44));      // green: bag-of-words
    private static final Map<String, Color> TASKS = Map.of(
            "topic", new Color(140, 86, 75),     // brown
            "sentiment", new Color(23, 190, 207), // cyan
            "spam", new Color(188, 189, 34));    // olive
    private static final Color[] OTHERS = {new Color(80, 80, 80), new Color(0, 90, 90), new Color(120, 60, 0)};

    /** An arm's colour; an arm tinyfm does not ship gets a dark one of its own. */
    public static Color arm(String id) {
        return ARMS.getOrDefault(id, OTHERS[Math.floorMod(id.hashCode(), OTHERS.length)]);
    }

    /** A task's colour; a user's own task gets a dark one of its own. */
    public static Color task(String name) {
        return TASKS.getOrDefault(name, OTHERS[Math.floorMod(name.hashCode(), OTHERS.length)]);
    }

    /** Stops of a dark-to-light ramp (viridis) for an ordered quantity: model sizes, compute budgets. */
    private static final Color[] RAMP = {new Color(68, 1, 84), new Color(59, 82, 139), new Color(33, 145, 140),
            new Color(94, 201, 98), new Color(253, 231, 37)};

    /**
     * The colour of the {@code i}-th of {@code n} ordered things (smallest first, darkest first), so a
     * chart of sizes reads as a scale and never borrows an arm's or a task's colour.
     */
    public static Color ramp(int i, int n) {
        double t = n <= 1 ? 0 : (double) i / (n - 1) * 0.85; // stop short of the palest yellow, hard to see on white
        double at = t * (RAMP.length - 1);
        int k = Math.min((int) at, RAMP.length - 2);
        double f = at - k;
        Color a = RAMP[k], b = RAMP[k + 1];
        return new Color((int) Math.round(a.getRed() + f * (b.getRed() - a.getRed())),
                (int) Math.round(a.getGreen() + f * (b.getGreen() - a.getGreen())),
                (int) Math.round(a.getBlue() + f * (b.getBlue() - a.getBlue())));
    }

    /** Every colour the palette gives a name, to check that none is used for two things. */
    static Map<String, Color> named() {
        java.util.Map<String, Color> all = new java.util.LinkedHashMap<>();
        ARMS.forEach((k, v) -> all.put("arm " + k, v));
        TASKS.forEach((k, v) -> all.put("task " + k, v));
        all.put("chance", CHANCE);
        all.put("target", TARGET);
        return all;
    }
}
