package tinyfm.util;

/**
 * A setting out of its range, said in the library's words: "epochs must be at least 1, got 0". The
 * library knows settings, not options; the CLI names the option that set it ("--epochs must be ...")
 * and treats it as a usage error.
 */
public class InvalidSetting extends UserError {
    private final String setting, problem;

    public InvalidSetting(String setting, String problem) {
        super(setting + " " + problem);
        this.setting = setting;
        this.problem = problem;
    }

    /** The setting, as the library names it ("epochs", "learning rate"). */
    public String setting() {
        return setting;
    }

    /** What is wrong with it, without its name ("must be at least 1, got 0"). */
    public String problem() {
        return problem;
    }

    /** Throws unless the check holds. */
    public static void check(boolean ok, String setting, String problem) {
        if (!ok) {
            throw new InvalidSetting(setting, problem);
        }
    }
}
