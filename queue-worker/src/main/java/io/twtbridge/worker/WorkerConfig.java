package io.twtbridge.worker;

import io.helidon.config.Config;
import io.twtbridge.sealing.SealedTokens;
import io.twtbridge.sealing.Sealer;
import io.twtbridge.sealing.SealingConfig;
import io.twtbridge.twitter.ConfigKeys;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The worker's settings, from the {@code worker} and {@code amqp} config nodes (see application.yaml for every
 * key and its environment variable). Only {@link #from(Config)} makes one, in the process ({@link Main#setup}) and
 * in every test, benchmark and the local stack alike (what differs is set as application.yaml keys over the file,
 * {@link ConfigKeys#applicationYaml}); nothing calls the canonical constructor by position.
 */
public record WorkerConfig(
        URI amqpUri,
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
     * of media all requests may hold at once ({@code worker.media.budget}, WORKER_MEDIA_BUDGET). Made by
     * {@link WorkerConfig#from} from application.yaml, or by name with {@link #builder()}.
     *
     * @param maxBytes              largest media fetched by URL (MEDIA_URL_MAX_BYTES)
     * @param timeout               one deadline for a whole fetch, redirects included
     * @param maxRedirects          redirects followed
     * @param allowPrivateAddresses fetch loopback and private addresses (tests only: MEDIA_URL_ALLOW_PRIVATE)
     * @param allowHttp             fetch plain http (tests only: MEDIA_URL_ALLOW_HTTP)
     * @param budgetBytes           bytes of media all requests may hold at once
     */
    public record MediaFetch(
            long maxBytes,
            Duration timeout,
            int maxRedirects,
            boolean allowPrivateAddresses,
            boolean allowHttp,
            long budgetBytes) {

        /**
         * A builder with production's policy (https to public addresses only) and nothing else set:
         * {@link Builder#build()} names what is missing.
         */
        public static Builder builder() {
            return new Builder();
        }

        /** Every part by name; sizes, timeout and redirects are required, the two test switches start off. */
        public static final class Builder {
            private Long maxBytes;
            private Duration timeout;
            private Integer maxRedirects;
            private boolean allowPrivateAddresses;
            private boolean allowHttp;
            private Long budgetBytes;

            private Builder() {}

            public Builder maxBytes(long maxBytes) {
                this.maxBytes = maxBytes;
                return this;
            }

            public Builder timeout(Duration timeout) {
                this.timeout = timeout;
                return this;
            }

            public Builder maxRedirects(int maxRedirects) {
                this.maxRedirects = maxRedirects;
                return this;
            }

            /** Tests only: fetch from loopback and private addresses (a test's own servers). */
            public Builder allowPrivateAddresses() {
                this.allowPrivateAddresses = true;
                return this;
            }

            /** Tests only: fetch plain http URLs. */
            public Builder allowHttp() {
                this.allowHttp = true;
                return this;
            }

            public Builder budgetBytes(long budgetBytes) {
                this.budgetBytes = budgetBytes;
                return this;
            }

            /** @throws NullPointerException naming the first part not set */
            public MediaFetch build() {
                return new MediaFetch(
                        Objects.requireNonNull(maxBytes, "maxBytes"),
                        Objects.requireNonNull(timeout, "timeout"),
                        Objects.requireNonNull(maxRedirects, "maxRedirects"),
                        allowPrivateAddresses,
                        allowHttp,
                        Objects.requireNonNull(budgetBytes, "budgetBytes"));
            }
        }
    }

    /**
     * Reads the {@code amqp}, {@code worker}, {@code media} and {@code sealing} nodes of the worker's configuration:
     * its application.yaml (every default is there, and only there) under environment variables in Main, or under a
     * test's overrides ({@link ConfigKeys#applicationYaml}).
     *
     * @throws IllegalStateException naming the setting when one is invalid or missing
     */
    public static WorkerConfig from(Config config) {
        Config w = config.get("worker");
        Config media = config.get("media");
        int shards = ConfigKeys.require(w, "shards").asInt().get();
        if (shards < 1 || shards > 1000) {
            throw new IllegalStateException("WORKER_SHARDS must be between 1 and 1000");
        }
        RetryPolicy retry = RetryPolicy.from(w);
        long budget = ConfigKeys.require(w, "media.budget").asLong().get(); // 0: a quarter of the heap
        MediaFetch.Builder mediaFetch = MediaFetch.builder()
                .maxBytes(ConfigKeys.require(media, "url.max-bytes").asLong().get())
                .timeout(ConfigKeys.requireDuration(media, "url.timeout"))
                .maxRedirects(
                        ConfigKeys.require(media, "url.max-redirects").asInt().get())
                .budgetBytes(budget > 0 ? budget : MediaBudget.defaultBytes());
        if (ConfigKeys.require(media, "url.allow-private").asBoolean().get()) {
            mediaFetch.allowPrivateAddresses();
        }
        if (ConfigKeys.require(media, "url.allow-http").asBoolean().get()) {
            mediaFetch.allowHttp();
        }
        // SEALING_KEY_RING / SEALING_KEY_FILE: without keys a sealed token is answered invalid_token
        Unsealing unsealing =
                new Unsealing(SealingConfig.keys(config.get("sealing")).map(k -> new SealedTokens(new Sealer(k))));
        return new WorkerConfig(
                URI.create(ConfigKeys.require(config, "amqp.uri").asString().get()),
                ConfigKeys.require(w, "queue.requests").asString().get(),
                ConfigKeys.require(w, "queue.replies").asString().get(),
                QueueMode.valueOf(
                        ConfigKeys.require(w, "queue.mode").asString().get().toUpperCase()),
                BrokerProfile.valueOf(
                        ConfigKeys.require(w, "broker.profile").asString().get().toUpperCase()),
                ConfigKeys.require(w, "prefetch").asInt().get(),
                ConfigKeys.require(w, "delivery-limit").asInt().get(),
                shards,
                ConfigKeys.require(w, "reply-to.prefix").asString().get(),
                retry,
                ConfigKeys.requireDuration(w, "shutdown-grace"),
                ConfigKeys.requireDuration(w, "rebalance-interval"),
                ConfigKeys.requireDuration(w, "liveness-timeout"),
                ConfigKeys.require(media, "allowed.dir").asString().get().isBlank()
                        ? Optional.empty()
                        : Optional.of(Path.of(ConfigKeys.require(media, "allowed.dir")
                                .asString()
                                .get())),
                mediaFetch.build(),
                ConfigKeys.require(w, "long-posts").asBoolean().get(),
                unsealing);
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

    /**
     * Requests the broker hands one shard of a worker owning {@code owned} shards before their answers (its consumer's
     * prefetch): twice the shard's even share ({@link #shardPrefetch(int)}), at most the whole prefetch, and all of a
     * worker's shards together at most twice {@link #maxInFlight()} ({@code Worker} caps a shard it takes while it
     * holds shards taken with a larger share). At most {@link #maxInFlight()} call X at once, so a busy shard uses
     * what idle ones leave: with an even share each, a worker's throughput was that of its busiest shard (users hash
     * unevenly: one worker, 16 shards, 1,000 users, 76 % of what its requests in flight allow, benchmarks/README.md).
     */
    public int shardDeliveries(int owned) {
        return Math.min(Math.max(prefetch, shardPrefetch(owned)), 2 * shardPrefetch(owned));
    }

    /**
     * At least the most requests this worker holds at once, however many shards it owns: each owned shard holds
     * {@link #shardPrefetch(int)}, so {@code owned × ⌈prefetch ÷ owned⌉ ≤ prefetch + shards − 1}, and at least 8 each.
     */
    public int maxInFlight() {
        return Math.max(prefetch + shards - 1, 8 * shards);
    }

    /** Whether the broker keeps shard state (it needs RabbitMQ's {@code x-max-length}). */
    public boolean keepsShardState() {
        return brokerProfile == BrokerProfile.RABBITMQ;
    }

    @Override
    public String toString() {
        return "WorkerConfig[amqp=" + amqpUri.getHost() + ":" + amqpUri.getPort() + ", queues=" + requestQueue + "/"
                + replyQueue + ", mode=" + requestQueueMode + ", broker=" + brokerProfile + ", shards=" + shards
                + ", prefetch=" + prefetch + "]";
    }
}
