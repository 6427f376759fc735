package io.twtbridge.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * Every default is written once, in each process's application.yaml: the README's "Configuration" table and the
 * deploy ConfigMap repeat them only where this test holds them to the files. A ConfigMap value that differs from
 * the default must say so in the comment right above it ("overrides the default"). The other way round, every
 * environment variable an application.yaml names in a comment (a setting meant to be set) has a row in the table.
 */
class ConfigDefaultsTest {
    private static final Path REPO = Path.of(System.getProperty(
            "maven.multiModuleProjectDirectory",
            Path.of("").toAbsolutePath().getParent().toString()));
    /** The README's process names and where each process's defaults are. */
    private static final Map<String, String> APPS = Map.of("worker", "queue-worker", "gateway", "auth-gateway");
    /** Variables documented in the table that are not config keys, and who reads them. */
    private static final Map<String, String> NOT_CONFIG_KEYS =
            Map.of("LOG_FORMAT", "the logging module's LogLineFormatter, before any configuration is read");

    @Test
    void theReadmeTableAndTheConfigMapAgreeWithApplicationYaml() throws IOException {
        assertEquals(List.of(), problems(readme(), configMap(), defaults(), yamls()));
    }

    @Test
    void aDefaultThatDiffersIsCaught() throws IOException {
        String readme = readme();
        String wrongPrefetch =
                readme.replace("| `WORKER_PREFETCH` | worker | `500` |", "| `WORKER_PREFETCH` | worker | `501` |");
        assertTrue(wrongPrefetch != readme);
        assertEquals(
                List.of("README.md: WORKER_PREFETCH defaults to 501, queue-worker/application.yaml says 500"),
                problems(wrongPrefetch, configMap(), defaults(), yamls()));
        String wrongPort = readme.replace("worker `8080`, gateway `12345`", "worker `8080`, gateway `1234`");
        assertEquals(
                List.of("README.md: SERVER_PORT defaults to 1234, auth-gateway/application.yaml says 12345"),
                problems(wrongPort, configMap(), defaults(), yamls()));
        String shards = configMap().replace("WORKER_SHARDS: \"16\"", "WORKER_SHARDS: \"8\"");
        assertEquals(
                List.of("deploy/10-config.yaml: WORKER_SHARDS is 8, queue-worker/application.yaml's default is 16;"
                        + " say \"overrides the default\" in the comment above it if that is meant"),
                problems(readme, shards, defaults(), yamls()));
        String undocumented = readme.replace("| `WORKER_PREFETCH` |", "| `WORKER_PREFETCHES` |");
        assertEquals(
                List.of(
                        "README.md: WORKER_PREFETCHES (worker) is not a key of queue-worker/application.yaml",
                        "queue-worker/application.yaml: WORKER_PREFETCH is named in a comment but has no row in"
                                + " README.md's Configuration table"),
                problems(undocumented, configMap(), defaults(), yamls()));
    }

    @Test
    void aVariableOfApplicationYamlWithoutARowIsCaught() throws IOException {
        String readme = readme();
        String row = readme.lines()
                .filter(l -> l.startsWith("| `GATEWAY_PING_INTERVAL` |"))
                .findFirst()
                .orElseThrow();
        String withoutRow = readme.replace(row + "\n", "");
        assertTrue(withoutRow.length() < readme.length());
        assertEquals(
                List.of("auth-gateway/application.yaml: GATEWAY_PING_INTERVAL is named in a comment but has no row in"
                        + " README.md's Configuration table"),
                problems(withoutRow, configMap(), defaults(), yamls()));
    }

    private static String readme() throws IOException {
        return Files.readString(REPO.resolve("README.md"));
    }

    private static String configMap() throws IOException {
        return Files.readString(REPO.resolve("deploy/10-config.yaml"));
    }

