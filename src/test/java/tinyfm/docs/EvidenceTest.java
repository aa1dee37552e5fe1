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
 * Every result the README and docs/ state comes from a committed file that a command wrote. A passage that
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

    /**
     * Numbers in a passage that its source does not contain, written out or rounded: 2.422 is in a
     * source that holds 2.4215578, since that is what it rounds to at three decimals.
     */
    static List<String> missing(String passage, String source) {
        String src = normalised(source);
        List<java.math.BigDecimal> decimals = new ArrayList<>();
        Matcher d = Pattern.compile("\\d+\\.\\d+").matcher(src);
        while (d.find()) {
            decimals.add(new java.math.BigDecimal(d.group()));
        }
        List<String> out = new ArrayList<>();
        Matcher m = NUMBER.matcher(normalised(passage.replaceAll("\\[[^\\]]*\\]\\([^)]*\\)", "").replaceAll("`[^`]*`", "")));
        while (m.find()) {
            if (!src.contains(m.group()) && !roundedFrom(m.group(), decimals)) {
                out.add(m.group());
            }
        }
        return out;
    }

    private static boolean roundedFrom(String number, List<java.math.BigDecimal> decimals) {
        if (!number.contains(".")) {
            return false;
        }
        java.math.BigDecimal wanted = new java.math.BigDecimal(number.replace("+", "")).abs();
        return decimals.stream().anyMatch(x -> x.scale() > wanted.scale()
                && x.setScale(wanted.scale(), java.math.RoundingMode.HALF_UP).compareTo(wanted) == 0);
    }

    /** The README and every Markdown page under docs/: each may fence passages that cite results. */
    private static List<Path> pages() throws Exception {
        List<Path> pages = new ArrayList<>(List.of(Home.dir().resolve("README.md")));
        try (var walk = Files.walk(Home.dir().resolve("docs"))) {
            walk.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        return pages;
    }

    @Test
    void everyNumberInACitingPassageIsInItsSource() throws Exception {
        int inReadme = 0;
        for (Path page : pages()) {
            String where = Home.dir().relativize(page).toString();
            Matcher m = NUMBERS.matcher(Files.readString(page));
            while (m.find()) {
                inReadme += where.equals("README.md") ? 1 : 0;
                StringBuilder sources = new StringBuilder();
                for (String name : m.group(1).trim().split("\\s+")) {
                    Path source = Home.dir().resolve(name);
                    assertTrue(Files.isRegularFile(source), where + " cites a file that is not committed: " + name);
                    sources.append(Files.readString(source)).append('\n');
                }
                List<String> missing = missing(m.group(2), sources.toString());
                assertTrue(missing.isEmpty(), where + ": numbers not found in " + m.group(1) + ": " + missing + "\nin: " + m.group(2).strip());
            }
        }
        assertTrue(inReadme > 0, "the README's results cite their files");
    }

    @Test
    void theGridTableIsTheOneDerivedFromItsResults() throws Exception {
        Matcher m = TABLE.matcher(readme());
        assertTrue(m.find(), "the README shows the grid's table, fenced with its source");
        Report.Results grid = Report.read(Home.dir().resolve(m.group(1)));
        assertEquals(Report.mainTable(grid.runs(), grid.context().spec().pairs()).strip(), m.group(2).strip(), "regenerate with: tinyfm report --from " + m.group(1));
    }

    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s#]+)(#[^)\\s]*)?\\)");

    /** Relative links and images in a Markdown page whose file does not exist. */
    static List<String> brokenLinks(Path page, String text) {
        List<String> out = new ArrayList<>();
        Matcher m = LINK.matcher(text.replaceAll("`[^`]*`", ""));
        while (m.find()) {
            String target = m.group(1);
            if (!target.contains(":") && !Files.exists(page.getParent().resolve(target))) {
                out.add(target);
            }
        }
        return out;
    }

    @Test
    void everyLinkAndChartAPageShowsIsCommitted() throws Exception {
        List<String> broken = new ArrayList<>();
        for (Path page : pages()) {
            brokenLinks(page, Files.readString(page)).forEach(t -> broken.add(Home.dir().relativize(page) + " -> " + t));
        }
        assertEquals(List.of(), broken, "links to files that are not there (a report's charts: commit them, or say how to draw them)");
    }

    @Test
    void theReadmeTeachesInTwoHundredLinesAndGivesTheTwoCommands() throws Exception {
        List<String> lines = readme().lines().toList();
        assertTrue(lines.size() <= 200, "the README has " + lines.size() + " lines; the rest belongs in docs/findings.md");
        String ci = Files.readString(Home.dir().resolve(".ci/run"));
        assertTrue(readme().contains("`mvn -B verify`") && ci.lines().anyMatch(l -> l.strip().equals("mvn -B verify")),
                "CI runs the README's test command exactly");
        assertTrue(readme().contains("`./tinyfm demo`") && readme().contains("`.\\tinyfm.cmd demo`"), "the demo's command, on every OS");
    }

    @Test
    void aBrokenLinkIsCaught() {
        Path page = Home.dir().resolve("README.md");
        assertEquals(List.of("docs/no-such-page.md", "gone.png"),
                brokenLinks(page, "[a](docs/no-such-page.md), [b](docs/cli.md#x), ![c](gone.png), [d](https://example.org/x) and `[e](f.md)`"));
    }

    @Test
    void aNumberThatIsNotInTheSourceIsCaught() {
        assertEquals(List.of("+31.0"), missing("gain +29.0 [+20.2, +37.8], and +31.0", "| +29.0 [+20.2, +37.8] |"));
        assertTrue(missing("−0.4 and 1,200 labels", "-0.4 of 1200").isEmpty(), "typeset minus and thousands separators match");
        assertTrue(missing("2.422 bits per byte", "\"bits\": 2.4215578").isEmpty(), "a rounded figure matches its source");
        assertEquals(List.of("2.41", "2.43"), missing("2.41 or 2.43", "\"bits\": 2.4215578"), "but not one rounded wrongly");
        assertTrue(missing("on AVX-512 and GPT-2", "").isEmpty(), "numbers inside names are not results");
        assertFalse(missing("see [the report](docs/x-2.md) and `--seeds 5`", "").contains("2"), "links and code are not results");
    }
}
