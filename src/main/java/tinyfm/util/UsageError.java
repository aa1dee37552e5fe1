package tinyfm.util;

/**
 * A bad option value, found after parsing ("--lr must be in (0, 1)"): a usage error like a typo,
 * so the CLI names the option, points to --help and exits with 2.
 */
public class UsageError extends UserError {
    public UsageError(String message) {
        super(message);
    }

    /** Throws a UsageError with the message unless the check holds. */
    public static void check(boolean ok, String message) {
        if (!ok) {
            throw new UsageError(message);
        }
    }
}
