package io.twtbridge.worker;

import io.helidon.config.Config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
                           int maxAttempts,
                           Duration maxRetryAge,
                           Duration retryBaseDelay,
                           Duration retryMaxDelay,
                           Duration rateLimitDeadline,
                           List<Duration> delayTiers,
                           Duration shutdownGrace,
                           Optional<Path> mediaAllowedDir,
                           MediaFetch mediaFetch) {

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
     * What the broker can do. {@code RABBITMQ}: queue arguments (quorum queues, delivery limits, TTL delay queues
     * dead-lettering back to {@code twt}). {@code PLAIN}: any AMQP 0-9-1 broker (e.g. the embedded Qpid Broker-J of
     * the local stack): queues without arguments, and the worker itself moves parked requests back when due.
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
        return new WorkerConfig(
                URI.create(config.get("amqp.uri").asString().orElse("amqp://guest:guest@localhost:5672/")),
                w.get("queue.requests").asString().orElse("twt"),
                w.get("queue.replies").asString().orElse("to_server"),
                QueueMode.valueOf(w.get("queue.mode").asString().orElse("quorum").toUpperCase()),
                BrokerProfile.valueOf(w.get("broker.profile").asString().orElse("rabbitmq").toUpperCase()),
                w.get("prefetch").asInt().orElse(500),
                w.get("delivery-limit").asInt().orElse(10),
                w.get("retry.max-attempts").asInt().orElse(5),
                w.get("retry.max-age").as(Duration.class).orElse(Duration.ofMinutes(10)),
                w.get("retry.base-delay").as(Duration.class).orElse(Duration.ofSeconds(1)),
                w.get("retry.max-delay").as(Duration.class).orElse(Duration.ofMinutes(2)),
                w.get("rate-limit.deadline").as(Duration.class).orElse(Duration.ofMinutes(15)),
                w.get("delay-tiers").asList(Duration.class).orElse(DEFAULT_TIERS),
                w.get("shutdown-grace").as(Duration.class).orElse(Duration.ofSeconds(20)),
                media.get("allowed.dir").asString().filter(s -> !s.isBlank()).map(Path::of),
                new MediaFetch(media.get("url.max-bytes").asLong().orElse(15L << 20),
                        media.get("url.timeout").as(Duration.class).orElse(Duration.ofSeconds(10)),
                        media.get("url.max-redirects").asInt().orElse(3),
                        media.get("url.allow-private").asBoolean().orElse(false),
                        media.get("url.allow-http").asBoolean().orElse(false),
                        w.get("media.budget").asLong().filter(x -> x > 0).orElseGet(MediaBudget::defaultBytes)));
    }

    /** Delay queues, shortest first: a wait is cut into hops of these lengths. */
    public static final List<Duration> DEFAULT_TIERS = List.of(Duration.ofSeconds(1), Duration.ofSeconds(5),
            Duration.ofSeconds(30), Duration.ofMinutes(2), Duration.ofMinutes(10), Duration.ofHours(1));

    /** The dead-letter queue: requests that cannot be answered, with the reason in a header. */
    public String deadLetterQueue() {
        return requestQueue + ".dead";
    }

    /** The one delay queue of the {@code PLAIN} profile: requests wait there until their x-twt-not-before. */
    public String plainDelayQueue() {
        return requestQueue + ".delay";
    }

    /** The delay queue of one tier, e.g. {@code twt.delay.5s}. */
    public String delayQueue(Duration tier) {
        long ms = tier.toMillis();
        String name = ms % 3_600_000 == 0 ? ms / 3_600_000 + "h" : ms % 60_000 == 0 ? ms / 60_000 + "m"
                : ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
        return requestQueue + ".delay." + name;
    }

    @Override
    public String toString() {
        return "WorkerConfig[amqp=" + amqpUri.getHost() + ":" + amqpUri.getPort() + ", queues=" + requestQueue + "/"
                + replyQueue + ", mode=" + requestQueueMode + ", broker=" + brokerProfile + ", prefetch=" + prefetch + "]";
    }
}
