package tinyfm.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tinyfm.report.Report;
import tinyfm.util.Home;

/**
 * Every result the README states comes from a committed file that a command wrote. A passage that
 * cites results is fenced by {@code <!-- numbers from: FILE... -->} and {@code <!-- end -->}; every
 * number inside it must appear in one of those files. The grid's table is fenced by {@code <!-- table from:
 * DIR -->} and must equal the table that {@code tinyfm report --from DIR} derives.
 */
class EvidenceTest {
    private static final Pattern NUMBERS = Pattern.compile("<!-- numbers from: ([^>]+?) -->(.*?)<!-- end -->", Pattern.DOTALL);
    private static final Pattern TABLE = Pattern.compile("<!-- table from: (\\S+) -->\\s*(.*?)\\s*<!-- end -->", Pattern.DOTALL);
    private static final Pattern NUMBER = Pattern.compile("(?<![\\w.-])[+-]?\\d+(\\.\\d+)?"); // not the 512 of AVX-512

    private static String readme() throws Exception {
        return Files.readString(Home.dir().resolve("README.md"));
    }

    /** The minus sign typeset as − and thousands separators are the same number as - and none. */
    static String normalised(String s) {
        return s.replace('−', '-').replaceAll("(\\d),(\\d{3})", "$1$2");
    }

    /** Numbers in a passage that its source does not contain. */
    static List<String> missing(String passage, String source) {
        String src = normalised(source);
        List<String> out = new ArrayList<>();
        Matcher m = NUMBER.matcher(normalised(passage.replaceAll("\\[[^\\]]*\\]\\([^)]*\\)", "").replaceAll("`[^`]*`", "")));
        while (m.find()) {
            if (!src.contains(m.group())) {
                out.add(m.group());
            }
        }
        return out;
    }

    @Test
    void everyNumberInACitingPassageIsInItsSource() throws Exception {
        Matcher m = NUMBERS.matcher(readme());
        int passages = 0;
        while (m.find()) {
            passages++;
            StringBuilder sources = new StringBuilder();
            for (String name : m.group(1).trim().split("\\s+")) {
                Path source = Home.dir().resolve(name);
                assertTrue(Files.isRegularFile(source), "README cites a file that is not committed: " + name);
                sources.append(Files.readString(source)).append('\n');
            }
            List<String> missing = missing(m.group(2), sources.toString());
            assertTrue(missing.isEmpty(), "README numbers not found in " + m.group(1) + ": " + missing + "\nin: " + m.group(2).strip());
        }
        assertTrue(passages > 0, "the README's results cite their files");
    }

    @Test
    void theGridTableIsTheOneDerivedFromItsResults() throws Exception {
        Matcher m = TABLE.matcher(readme());
        assertTrue(m.find(), "the README shows the grid's table, fenced with its source");
        Report.Results grid = Report.read(Home.dir().resolve(m.group(1)));
        assertEquals(Report.mainTable(grid.runs()).strip(), m.group(2).strip(), "regenerate with: tinyfm report --from " + m.group(1));
    }

    @Test
    void aNumberThatIsNotInTheSourceIsCaught() {
        assertEquals(List.of("+31.0"), missing("gain +29.0 [+20.2, +37.8], and +31.0", "| +29.0 [+20.2, +37.8] |"));
        assertTrue(missing("−0.4 and 1,200 labels", "-0.4 of 1200").isEmpty(), "typeset minus and thousands separators match");
        assertTrue(missing("on AVX-512 and GPT-2", "").isEmpty(), "numbers inside names are not results");
        assertFalse(missing("see [the report](docs/x-2.md) and `--seeds 5`", "").contains("2"), "links and code are not results");
    }
}
