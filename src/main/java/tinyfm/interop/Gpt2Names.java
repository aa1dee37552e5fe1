package tinyfm.interop;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * tinyfm's parameter names and GPT-2's, as Hugging Face's {@code GPT2LMHeadModel} names them. The
 * layouts agree: a linear layer's weight is [in, out] in both (GPT-2's {@code Conv1D}), and the
 * attention's fused projection holds the queries, keys and values side by side, each split into
 * heads the same way. The LM head is the token embedding (tied), so it is not written.
 */
final class Gpt2Names {
    private Gpt2Names() {}

    private static final String[][] BLOCK = {
        {"ln1.gain", "ln_1.weight"}, {"ln1.bias", "ln_1.bias"},
        {"attention.qkv.weight", "attn.c_attn.weight"}, {"attention.qkv.bias", "attn.c_attn.bias"},
        {"attention.proj.weight", "attn.c_proj.weight"}, {"attention.proj.bias", "attn.c_proj.bias"},
        {"ln2.gain", "ln_2.weight"}, {"ln2.bias", "ln_2.bias"},
        {"mlp.fc.weight", "mlp.c_fc.weight"}, {"mlp.fc.bias", "mlp.c_fc.bias"},
        {"mlp.proj.weight", "mlp.c_proj.weight"}, {"mlp.proj.bias", "mlp.c_proj.bias"},
    };
    private static final String[][] TOP = {
        {"embedding.token", "transformer.wte.weight"}, {"embedding.position", "transformer.wpe.weight"},
        {"final_norm.gain", "transformer.ln_f.weight"}, {"final_norm.bias", "transformer.ln_f.bias"},
    };
    private static final Pattern TINYFM_BLOCK = Pattern.compile("block\\.(\\d+)\\.(.+)");

    /** GPT-2's name for a tinyfm parameter. */
    static String gpt2(String tinyfm) {
        for (String[] pair : TOP) {
            if (pair[0].equals(tinyfm)) {
                return pair[1];
            }
        }
        Matcher m = TINYFM_BLOCK.matcher(tinyfm);
        if (m.matches()) {
            for (String[] pair : BLOCK) {
                if (pair[0].equals(m.group(2))) {
                    return "transformer.h." + m.group(1) + "." + pair[1];
                }
            }
        }
        throw new IllegalArgumentException("no GPT-2 name for parameter " + tinyfm);
    }
}
