package tinyfm.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tinyfm.util.Home;

/** The data flows one way: no package reaches, through any chain of imports, back to itself. */
class PackagesTest {
    private static final Pattern USE = Pattern.compile("tinyfm\\.([a-z]+)\\.[A-Z]");

    /** Each package under src/main/java/tinyfm, and the packages its classes name. */
    static Map<String, Set<String>> graph() throws Exception {
        Path root = Home.dir().resolve("src/main/java/tinyfm");
        Map<String, Set<String>> graph = new TreeMap<>();
        try (var packages = Files.list(root)) {
            for (Path p : packages.filter(Files::isDirectory).toList()) {
                String name = p.getFileName().toString();
                Set<String> uses = new TreeSet<>();
                try (var files = Files.walk(p)) {
                    for (Path f : files.filter(x -> x.toString().endsWith(".java")).toList()) {
                        Matcher m = USE.matcher(Files.readString(f));
                        while (m.find()) {
                            uses.add(m.group(1));
                        }
                    }
                }
                uses.remove(name);
                graph.put(name, uses);
            }
        }
        return graph;
    }

    @Test
    void noPackageDependsOnItselfThroughOthers() throws Exception {
        Map<String, Set<String>> graph = graph();
        assertTrue(graph.containsKey("comparison") && graph.containsKey("pretraining"), graph.keySet().toString());
        List<String> cycles = new ArrayList<>();
        for (String start : graph.keySet()) {
            Set<String> seen = new TreeSet<>();
            ArrayDeque<String> todo = new ArrayDeque<>(graph.get(start));
            while (!todo.isEmpty()) {
                String next = todo.pop();
                if (seen.add(next)) {
                    todo.addAll(graph.getOrDefault(next, Set.of()));
                }
            }
            if (seen.contains(start)) {
                cycles.add(start);
            }
        }
        assertEquals(List.of(), cycles, "packages on an import cycle: " + graph);
    }

    @Test
    void theLibraryKnowsNothingOfTheCli() throws Exception {
        graph().forEach((name, uses) -> assertTrue(name.equals("cli") || !uses.contains("cli"), name + " uses cli"));
    }
}