    /** Per app folder: the text of its application.yaml. */
    private static Map<String, String> yamls() throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        for (String app : APPS.values()) {
            out.put(app, Files.readString(REPO.resolve(app).resolve("src/main/resources/application.yaml")));
        }
        return out;
    }

    /** Per app folder: environment variable to its application.yaml default, as a string. */
    private static Map<String, Map<String, String>> defaults() throws IOException {
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> app : yamls().entrySet()) {
            Map<String, String> vars = new LinkedHashMap<>();
            flatten("", new Yaml().load(app.getValue()), vars);
            out.put(app.getKey(), vars);
        }
        return out;
    }

    private static void flatten(String prefix, Object node, Map<String, String> out) {
        if (node instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                flatten(prefix.isEmpty() ? String.valueOf(e.getKey()) : prefix + "." + e.getKey(), e.getValue(), out);
            }
        } else {
            out.put(prefix.toUpperCase().replace('.', '_').replace('-', '_'), node == null ? "" : String.valueOf(node));
        }
    }

    static List<String> problems(
            String readme, String configMap, Map<String, Map<String, String>> defaults, Map<String, String> yamls) {
        List<String> problems = new ArrayList<>();
        Map<String, Set<String>> documented = checkReadme(readme, defaults, problems);
        checkConfigMap(configMap, defaults, problems);
        checkCommentedVariables(yamls, defaults, documented, problems);
        return problems;
    }

    /** An environment variable's name: upper case words joined by underscores, e.g. WORKER_PREFETCH. */
    private static final Pattern VARIABLE = Pattern.compile("\\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\\b");

    /**
     * Each variable an application.yaml's comments name that is one of its keys (e.g. {@code # WORKER_PREFETCH: …}):
     * a setting operators are meant to set, so the README's table has a row for it in that process.
     */
    private static void checkCommentedVariables(
            Map<String, String> yamls,
            Map<String, Map<String, String>> defaults,
            Map<String, Set<String>> documented,
            List<String> problems) {
        for (Map.Entry<String, String> yaml : yamls.entrySet()) {
            String app = yaml.getKey();
            Set<String> named = new LinkedHashSet<>();
            for (String line : yaml.getValue().lines().toList()) {
                int hash = line.indexOf('#');
                if (hash < 0) {
                    continue;
                }
                Matcher m = VARIABLE.matcher(line.substring(hash));
                while (m.find()) {
                    if (defaults.get(app).containsKey(m.group())) {
                        named.add(m.group());
                    }
                }
            }
            for (String var : named) {
                if (!documented.getOrDefault(app, Set.of()).contains(var)) {
                    problems.add(app + "/application.yaml: " + var + " is named in a comment but has no row in"
                            + " README.md's Configuration table");
                }
            }
        }
    }

    private static final Pattern CODE = Pattern.compile("`([^`]*)`");

    /**
     * Each row: | `VAR`[, `VAR`…] | process | default(s) | meaning |. Answers, per app folder, the variables the table
     * documents for it.
     */
    private static Map<String, Set<String>> checkReadme(
            String readme, Map<String, Map<String, String>> defaults, List<String> problems) {
        Map<String, Set<String>> documentedVars = new HashMap<>();
        int start = readme.indexOf("\n## Configuration");
        int end = readme.indexOf("\n## ", start + 1);
        List<String> rows = readme.substring(start, end < 0 ? readme.length() : end)
                .lines()
                .filter(l -> l.startsWith("| `"))
                .toList();
        if (rows.size() < 10) {
            problems.add("README.md: the Configuration table was not found");
        }
        for (String row : rows) {
            String[] cells = row.split("\\|");
            List<String> vars = codes(cells[1]);
            String process = cells[2].trim();
            String cell = cells[3].trim();
            for (int i = 0; i < vars.size(); i++) {
                String var = vars.get(i);
                if (NOT_CONFIG_KEYS.containsKey(var)) {
                    continue;
                }
                List<String> apps = "both".equals(process) ? List.copyOf(APPS.keySet()) : List.of(process);
                for (String p : apps) {
                    String app = APPS.get(p);
                    if (app == null) {
                        problems.add("README.md: " + var + ": unknown process " + process);
                        continue;
                    }
                    documentedVars.computeIfAbsent(app, a -> new HashSet<>()).add(var);
                    String actual = defaults.get(app).get(var);
                    if (actual == null) {
                        problems.add("README.md: " + var + " (" + process + ") is not a key of " + app
                                + "/application.yaml");
                        continue;
                    }
                    String documented = documented(cell, p, i, vars.size());
                    if (documented == null) {
                        problems.add("README.md: " + var + ": cannot read the default in \"" + cell + "\"");
                    } else if (!documented.equals(actual)) {
                        problems.add("README.md: " + var + " defaults to "
                                + (documented.isEmpty() ? "(empty)" : documented) + ", " + app
                                + "/application.yaml says " + (actual.isEmpty() ? "(empty)" : actual));
                    }
                }
            }
        }
        return documentedVars;
    }

    /**
     * The default a cell documents for the {@code index}-th of {@code count} variables in process {@code p}:
     * {@code `v`} (one per variable, or one for all), {@code worker `a`, gateway `b`}, "empty…" or "— (required)"
     * (no default: the file leaves it empty).
     */
    private static String documented(String cell, String p, int index, int count) {
        if (cell.startsWith("empty") || cell.startsWith("— (required)")) {
            return "";
        }
        Matcher perProcess = Pattern.compile(Pattern.quote(p) + " `([^`]*)`").matcher(cell);
        if (cell.startsWith("worker `") || cell.startsWith("gateway `")) {
            return perProcess.find() ? perProcess.group(1) : null;
        }
        int explained = cell.indexOf("`:"); // "`0`: a quarter of the heap…": the value, then what it means
        List<String> values = codes(explained < 0 ? cell : cell.substring(0, explained + 1));
        if (values.size() == count) {
            return values.get(index);
        }
        return values.size() == 1 ? values.get(0) : null;
    }

    private static List<String> codes(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = CODE.matcher(text);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    /** Each data key: the value of every app that reads it, unless the comment above says it overrides the default. */
    private static void checkConfigMap(
            String configMap, Map<String, Map<String, String>> defaults, List<String> problems) {
        Map<?, ?> data = (Map<?, ?>) ((Map<?, ?>) new Yaml().load(configMap)).get("data");
        List<String> lines = configMap.lines().toList();
        for (Map.Entry<?, ?> e : data.entrySet()) {
            String var = String.valueOf(e.getKey());
            String value = String.valueOf(e.getValue());
            StringBuilder comment = new StringBuilder();
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).trim().startsWith(var + ":")) {
                    for (int j = i - 1; j >= 0 && lines.get(j).trim().startsWith("#"); j--) {
                        comment.insert(0, lines.get(j).trim() + " ");
                    }
                }
            }
            boolean override =
                    comment.toString().toLowerCase().replaceAll("\\s+", " ").contains("overrides the default");
            boolean read = false;
            for (Map.Entry<String, Map<String, String>> app : defaults.entrySet()) {
                String actual = app.getValue().get(var);
                if (actual == null) {
                    continue;
                }
                read = true;
                if (!override && !actual.equals(value)) {
                    problems.add("deploy/10-config.yaml: " + var + " is " + value + ", " + app.getKey()
                            + "/application.yaml's default is " + actual
                            + "; say \"overrides the default\" in the comment above it if that is meant");
                }
                if (override && actual.equals(value)) {
                    problems.add("deploy/10-config.yaml: " + var + " says it overrides the default, but " + app.getKey()
                            + "/application.yaml's default is the same (" + actual + ")");
                }
            }
            if (!read) {
                problems.add("deploy/10-config.yaml: " + var + " is not a key of any application.yaml");
            }
        }
    }
}
