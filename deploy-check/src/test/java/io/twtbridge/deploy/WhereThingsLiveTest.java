package io.twtbridge.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The README's "Where things live" names classes a newcomer is sent to: each one (a class, or a member of one such as
 * {@code PostingService.decide}) still exists, in a source file of that name.
 */
class WhereThingsLiveTest {
    private static final Path REPO = Path.of(System.getProperty(
            "maven.multiModuleProjectDirectory",
            Path.of("").toAbsolutePath().getParent().toString()));
    /** {@code `Name`} or {@code `Name.member`}: a class name starts upper case and has a lower case letter. */
    private static final Pattern NAMED = Pattern.compile("`([A-Z][A-Za-z0-9]*[a-z][A-Za-z0-9]*)(?:\\.([A-Za-z]+))?`");

    @Test
    void everyClassTheSectionNamesExists() throws IOException {
        String readme = Files.readString(REPO.resolve("README.md"));
        int start = readme.indexOf("\n## Where things live");
        assertTrue(start >= 0, "README.md has no \"Where things live\" section");
        int end = readme.indexOf("\n## ", start + 1);
        String section = readme.substring(start, end < 0 ? readme.length() : end);
        Map<String, Path> sources = sources();
        List<String> missing = new ArrayList<>();
        Set<String> named = new TreeSet<>();
        Matcher m = NAMED.matcher(section);
        while (m.find()) {
            named.add(m.group(0));
            Path file = sources.get(m.group(1));
            if (file == null) {
                missing.add(m.group(1) + " (no " + m.group(1) + ".java)");
            } else if (m.group(2) != null && !mentions(file, m.group(2))) {
                missing.add(m.group(1) + "." + m.group(2) + " (not in " + REPO.relativize(file) + ")");
            }
        }
        assertTrue(named.size() > 30, "the section's class names were not found: " + named);
        assertEquals(List.of(), missing);
    }

    /** Every Java source file of the modules, by class name. */
    private static Map<String, Path> sources() throws IOException {
        try (Stream<Path> files = Files.walk(REPO)) {
            return files.filter(
                            p -> p.toString().contains("/src/") && !p.toString().contains("/target/"))
                    .filter(p -> p.getFileName().toString().endsWith(".java"))
                    .collect(Collectors.toMap(
                            p -> p.getFileName().toString().replace(".java", ""), p -> p, (a, b) -> a));
        }
    }

    private static boolean mentions(Path file, String member) throws IOException {
        return Pattern.compile("\\b" + Pattern.quote(member) + "\\b")
                .matcher(Files.readString(file))
                .find();
    }
}
