package tinyfm.util;

/**
 * A problem the user can fix: a missing file, a bad option, a corrupt base.
 * The CLI prints its message as one line, without a stack trace.
 */
public class UserError extends RuntimeException {
    public UserError(String message) {
        super(message);
    }

    public UserError(String message, Throwable cause) {
        super(message, cause);
    }
}
