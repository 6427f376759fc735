import com.palantir.javaformat.java.Formatter;
import com.palantir.javaformat.java.FormatterException;
import com.palantir.javaformat.java.ImportOrderer;
import com.palantir.javaformat.java.JavaFormatterOptions;
import com.palantir.javaformat.java.RemoveUnusedImports;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * The format check of `mvn verify` (pom.xml, execution {@code format}): palantir-java-format in Palantir style, imports
 * ordered and unused ones removed — the steps of Spotless' {@code palantirJavaFormat}, in its order, so that this check
 * and {@code mvn spotless:apply} agree. The build runs it with a JDK 21+ (the toolchain when Maven runs on an older
 * JDK): the formatter parses with the javac of the JVM it runs in, and the code is Java 21.
 *
 * <p>{@code java -cp <palantir-java-format> FormatCheck.java check|replace <dir>...}: {@code check} lists the files
 * that are not formatted and exits with 1; {@code replace} formats them in place.
 */
public final class FormatCheck {
    private static final JavaFormatterOptions.Style STYLE = JavaFormatterOptions.Style.PALANTIR;

    private FormatCheck() {}

    private sealed interface Outcome {}

    private record Formatted() implements Outcome {}

    private record Changed(Path file, String formatted, int firstLine) implements Outcome {}

    private record Unparsable(Path file, String why) implements Outcome {}

    public static void main(String[] args) throws IOException {
        if (args.length < 1 || !List.of("check", "replace").contains(args[0])) {
            System.err.println("usage: FormatCheck check|replace <source dir>...");
            System.exit(2);
        }
        boolean replace = args[0].equals("replace");
        List<Path> files = Stream.of(args)
                .skip(1)
                .map(Path::of)
                .filter(Files::isDirectory)
                .flatMap(FormatCheck::javaFiles)
                .sorted()
                .toList();
        List<Outcome> outcomes = files.parallelStream().map(FormatCheck::format).toList();
        int changed = 0;
        int unparsable = 0;
        for (Outcome o : outcomes) {
            switch (o) {
                case Formatted f -> {}
                case Changed c -> {
                    changed++;
                    if (replace) {
                        Files.writeString(c.file(), c.formatted());
                        System.out.println("formatted " + c.file());
                    } else {
                        System.out.println("not formatted: " + c.file() + ":" + c.firstLine());
                    }
                }
                case Unparsable u -> {
                    unparsable++;
                    System.out.println("cannot format " + u.file() + ": " + u.why());
                }
            }
        }
        String formatter = "palantir-java-format on Java " + Runtime.version().feature();
        if (!replace && changed > 0) {
            System.out.println(changed + " of " + files.size() + " files are not formatted (" + formatter + "): run"
                    + " `mvn spotless:apply` (Maven on JDK 21+), or on any JDK"
                    + " `mvn validate exec:exec@format -Dtwt.format=replace`");
        }
        if (unparsable > 0 || (!replace && changed > 0)) {
            System.exit(1);
        }
        System.out.println(files.size() + " files checked, " + (replace ? changed + " formatted" : "all formatted")
                + " (" + formatter + ")");
    }

    private static Stream<Path> javaFiles(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(p -> p.toString().endsWith(".java")).toList().stream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Outcome format(Path file) {
        try {
            String source = Files.readString(file);
            Formatter formatter = Formatter.createFormatter(
                    JavaFormatterOptions.builder().style(STYLE).build());
            String formatted = formatter.formatSource(
                    RemoveUnusedImports.removeUnusedImports(ImportOrderer.reorderImports(source, STYLE)));
            return formatted.equals(source)
                    ? new Formatted()
                    : new Changed(file, formatted, firstDifference(source, formatted));
        } catch (FormatterException e) {
            return new Unparsable(file, e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The first line (1-based) where {@code a} and {@code b} differ. */
    private static int firstDifference(String a, String b) {
        List<String> x = a.lines().toList();
        List<String> y = b.lines().toList();
        int i = 0;
        while (i < x.size() && i < y.size() && Objects.equals(x.get(i), y.get(i))) {
            i++;
        }
        return i + 1;
    }
}
