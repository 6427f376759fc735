package io.twtbridge.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.helidon.config.EnvironmentVariables;
import io.twtbridge.twitter.ConfigKeys;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The worker's settings come from application.yaml, and the documented variables override them. */
class WorkerConfigTest {

    @Test
    void applicationYamlAloneGivesTheDocumentedDefaults() {
        WorkerConfig c = WorkerConfig.from(ConfigKeys.applicationYaml(WorkerConfig.class, Map.of()));
        assertEquals(16, c.shards());
        assertEquals(500, c.prefetch());
        assertEquals(50, c.deliveryLimit());
        assertEquals(Duration.ofMinutes(2), c.retry().maxDelay());
        assertEquals(WorkerConfig.QueueMode.QUORUM, c.requestQueueMode());
    }

    @Test
    void environmentVariablesOverrideDottedAndDashedKeys() {
        // As Helidon's environment source delivers them (WORKER_RETRY_MAX_DELAY -> worker.retry.max.delay, …)
        Map<String, String> env = EnvironmentVariables.expand(Map.of(
                "WORKER_SHARDS",
                "8",
                "WORKER_PREFETCH",
                "7",
                "WORKER_RETRY_MAX_DELAY",
                "PT3S",
                "WORKER_DELIVERY_LIMIT",
                "9",
                "WORKER_QUEUE_MODE",
                "classic",
                "MEDIA_URL_MAX_BYTES",
                "1024"));
        WorkerConfig c = WorkerConfig.from(ConfigKeys.applicationYaml(WorkerConfig.class, env));
        assertEquals(8, c.shards());
        assertEquals(7, c.prefetch());
        assertEquals(Duration.ofSeconds(3), c.retry().maxDelay());
        assertEquals(9, c.deliveryLimit());
        assertEquals(WorkerConfig.QueueMode.CLASSIC, c.requestQueueMode());
        assertEquals(1024, c.mediaFetch().maxBytes());
    }

    /** {@code WORKER_PREFETCH} and {@code WORKER_SHARDS} settings the bounds are checked for. */
    private static final String[][] PREFETCH_AND_SHARDS = {{"500", "16"}, {"7", "8"}, {"100", "3"}, {"64", "64"}};

    private static WorkerConfig prefetchAndShards(String[] setting) {
        return WorkerConfig.from(ConfigKeys.applicationYaml(
                WorkerConfig.class,
                EnvironmentVariables.expand(Map.of("WORKER_PREFETCH", setting[0], "WORKER_SHARDS", setting[1]))));
    }

    /** The connections to X a worker keeps cover what it may hold in flight, however many shards it owns. */
    @Test
    void maxInFlightBoundsWhatTheOwnedShardsHold() {
        for (String[] setting : PREFETCH_AND_SHARDS) {
            WorkerConfig c = prefetchAndShards(setting);
            int most = 0;
            for (int owned = 1; owned <= c.shards(); owned++) {
                most = Math.max(most, owned * c.shardPrefetch(owned));
            }
            assertTrue(most <= c.maxInFlight(), String.join("/", setting));
            assertTrue(c.maxInFlight() < most + c.shards(), "a bound not far above: " + String.join("/", setting));
        }
    }

    /**
     * A shard is handed twice its even share (at most the whole prefetch): so the requests a worker holds unanswered
     * are at most twice {@code maxInFlight}, of which {@code maxInFlight} call X at once.
     */
    @Test
    void aShardIsHandedTwiceItsShareAtMostTheWholePrefetch() {
        for (String[] setting : PREFETCH_AND_SHARDS) {
            WorkerConfig c = prefetchAndShards(setting);
            for (int owned = 1; owned <= c.shards(); owned++) {
                int handed = c.shardDeliveries(owned);
                assertTrue(handed >= c.shardPrefetch(owned), "at least its share: " + String.join("/", setting));
                assertTrue(
                        handed <= Math.max(c.prefetch(), c.shardPrefetch(owned)),
                        "at most the prefetch: " + String.join("/", setting));
                assertTrue(owned * handed <= 2 * c.maxInFlight(), String.join("/", setting));
            }
        }
        WorkerConfig defaults = WorkerConfig.from(ConfigKeys.applicationYaml(WorkerConfig.class, Map.of()));
        assertEquals(64, defaults.shardDeliveries(16));
        assertEquals(500, defaults.shardDeliveries(1));
    }
}
