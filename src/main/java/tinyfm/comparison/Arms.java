package tinyfm.comparison;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import tinyfm.util.UserError;

/**
 * Every arm an experiment can run, by id. The bundled ones are registered here; a new arm is one
 * class and one {@link #register} call. Each arm is made from its entry in the spec, so it can read
 * its own options (the full fine-tune's recipe and learning rate).
 */
public final class Arms {
    private Arms() {}

    /** The arms tinyfm ships, in the order a report lists them. */
    public static final List<String> BUNDLED = List.of(FullFineTuneArm.ID, HeadOnlyArm.ID, LinearProbeArm.ID, PromptedArm.ZERO_SHOT,
            PromptedArm.FEW_SHOT, FromScratchArm.ID, BagOfWordsArm.ID);

    private static final Map<String, Function<ExperimentSpec.ArmSpec, Arm>> FACTORIES = new LinkedHashMap<>();
    private static final Map<String, Arm> DEFAULTS = new LinkedHashMap<>();

    static {
        register(FullFineTuneArm.ID, FullFineTuneArm::new);
        register(HeadOnlyArm.ID, s -> new HeadOnlyArm());
        register(LinearProbeArm.ID, LinearProbeArm::of);
        register(PromptedArm.ZERO_SHOT, s -> new PromptedArm(false));
        register(PromptedArm.FEW_SHOT, s -> new PromptedArm(true));
        register(FromScratchArm.ID, s -> new FromScratchArm());
        register(BagOfWordsArm.ID, s -> new BagOfWordsArm());
    }

    /** Makes {@code id} available to specs; the arm is made afresh, with its options, for each experiment. */
    public static synchronized void register(String id, Function<ExperimentSpec.ArmSpec, Arm> factory) {
        FACTORIES.put(id, factory);
        DEFAULTS.put(id, factory.apply(new ExperimentSpec.ArmSpec(id, Map.of())));
    }

    /** The arm a spec's entry names, with that entry's options. */
    public static synchronized Arm make(ExperimentSpec.ArmSpec spec) {
        Function<ExperimentSpec.ArmSpec, Arm> factory = FACTORIES.get(spec.arm());
        if (factory == null) {
            throw new UserError("unknown arm '" + spec.arm() + "'; the arms are " + String.join(", ", ids()));
        }
        return factory.apply(spec);
    }

    public static synchronized boolean known(String id) {
        return FACTORIES.containsKey(id);
    }

    public static synchronized List<String> ids() {
        return List.copyOf(FACTORIES.keySet());
    }

    /** The arm's heading, or its id for an arm this program does not know (a results file from elsewhere). */
    public static synchronized String label(String id) {
        Arm arm = DEFAULTS.get(id);
        return arm == null ? id : arm.label();
    }

    public static synchronized String shortLabel(String id) {
        Arm arm = DEFAULTS.get(id);
        return arm == null ? id : arm.shortLabel();
    }

    public static synchronized String noun(String id) {
        Arm arm = DEFAULTS.get(id);
        return arm == null ? id : arm.noun();
    }

    /** Whether runs of this arm trained on a label budget; an unknown arm is taken to have. */
    public static synchronized boolean trained(String id) {
        Arm arm = DEFAULTS.get(id);
        return arm == null || arm.trained();
    }
}
