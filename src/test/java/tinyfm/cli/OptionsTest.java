package tinyfm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import tinyfm.comparison.LabelBudget;
import tinyfm.util.UsageError;

/** One meaning per name: options that mean the same thing are spelled and parsed the same way in every command. */
class OptionsTest {
    @Test
    void labelBudgetsAreNumbersOrAllInFinetuneAndCompare() {
        assertEquals(LabelBudget.ALL, OptionValues.labelBudget("all"));
        assertEquals(LabelBudget.of(32), OptionValues.labelBudget(" 32"));
        for (String bad : new String[] {"0", "-1", "some", ""}) {
            assertTrue(assertThrows(UsageError.class, () -> OptionValues.labelBudget(bad)).getMessage().startsWith("--labels "));
        }
    }

    @Test
    void compareSeedsAreACountOrTheListOfSeeds() {
        assertEquals(5, OptionValues.seedCount("5"));
        assertEquals(3, OptionValues.seedCount("1,2,3"));
        assertEquals(3, OptionValues.seedCount("1, 2, 3"));
        for (String bad : new String[] {"0", "2,3", "1,3", "x", "1,,2"}) {
            assertTrue(assertThrows(UsageError.class, () -> OptionValues.seedCount(bad)).getMessage().startsWith("--seeds"), bad);
        }
    }

    @Test
    void everySeedDefaultsToTheSameNumber() {
        for (var sub : Main.commandLine().getSubcommands().values()) {
            var seed = sub.getCommandSpec().findOption("--seed");
            if (seed != null) {
                assertEquals(Main.DEFAULT_SEED, seed.defaultValue(), sub.getCommandName() + " --seed");
            }
        }
    }

    @Test
    void tokenizerAlwaysNamesAFileAndKindIsSpelledAsInPretrain() {
        var bench = Main.commandLine().getSubcommands().get("bench");
        assertEquals(boolean.class, bench.getCommandSpec().findOption("--bench-tokenizer").type());
        assertTrue(bench.getCommandSpec().findOption("--tokenizer").hidden(), "the old spelling still parses, unlisted");
        var train = Main.commandLine().getSubcommands().get("train-tokenizer").getCommandSpec();
        assertTrue(train.findOption("--kind").hidden(), "the old spelling still parses, unlisted");
        assertEquals(Main.commandLine().getSubcommands().get("pretrain").getCommandSpec().findOption("--tokenizer-kind").defaultValue(),
                train.findOption("--tokenizer-kind").defaultValue());
    }
}
