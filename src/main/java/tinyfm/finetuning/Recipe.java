package tinyfm.finetuning;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import tinyfm.util.InvalidSetting;

/**
 * How a pretrained body's learning rates are set while it is fine-tuned: ULMFiT's three levers
 * (Howard and Ruder 2018), each on or off.
 * <ul>
 * <li>{@code DISCRIMINATIVE} body rates: the top block learns at the head's rate and each block
 * below at 1/2.6 of the one above (the embeddings below the lowest block), so the general features
 * low in the network change least. {@code UNIFORM}: the whole body at one rate, a quarter of the head's.</li>
 * <li>{@code SLANTED_TRIANGULAR} schedule: a short linear rise over the first 10% of the steps from
 * 1/32 of the peak, then a long linear fall back to 1/32. {@code LINEAR_DECAY}: the peak from the
 * first step (or after a warm-up), falling linearly to zero.</li>
 * <li>Gradual unfreezing: the top block trains in the first epoch, one more block joins each epoch
 * (the same as {@code --mode unfreeze}).</li>
 * </ul>
 */
public record Recipe(BodyRates bodyRates, Schedule schedule, boolean gradualUnfreezing) {
    public enum BodyRates { UNIFORM, DISCRIMINATIVE }

    public enum Schedule { LINEAR_DECAY, SLANTED_TRIANGULAR }

    /** What every committed result before the recipe rows used. */
    public static final Recipe PLAIN = new Recipe(BodyRates.UNIFORM, Schedule.LINEAR_DECAY, false);
    public static final Recipe ULMFIT = new Recipe(BodyRates.DISCRIMINATIVE, Schedule.SLANTED_TRIANGULAR, true);

    /** ULMFiT's factor between the learning rates of neighbouring blocks. */
    public static final double LAYER_FACTOR = 2.6;
    /** The slanted triangular schedule's rise (a fraction of the steps) and its ratio of peak to lowest rate. */
    public static final double RISE_FRACTION = 0.1, PEAK_RATIO = 32;

    /** The names the command line takes, comma-separated: plain, ulmfit, or any of discriminative, slanted, unfreeze. */
    public static Recipe parse(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        if (v.equals("plain")) {
            return PLAIN;
        }
        if (v.equals("ulmfit")) {
            return ULMFIT;
        }
        BodyRates rates = BodyRates.UNIFORM;
        Schedule schedule = Schedule.LINEAR_DECAY;
        boolean unfreezing = false;
        for (String part : v.split(",")) {
            switch (part.trim()) {
                case "discriminative" -> rates = BodyRates.DISCRIMINATIVE;
                case "slanted" -> schedule = Schedule.SLANTED_TRIANGULAR;
                case "unfreeze" -> unfreezing = true;
                default -> throw new InvalidSetting("recipe", "takes plain, ulmfit, or some of discriminative,slanted,unfreeze; got '" + value + "'");
            }
        }
        return new Recipe(rates, schedule, unfreezing);
    }

    /** The inverse of {@link #parse}: the shortest name that gives this recipe. */
    public String id() {
        if (equals(PLAIN)) {
            return "plain";
        }
        if (equals(ULMFIT)) {
            return "ulmfit";
        }
        List<String> parts = new ArrayList<>();
        if (bodyRates == BodyRates.DISCRIMINATIVE) {
            parts.add("discriminative");
        }
        if (schedule == Schedule.SLANTED_TRIANGULAR) {
            parts.add("slanted");
        }
        if (gradualUnfreezing) {
            parts.add("unfreeze");
        }
        return String.join(",", parts);
    }

    /** In words, for reports. */
    public String describe() {
        List<String> parts = new ArrayList<>();
        parts.add(bodyRates == BodyRates.DISCRIMINATIVE
                ? "discriminative learning rates (top block at the head's rate, each lower block /" + LAYER_FACTOR + ")"
                : "one learning rate for the body (a quarter of the head's)");
        parts.add(schedule == Schedule.SLANTED_TRIANGULAR ? "the slanted triangular schedule" : "a linear decay to zero");
        if (gradualUnfreezing) {
            parts.add("gradual unfreezing (one more block each epoch)");
        }
        return String.join(", ", parts);
    }

    /**
     * The slanted triangular schedule at {@code step} of {@code totalSteps}, as a fraction of the
     * peak: 1/32 at the first step, the peak at 10% of the steps (at least one step in), 1/32 again
     * at the end. A run of one or two steps trains at the peak.
     */
    public static double slantedTriangular(int step, int totalSteps) {
        if (totalSteps <= 2) { // no room for a rise and a fall: the peak throughout
            return 1;
        }
        double cut = Math.max(1, Math.floor(totalSteps * RISE_FRACTION));
        double p = step < cut ? step / cut : 1 - (step - cut) / Math.max(1, totalSteps - 1 - cut);
        return (1 + Math.max(0, p) * (PEAK_RATIO - 1)) / PEAK_RATIO;
    }
}
