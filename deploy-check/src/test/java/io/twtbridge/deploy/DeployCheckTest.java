package io.twtbridge.deploy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** deploy/ validates offline, and the checker catches the mistakes it exists for. */
class DeployCheckTest {
    private static final Path REPO = Path.of(System.getProperty("maven.multiModuleProjectDirectory",
            Path.of("").toAbsolutePath().getParent().toString()));

    @Test
    void theRepositoryDeployFolderHasNoProblems() throws IOException {
        assertEquals(List.of(), DeployChecker.check(REPO, REPO.resolve("deploy")));
    }

    /** A copy of deploy/ with one text replacement in one file. */
    private static Path mutated(Path tmp, String file, String from, String to) throws IOException {
        Path copy = tmp.resolve("deploy");
        try (Stream<Path> all = Files.walk(REPO.resolve("deploy"))) {
            for (Path p : all.toList()) {
                Path target = copy.resolve(REPO.resolve("deploy").relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
        Path f = copy.resolve(file);
        String text = Files.readString(f);
        assertTrue(text.contains(from), "test setup: " + file + " has no '" + from + "'");
        Files.writeString(f, text.replaceFirst(java.util.regex.Pattern.quote(from), java.util.regex.Matcher.quoteReplacement(to)));
        return copy;
    }

    private static void assertCaught(List<String> problems, String expected) {
        assertTrue(problems.stream().anyMatch(p -> p.contains(expected)), () -> "expected a problem with '" + expected + "', got " + problems);
    }

    @Test
    void aBrokenSelectorIsCaught(@TempDir Path tmp) throws IOException {
        List<String> p = DeployChecker.check(REPO, mutated(tmp, "30-queue-worker.yaml",
                "    matchLabels:\n      app.kubernetes.io/name: queue-worker\n  strategy:",
                "    matchLabels:\n      app.kubernetes.io/name: queue-workr\n  strategy:"));
        assertCaught(p, "Deployment/queue-worker: spec.selector.matchLabels");
    }

    @Test
    void aWrongProbePortIsCaught(@TempDir Path tmp) throws IOException {
        List<String> p = DeployChecker.check(REPO, mutated(tmp, "40-auth-gateway.yaml", "containerPort: 12345", "containerPort: 8080"));
        assertCaught(p, "probes port 8080 but the app listens on SERVER_PORT 12345");
    }

    @Test
    void aMisspelledEnvironmentVariableIsCaught(@TempDir Path tmp) throws IOException {
        List<String> p = DeployChecker.check(REPO, mutated(tmp, "30-queue-worker.yaml", "- name: WORKER_QUEUE_MODE", "- name: WORKER_QUEUE_MOD"));
        assertCaught(p, "sets WORKER_QUEUE_MOD, which queue-worker does not read");
    }

    @Test
    void aMissingSecretKeyIsCaught(@TempDir Path tmp) throws IOException {
        List<String> p = DeployChecker.check(REPO, mutated(tmp, "30-queue-worker.yaml", "key: AMQP_URI", "key: AMQP_URL"));
        assertCaught(p, "Secret twt-bridge-amqp has no key AMQP_URL");
    }

    @Test
    void anUnknownFieldFailsTheSchema(@TempDir Path tmp) throws IOException {
        List<String> p = DeployChecker.check(REPO, mutated(tmp, "30-queue-worker.yaml", "  replicas: 2\n", "  replicaz: 2\n"));
        assertCaught(p, "does not match the Kubernetes API schema");
        Path deep = tmp.resolve("deep");
        Files.createDirectories(deep);
        List<String> nested = DeployChecker.check(REPO, mutated(deep, "20-rabbitmq.yaml", "periodSeconds: 30", "periodSecond: 30"));
        assertCaught(nested, "StatefulSet/rabbitmq: does not match the Kubernetes API schema");
    }

    @Test
    void aShortGracePeriodIsCaught(@TempDir Path tmp) throws IOException {
        List<String> p = DeployChecker.check(REPO, mutated(tmp, "30-queue-worker.yaml", "terminationGracePeriodSeconds: 40", "terminationGracePeriodSeconds: 10"));
        assertCaught(p, "terminationGracePeriodSeconds must be longer than WORKER_SHUTDOWN_GRACE");
    }

    @Test
    void aWrongImageIsCaught(@TempDir Path tmp) throws IOException {
        List<String> p = DeployChecker.check(REPO, mutated(tmp, "40-auth-gateway.yaml", "ghcr.io/twt-bridge/auth-gateway:1.0.0", "ghcr.io/twt-bridge/login-gateway:1.0.0"));
        assertCaught(p, "names no app of this repository");
    }

    @Test
    void aNonManifestFileAtTheTopLevelIsCaught(@TempDir Path tmp) throws IOException {
        Path copy = mutated(tmp, "10-config.yaml", "twt-bridge-config", "twt-bridge-config");
        Files.writeString(copy.resolve("kustomization.yaml"), "resources:\n  - 00-namespace.yaml\n");
        assertCaught(DeployChecker.check(REPO, copy), "kustomization.yaml");
    }
}
