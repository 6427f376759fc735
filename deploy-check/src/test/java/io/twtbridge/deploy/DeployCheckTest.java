package io.twtbridge.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** deploy/ validates offline, and the checker catches the mistakes it exists for. */
class DeployCheckTest {
    private static final Path REPO = Path.of(System.getProperty(
            "maven.multiModuleProjectDirectory",
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
        Files.writeString(f, text.replaceFirst(Pattern.quote(from), Matcher.quoteReplacement(to)));
        return copy;
    }

    private static void assertCaught(List<String> problems, String expected) {
        assertTrue(
                problems.stream().anyMatch(p -> p.contains(expected)),
                () -> "expected a problem with '" + expected + "', got " + problems);
    }

    @Test
    void aBrokenSelectorIsCaught(@TempDir Path tmp) throws IOException {
        List<String> p = DeployChecker.check(
                REPO,
                mutated(
                        tmp,
                        "30-queue-worker.yaml",
                        "    matchLabels:\n      app.kubernetes.io/name: queue-worker\n  strategy:",
                        "    matchLabels:\n      app.kubernetes.io/name: queue-workr\n  strategy:"));
        assertCaught(p, "Deployment/queue-worker: spec.selector.matchLabels");
    }

    @Test
    void aWrongProbePortIsCaught(@TempDir Path tmp) throws IOException {
        List<String> p = DeployChecker.check(
                REPO, mutated(tmp, "40-auth-gateway.yaml", "containerPort: 12345", "containerPort: 8080"));
        assertCaught(p, "probes port 8080 but the app listens on SERVER_PORT 12345");
    }

    @Test
    void aMisspelledEnvironmentVariableIsCaught(@TempDir Path tmp) throws IOException {
        List<String> p = DeployChecker.check(
                REPO, mutated(tmp, "30-queue-worker.yaml", "- name: WORKER_QUEUE_MODE", "- name: WORKER_QUEUE_MOD"));
        assertCaught(p, "sets WORKER_QUEUE_MOD, which queue-worker does not read");
    }

    @Test
    void aMissingSecretKeyIsCaught(@TempDir Path tmp) throws IOException {
        List<String> p =
                DeployChecker.check(REPO, mutated(tmp, "30-queue-worker.yaml", "key: AMQP_URI", "key: AMQP_URL"));
        assertCaught(p, "Secret twt-bridge-amqp has no key AMQP_URL");
    }

    @Test
    void anUnknownFieldFailsTheSchema(@TempDir Path tmp) throws IOException {
        List<String> p =
                DeployChecker.check(REPO, mutated(tmp, "30-queue-worker.yaml", "  strategy:\n", "  strategi:\n"));
        assertCaught(p, "does not match the Kubernetes API schema");
        Path deep = tmp.resolve("deep");
        Files.createDirectories(deep);
        List<String> nested = DeployChecker.check(
                REPO, mutated(deep, "20-rabbitmq.yaml", "failureThreshold: 60", "failureThresold: 60"));
        assertCaught(nested, "StatefulSet/rabbitmq: does not match the Kubernetes API schema");
    }

    @Test
    void aShortGracePeriodIsCaught(@TempDir Path tmp) throws IOException {
        List<String> p = DeployChecker.check(
                REPO,
                mutated(
                        tmp,
                        "30-queue-worker.yaml",
                        "terminationGracePeriodSeconds: 40",
                        "terminationGracePeriodSeconds: 10"));
        assertCaught(p, "terminationGracePeriodSeconds must be longer than WORKER_SHUTDOWN_GRACE");
    }

    @Test
    void aWrongImageIsCaught(@TempDir Path tmp) throws IOException {
        List<String> p = DeployChecker.check(
                REPO,
                mutated(
                        tmp,
                        "40-auth-gateway.yaml",
                        "localhost/twt-bridge/auth-gateway:1.0.0",
                        "localhost/twt-bridge/login-gateway:1.0.0"));
        assertCaught(
                p,
                "container auth-gateway runs image localhost/twt-bridge/login-gateway:1.0.0, whose name is not auth-gateway");
        Path renamed = Files.createDirectories(tmp.resolve("renamed"));
        assertCaught(
                DeployChecker.check(
                        REPO,
                        mutated(
                                renamed,
                                "30-queue-worker.yaml",
                                "        - name: queue-worker\n",
                                "        - name: worker\n")),
                "image localhost/twt-bridge/queue-worker:1.0.0 is queue-worker's, but its container is named worker");
        Path latest = Files.createDirectories(tmp.resolve("latest"));
        assertCaught(
                DeployChecker.check(
                        REPO, mutated(latest, "20-rabbitmq.yaml", "image: rabbitmq:4.2-management", "image: rabbitmq")),
                "image rabbitmq has no fixed tag or digest");
        Path appLatest = Files.createDirectories(tmp.resolve("appLatest"));
        assertCaught(
                DeployChecker.check(
                        REPO, mutated(appLatest, "30-queue-worker.yaml", "queue-worker:1.0.0", "queue-worker:latest")),
                "image localhost/twt-bridge/queue-worker:latest has no fixed tag or digest");
    }

    /** An image moved to another registry, path and tag is still checked as the app's: nothing is skipped silently. */
    @Test
    void anImageInAnotherRegistryIsStillChecked(@TempDir Path tmp) throws IOException {
        Path copy = mutated(
                tmp,
                "40-auth-gateway.yaml",
                "localhost/twt-bridge/auth-gateway:1.0.0",
                "registry.example.com:5000/team/auth-gateway:2.1.0@sha256:" + "0".repeat(64));
        assertEquals(List.of(), DeployChecker.check(REPO, copy));
        String text = Files.readString(copy.resolve("40-auth-gateway.yaml"));
        Files.writeString(
                copy.resolve("40-auth-gateway.yaml"),
                text.replace("containerPort: 12345", "containerPort: 8080")
                        .replace("- name: GATEWAY_IDLE_TIMEOUT", "- name: GATEWAY_IDLE_TIMEOUTS"));
        List<String> p = DeployChecker.check(REPO, copy);
        assertCaught(p, "probes port 8080 but the app listens on SERVER_PORT 12345");
        assertCaught(p, "sets GATEWAY_IDLE_TIMEOUTS, which auth-gateway does not read");
    }

    @Test
    void aNonManifestFileAtTheTopLevelIsCaught(@TempDir Path tmp) throws IOException {
        Path copy = mutated(tmp, "10-config.yaml", "twt-bridge-config", "twt-bridge-config");
        Files.writeString(copy.resolve("kustomization.yaml"), "resources:\n  - 00-namespace.yaml\n");
        assertCaught(DeployChecker.check(REPO, copy), "kustomization.yaml");
    }

    // ---- secrets: created once by a script, never applied ----

    @Test
    void aSecretManifestInTheAppliedFolderIsCaught(@TempDir Path tmp) throws IOException {
        Path copy = mutated(tmp, "10-config.yaml", "twt-bridge-config", "twt-bridge-config");
        Files.writeString(copy.resolve("11-secrets.yaml"), """
                apiVersion: v1
                kind: Secret
                metadata:
                  name: rabbitmq-credentials
                  namespace: twt-bridge
                stringData:
                  erlang-cookie: "REPLACE-ME"
                """);
        assertCaught(
                DeployChecker.check(REPO, copy),
                "Secret/rabbitmq-credentials: a Secret in the applied folder is overwritten");
    }

    @Test
    void aSecretTheScriptDoesNotCreateIsCaught(@TempDir Path tmp) throws IOException {
        List<String> p = DeployChecker.check(
                REPO,
                mutated(tmp, "20-rabbitmq.yaml", "secretName: rabbitmq-credentials", "secretName: rabbitmq-cookie"));
        assertCaught(p, "refers to Secret rabbitmq-cookie, which secrets/create-secrets.sh does not create");
        Path other = tmp.resolve("other");
        Files.createDirectories(other);
        List<String> key = DeployChecker.check(
                REPO, mutated(other, "secrets/create-secrets.sh", "erlang-cookie=\"$cookie\"", "cookie=\"$cookie\""));
        assertCaught(key, "Secret rabbitmq-credentials has no key erlang-cookie");
        Path third = tmp.resolve("third");
        Files.createDirectories(third);
        List<String> apply = DeployChecker.check(
                REPO,
                mutated(
                        third,
                        "secrets/create-secrets.sh",
                        "kubectl -n \"$NS\" create secret generic \"$name\"",
                        "kubectl -n \"$NS\" apply secret generic \"$name\""));
        assertCaught(apply, "may overwrite a Secret; only kubectl create it");
        Path port = Files.createDirectories(tmp.resolve("port"));
        assertCaught(
                DeployChecker.check(REPO, mutated(port, "secrets/create-secrets.sh", "svc:15672/", "svc:15673/")),
                "@rabbitmq.$NS.svc:15673/ names no port of a Service in deploy/");
    }

    /** Runs create-secrets.sh against a stand-in kubectl: it creates each Secret once and never overwrites one. */
    @Test
    void theSecretsScriptCreatesOnceAndNeverOverwrites(@TempDir Path tmp) throws Exception {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path state = Files.createDirectories(tmp.resolve("state"));
        Path kubectl = bin.resolve("kubectl");
        Files.copy(Path.of(DeployCheckTest.class.getResource("/fake-kubectl").toURI()), kubectl);
        assertTrue(kubectl.toFile().setExecutable(true));
        Path secrets = state.resolve("secrets");

        assertNotEquals(
                0,
                runSecretsScript(bin, state, Map.of()),
                "without X credentials and no twt-bridge-x, the script must fail");
        assertTrue(!Files.exists(secrets.resolve("twt-bridge-x")), "nothing created when X credentials are missing");

        assertEquals(
                0, runSecretsScript(bin, state, Map.of("TWITTER_CONSUMER_KEY", "ck", "TWITTER_CONSUMER_SECRET", "cs")));
        Map<String, String> first = snapshot(secrets);
        assertEquals("ck", first.get("twt-bridge-x/TWITTER_CONSUMER_KEY"));
        String pass = first.get("rabbitmq-credentials/RABBITMQ_DEFAULT_PASS");
        assertTrue(pass.matches("[0-9a-f]{48}"), pass);
        assertTrue(first.get("rabbitmq-credentials/erlang-cookie").matches("[0-9a-f]{64}"));
        assertEquals("amqp://twt:" + pass + "@rabbitmq.twt-bridge.svc:5672/", first.get("twt-bridge-amqp/AMQP_URI"));
        assertEquals(
                "http://twt:" + pass + "@rabbitmq.twt-bridge.svc:15672/", first.get("twt-bridge-amqp/MANAGEMENT_URI"));

        // A second run (other X values in the environment) changes nothing and creates nothing.
        Files.writeString(state.resolve("log"), "");
        assertEquals(
                0,
                runSecretsScript(
                        bin, state, Map.of("TWITTER_CONSUMER_KEY", "other", "TWITTER_CONSUMER_SECRET", "other")));
        assertEquals(first, snapshot(secrets));
        assertTrue(
                Files.readAllLines(state.resolve("log")).stream().noneMatch(l -> l.contains("create")),
                "second run created something");

        // A lost twt-bridge-amqp is recreated from the broker's existing password, not a new one.
        try (Stream<Path> s = Files.list(secrets.resolve("twt-bridge-amqp"))) {
            for (Path f : s.toList()) {
                Files.delete(f);
            }
        }
        Files.delete(secrets.resolve("twt-bridge-amqp"));
        assertEquals(0, runSecretsScript(bin, state, Map.of()));
        assertEquals(first, snapshot(secrets));
    }

    private static int runSecretsScript(Path bin, Path state, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(
                "bash",
                REPO.resolve("deploy").resolve(DeployChecker.SECRETS_SCRIPT).toString());
        pb.environment().remove("TWITTER_CONSUMER_KEY");
        pb.environment().remove("TWITTER_CONSUMER_SECRET");
        pb.environment().putAll(env);
        pb.environment().put("FAKE_KUBE_STATE", state.toString());
        pb.environment().put("PATH", bin + ":" + pb.environment().get("PATH"));
        pb.redirectErrorStream(true);
        pb.redirectOutput(state.resolve("out").toFile());
        Process p = pb.start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "script hangs");
        return p.exitValue();
    }

