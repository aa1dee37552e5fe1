package tinyfm.generation;

import tinyfm.util.InvalidSetting;

/**
 * How the next token is drawn from the model's distribution. Temperature below 1 sharpens it
 * (0 means always take the most likely token); top-k keeps only the k most likely tokens.
 */
public record Sampling(double temperature, int topK, long seed) {
    public Sampling {
        if (!(temperature >= 0) || temperature > 100) {
            throw new InvalidSetting("temperature", "must be between 0 and 100, got " + temperature);
        }
        if (topK < 0) {
            throw new InvalidSetting("top-k", "must be >= 0 (0 means no limit), got " + topK);
        }
    }
}
