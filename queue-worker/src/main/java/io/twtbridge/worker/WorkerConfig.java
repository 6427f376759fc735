package io.twtbridge.worker;

import io.helidon.config.Config;
import io.twtbridge.sealing.SealedTokens;
import io.twtbridge.sealing.Sealer;
import io.twtbridge.sealing.SealingConfig;
import io.twtbridge.twitter.ConfigKeys;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The worker's settings, from the {@code worker} and {@code amqp} config nodes (see application.yaml for every
 * key and its environment variable).
 */
public record WorkerConfig(URI amqpUri,
                           String requestQueue,
                           String replyQueue,
                           QueueMode requestQueueMode,
                           BrokerProfile brokerProfile,
                           int prefetch,
                           int deliveryLimit,
                           int shards,
                           String replyToPrefix,
                           RetryPolicy retry,
                           Duration shutdownGrace,
                           Duration rebalanceInterval,
                           Duration livenessTimeout,
                           Optional<Path> mediaAllowedDir,
                           MediaFetch mediaFetch,
                           boolean longPosts,
                           Unsealing unsealing) {

    /** How the request queue {@code twt} is declared. */
    public enum QueueMode {
        /** A durable quorum queue with a delivery limit and dead-lettering to {@code twt.dead}: for new deployments. */
        QUORUM,
        /** A durable classic queue, no arguments. */
        CLASSIC,
        /** Non-durable, no arguments: exactly how the original Python worker declared it. */
        LEGACY,
        /** Not declared: the queue must exist (any type). */
        PASSIVE
    }

    /**
     * What the broker can do. {@code RABBITMQ}: queue arguments (quorum queues, delivery limits, dead-lettering,
     * length limits: shard state survives a hand-over). {@code PLAIN}: any AMQP 0-9-1 broker (e.g. the embedded Qpid
     * Broker-J of the local stack): queues without arguments, no shard state.
     */
    public enum BrokerProfile {
        RABBITMQ,
        PLAIN
    }

    /**
     * Limits for media given as an https URL (size cap, one deadline for the whole fetch, redirects), and the bytes
     * of media all requests may hold at once ({@code worker.media.budget}, WORKER_MEDIA_BUDGET).
     */
    public record MediaFetch(long maxBytes, Duration timeout, int maxRedirects, boolean allowPrivateAddresses, boolean allowHttp,
                             long budgetBytes) {
    }

    public static WorkerConfig from(Config config) {
        Config w = config.get("worker");
        Config media = config.get("media");
        int shards = w.get("shards").asInt().orElse(16);
        if (shards < 1 || shards > 1000) {
            throw new IllegalStateException("WORKER_SHARDS must be between 1 and 1000");
        }
        return new WorkerConfig(
                URI.create(config.get("amqp.uri").asString().orElse("amqp://guest:guest@localhost:5672/")),
                w.get("queue.requests").asString().orElse("twt"),
                w.get("queue.replies").asString().orElse("to_server"),
                QueueMode.valueOf(w.get("queue.mode").asString().orElse("quorum").toUpperCase()),
                BrokerProfile.valueOf(w.get("broker.profile").asString().orElse("rabbitmq").toUpperCase()),
                w.get("prefetch").asInt().orElse(500),
                ConfigKeys.get(w, "delivery-limit").asInt().orElse(50),
                shards,
                ConfigKeys.get(w, "reply-to.prefix").asString().orElse(""),
                new RetryPolicy(ConfigKeys.get(w, "retry.max-attempts").asInt().orElse(5),
                        ConfigKeys.get(w, "retry.max-age").as(Duration.class).orElse(Duration.ofMinutes(10)),
                        ConfigKeys.get(w, "retry.base-delay").as(Duration.class).orElse(Duration.ofSeconds(1)),
                        ConfigKeys.get(w, "retry.max-delay").as(Duration.class).orElse(Duration.ofMinutes(2)),
                        ConfigKeys.get(w, "rate-limit.deadline").as(Duration.class).orElse(Duration.ofMinutes(15))),
                ConfigKeys.get(w, "shutdown-grace").as(Duration.class).orElse(Duration.ofSeconds(20)),
                ConfigKeys.get(w, "rebalance-interval").as(Duration.class).orElse(Duration.ofSeconds(1)),
                ConfigKeys.get(w, "liveness-timeout").as(Duration.class).orElse(Duration.ofSeconds(60)),
                media.get("allowed.dir").asString().filter(s -> !s.isBlank()).map(Path::of),
                new MediaFetch(ConfigKeys.get(media, "url.max-bytes").asLong().orElse(15L << 20),
                        media.get("url.timeout").as(Duration.class).orElse(Duration.ofSeconds(10)),
                        ConfigKeys.get(media, "url.max-redirects").asInt().orElse(3),
                        ConfigKeys.get(media, "url.allow-private").asBoolean().orElse(false),
                        ConfigKeys.get(media, "url.allow-http").asBoolean().orElse(false),
                        w.get("media.budget").asLong().filter(x -> x > 0).orElseGet(MediaBudget::defaultBytes)),
                ConfigKeys.get(w, "long-posts").asBoolean().orElse(false),
                // SEALING_KEY_RING / SEALING_KEY_FILE: without keys a sealed token is answered invalid_token
                new Unsealing(SealingConfig.keys(config.get("sealing")).map(k -> new SealedTokens(new Sealer(k)))));
    }

    /** The dead-letter queue: requests that cannot be answered, and replies that cannot be delivered, with the reason in headers. */
    public String deadLetterQueue() {
        return requestQueue + ".dead";
    }

    /** Shard {@code k}'s queue, e.g. {@code twt.shard.3}: one user's requests always go to the same one. */
    public String shardQueue(int k) {
        return requestQueue + ".shard." + k;
    }

    /** Shard {@code k}'s state queue: one message, what its owner must remember across a hand-over ({@link ShardState}). */
    public String shardStateQueue(int k) {
        return shardQueue(k) + ".state";
    }

    /** Every worker consumes this queue (nothing is ever published to it): its consumer count is the number of workers. */
    public String rosterQueue() {
        return requestQueue + ".workers";
    }

    /** Requests in flight at once on one shard of a worker owning {@code owned} shards: its prefetch shared by them, at least 8. */
    public int shardPrefetch(int owned) {
        return Math.max(8, (prefetch + owned - 1) / Math.max(1, owned));
    }

    /** Whether the broker keeps shard state (it needs RabbitMQ's {@code x-max-length}). */
    public boolean keepsShardState() {
        return brokerProfile == BrokerProfile.RABBITMQ;
    }

    @Override
    public String toString() {
        return "WorkerConfig[amqp=" + amqpUri.getHost() + ":" + amqpUri.getPort() + ", queues=" + requestQueue + "/"
                + replyQueue + ", mode=" + requestQueueMode + ", broker=" + brokerProfile + ", shards=" + shards + ", prefetch=" + prefetch + "]";
    }
}