    private static Map<String, String> snapshot(Path secrets) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> all = Files.walk(secrets)) {
            for (Path f : all.filter(Files::isRegularFile).toList()) {
                out.put(secrets.relativize(f).toString(), Files.readString(f));
            }
        }
        return out;
    }

    // ---- RabbitMQ 4.2 ----

    @Test
    void aThreeOnlyRabbitmqKeyIsCaught(@TempDir Path tmp) throws IOException {
        List<String> p = DeployChecker.check(
                REPO,
                mutated(tmp, "20-rabbitmq.yaml", "queue_leader_locator = balanced", "queue_master_locator = balanced"));
        assertCaught(p, "rabbitmq.conf sets queue_master_locator, which RabbitMQ 4.x ignores");
        assertCaught(p, "rabbitmq.conf needs queue_leader_locator = balanced");
    }

    @Test
    void aMemoryOverrideThatDoesNotFollowTheLimitIsCaught(@TempDir Path tmp) throws IOException {
        // the limit doubles, the override stays: RabbitMQ would throttle at a third of what it may use
        List<String> p = DeployChecker.check(
                REPO,
                mutated(
                        tmp,
                        "20-rabbitmq.yaml",
                        "            limits:\n              cpu: \"2\"\n              memory: 2Gi",
                        "            limits:\n              cpu: \"2\"\n              memory: 4Gi"));
        assertCaught(p, "rabbitmq.conf needs total_memory_available_override_value = 3435973837 (has 1717986919)");
        assertEquals(1717986919L, DeployChecker.removeHeadroom(2L << 30));
        assertEquals((16L << 30) - (2L << 30), DeployChecker.removeHeadroom(16L << 30), "headroom is capped at 2 GiB");
        Path other = Files.createDirectories(tmp.resolve("other"));
        List<String> missing = DeployChecker.check(
                REPO,
                mutated(other, "20-rabbitmq.yaml", "    total_memory_available_override_value = 1717986919\n", ""));
        assertCaught(missing, "needs total_memory_available_override_value = 1717986919 (has null)");
    }

    @Test
    void missingQuorumMembershipSettingsAreCaught(@TempDir Path tmp) throws IOException {
        List<String> p =
                DeployChecker.check(REPO, mutated(tmp, "20-rabbitmq.yaml", "  replicas: 3\n", "  replicas: 5\n"));
        assertCaught(p, "needs quorum_queue.continuous_membership_reconciliation.target_group_size = 5");
        assertCaught(p, "needs cluster_formation.target_cluster_size_hint = 5");
        Path other = Files.createDirectories(tmp.resolve("other"));
        assertCaught(
                DeployChecker.check(
                        REPO,
                        mutated(
                                other,
                                "20-rabbitmq.yaml",
                                "continuous_membership_reconciliation.enabled = true",
                                "continuous_membership_reconciliation.enabled = false")),
                "needs quorum_queue.continuous_membership_reconciliation.enabled = true");
    }

    @Test
    void aTrailingCommentInRabbitmqConfIsCaught(@TempDir Path tmp) throws IOException {
        List<String> p = DeployChecker.check(
                REPO,
                mutated(
                        tmp,
                        "20-rabbitmq.yaml",
                        "disk_free_limit.absolute = 2GB",
                        "disk_free_limit.absolute = 2GB  # two"));
        assertCaught(p, "is not 'key = value'");
    }

    @Test
    void aPreStopHookThatDoesNotWaitForQuorumIsCaught(@TempDir Path tmp) throws IOException {
        List<String> p = DeployChecker.check(
                REPO,
                mutated(tmp, "20-rabbitmq.yaml", "rabbitmq-upgrade await_online_quorum_plus_one -t 480;", "true;"));
        assertCaught(
                p, "preStop hook must run rabbitmq-upgrade await_online_quorum_plus_one, then rabbitmq-upgrade drain");
        Path other = Files.createDirectories(tmp.resolve("other"));
        assertCaught(
                DeployChecker.check(
                        REPO,
                        mutated(
                                other,
                                "20-rabbitmq.yaml",
                                "terminationGracePeriodSeconds: 600",
                                "terminationGracePeriodSeconds: 300")),
                "preStop timeouts (540 s) plus 30 s for the node's shutdown exceed terminationGracePeriodSeconds (300)");
        Path third = Files.createDirectories(tmp.resolve("third"));
        assertCaught(
                DeployChecker.check(
                        REPO,
                        mutated(third, "20-rabbitmq.yaml", "rabbitmq-upgrade drain -t 60", "rabbitmq-upgrade drain")),
                "needs a timeout (-t seconds)");
    }

    @Test
    void anExecProbeIsCaught(@TempDir Path tmp) throws IOException {
        List<String> p = DeployChecker.check(
                REPO,
                mutated(
                        tmp,
                        "20-rabbitmq.yaml",
                        "          readinessProbe:\n            tcpSocket:\n              port: amqp\n",
                        "          readinessProbe:\n            exec:\n              command: [\"rabbitmq-diagnostics\", \"-q\", \"check_port_connectivity\"]\n"));
        assertCaught(p, "container rabbitmq has an exec readinessProbe");
        Path other = Files.createDirectories(tmp.resolve("other"));
        assertCaught(
                DeployChecker.check(
                        REPO,
                        mutated(
                                other,
                                "20-rabbitmq.yaml",
                                "path: /api/health/checks/reached-target-cluster-size",
                                "path: /api/health/checks/alarms")),
                "startup probe must be GET /api/health/checks/reached-target-cluster-size");
        Path ordered = Files.createDirectories(tmp.resolve("ordered"));
        assertCaught(
                DeployChecker.check(
                        REPO,
                        mutated(
                                ordered,
                                "20-rabbitmq.yaml",
                                "podManagementPolicy: Parallel",
                                "podManagementPolicy: OrderedReady")),
                "podManagementPolicy must be Parallel");
    }

    // ---- scaling: one owner of the worker's replicas ----

    @Test
    void replicasInTheWorkerDeploymentAreCaught(@TempDir Path tmp) throws IOException {
        List<String> p = DeployChecker.check(
                REPO, mutated(tmp, "30-queue-worker.yaml", "spec:\n  selector:", "spec:\n  replicas: 2\n  selector:"));
        assertCaught(p, "Deployment/queue-worker: spec.replicas is reset by every kubectl apply");
    }

    @Test
    void anAutoscalerInTheAppliedFolderOrTwoInOneFolderAreCaught(@TempDir Path tmp) throws IOException {
        Path copy = mutated(tmp, "10-config.yaml", "twt-bridge-config", "twt-bridge-config");
        Files.copy(copy.resolve("hpa/hpa.yaml"), copy.resolve("35-hpa.yaml"));
        assertCaught(
                DeployChecker.check(REPO, copy),
                "HorizontalPodAutoscaler/queue-worker: an autoscaler in the applied folder comes back");
        Files.delete(copy.resolve("35-hpa.yaml"));
        Files.copy(copy.resolve("hpa/hpa.yaml"), copy.resolve("keda/hpa.yaml"));
        assertCaught(DeployChecker.check(REPO, copy), "keda/: 2 autoscalers target Deployment queue-worker");
        Files.delete(copy.resolve("keda/hpa.yaml"));
        Files.delete(copy.resolve("keda/scaledobject.yaml"));
        Files.delete(copy.resolve("hpa/hpa.yaml"));
        assertCaught(
                DeployChecker.check(REPO, copy),
                "no optional folder (keda/, hpa/) holds an autoscaler for Deployment queue-worker");
    }

    @Test
    void aMinAvailableDisruptionBudgetIsCaught(@TempDir Path tmp) throws IOException {
        List<String> p = DeployChecker.check(
                REPO, mutated(tmp, "40-auth-gateway.yaml", "  maxUnavailable: 1\n", "  minAvailable: 1\n"));
        assertCaught(p, "PodDisruptionBudget/auth-gateway: use maxUnavailable, not minAvailable");
    }

    @Test
    void moreReplicasThanShardsAreCaught(@TempDir Path tmp) throws IOException {
        assertCaught(
                DeployChecker.check(
                        REPO, mutated(tmp, "keda/scaledobject.yaml", "maxReplicaCount: 16", "maxReplicaCount: 20")),
                "maxReplicaCount 20 exceeds WORKER_SHARDS 16");
        Path other = Files.createDirectories(tmp.resolve("other"));
        assertCaught(
                DeployChecker.check(
                        REPO, mutated(other, "10-config.yaml", "WORKER_SHARDS: \"16\"", "WORKER_SHARDS: \"8\"")),
                "hpa/hpa.yaml HorizontalPodAutoscaler/queue-worker: maxReplicas 16 exceeds WORKER_SHARDS 8");
    }

    @Test
    void aKedaTriggerThatMissesUnackedOrShardsIsCaught(@TempDir Path tmp) throws IOException {
        assertCaught(
                DeployChecker.check(
                        REPO,
                        mutated(
                                tmp,
                                "keda/scaledobject.yaml",
                                "excludeUnacknowledged: \"false\"",
                                "excludeUnacknowledged: \"true\"")),
                "excludeUnacknowledged: true counts ready messages only");
        Path amqp = Files.createDirectories(tmp.resolve("amqp"));
        assertCaught(
                DeployChecker.check(REPO, mutated(amqp, "keda/scaledobject.yaml", "protocol: http", "protocol: amqp")),
                "rabbitmq trigger needs protocol: http (has amqp)");
        Path onlyTwt = Files.createDirectories(tmp.resolve("onlyTwt"));
        assertCaught(
                DeployChecker.check(
                        REPO,
                        mutated(
                                onlyTwt,
                                "keda/scaledobject.yaml",
                                "queueName: '^twt(\\.shard\\.[0-9]+)?$'",
                                "queueName: '^twt$'")),
                "queue regex ^twt$ does not match twt.shard.0");
        Path loose = Files.createDirectories(tmp.resolve("loose"));
        assertCaught(
                DeployChecker.check(
                        REPO,
                        mutated(
                                loose,
                                "keda/scaledobject.yaml",
                                "queueName: '^twt(\\.shard\\.[0-9]+)?$'",
                                "queueName: 'twt'")),
                "also matches twt.dead");
    }

    @Test
    void anHpaOnCpuOrOnTheWrongQueuesIsCaught(@TempDir Path tmp) throws IOException {
        assertCaught(
                DeployChecker.check(
                        REPO,
                        mutated(
                                tmp,
                                "hpa/hpa.yaml",
                                "    - type: External\n      external:\n        metric:\n          name: twt_bridge_queue_depth\n        target:\n          type: AverageValue\n          averageValue: \"1000\"",
                                "    - type: Resource\n      resource:\n        name: cpu\n        target:\n          type: Utilization\n          averageUtilization: 70")),
                "scale the worker on the queues' depth (an External metric), not on CPU");
        Path ready = Files.createDirectories(tmp.resolve("ready"));
        assertCaught(
                DeployChecker.check(
                        REPO,
                        mutated(
                                ready,
                                "hpa/README.md",
                                "(rabbitmq_detailed_queue_messages{<<",
                                "(rabbitmq_detailed_queue_messages_ready{<<")),
                "must sum rabbitmq_detailed_queue_messages (ready + unacknowledged)");
        Path all = Files.createDirectories(tmp.resolve("all"));
        assertCaught(
                DeployChecker.check(
                        REPO,
                        mutated(all, "hpa/README.md", "queue=~\"twt(\\\\.shard\\\\.[0-9]+)?\"", "queue=~\"twt.*\"")),
                "also matches twt.dead");
        Path schema = Files.createDirectories(tmp.resolve("schema"));
        assertCaught(
                DeployChecker.check(REPO, mutated(schema, "hpa/hpa.yaml", "minReplicas: 2", "minReplica: 2")),
                "hpa/hpa.yaml HorizontalPodAutoscaler/queue-worker: does not match the Kubernetes API schema");
    }
}
