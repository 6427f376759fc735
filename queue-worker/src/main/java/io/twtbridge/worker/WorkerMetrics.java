package io.twtbridge.worker;

import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Metrics;
import io.helidon.metrics.api.Tag;
import io.helidon.metrics.api.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The worker's meters, served at {@code /observe/metrics}. Labels never carry a token, secret or msg_id. Meters are
 * registered once per label set and kept, so recording on the per-request path is a map lookup.
 */
final class WorkerMetrics {
    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();

    WorkerMetrics() {
        this(Metrics.globalRegistry());
    }

    WorkerMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** One answered request, by command and outcome ({@code posted}, an error code, …). */
    void answered(String command, String outcome) {
        counter("twt_requests", "Requests answered, by outcome", "command", command, "outcome", outcome)
                .increment();
    }

    void xCall(String endpoint, int status, Duration latency) {
        String statusClass = status < 0 ? "none" : status / 100 + "xx";
        timers.computeIfAbsent(
                        endpoint + "|" + statusClass,
                        k -> registry.getOrCreate(Timer.builder("twt_x_call")
                                .description("Calls to X")
                                .tags(List.of(Tag.create("endpoint", endpoint), Tag.create("status", statusClass)))))
                .record(latency);
    }

    void retried() {
        counter("twt_retries", "Retries after X was unavailable").increment();
    }

    void deferred(String reason) {
        counter("twt_deferrals", "Waits before a call to X (rate limits)", "reason", reason)
                .increment();
    }

    void routed() {
        counter("twt_routed", "Requests moved from the request queue to their shard")
                .increment();
    }

    void outcomeUnknown() {
        counter("twt_outcome_unknown", "Posts not repeated because an earlier attempt may have reached X")
                .increment();
    }

    void undeliverableReply() {
        counter(
                        "twt_undeliverable_replies",
                        "Replies kept in the dead-letter queue (reply_to refused, missing or returned)")
                .increment();
    }

    void deadLettered() {
        counter("twt_dead_lettered", "Requests that could not be answered, sent to the dead-letter queue")
                .increment();
    }

    void gauges(Supplier<Integer> inFlight, Supplier<Long> rateLimitedUsers, Supplier<Integer> ownedShards) {
        registry.getOrCreate(Gauge.builder("twt_in_flight", inFlight)
                .description("Requests held: delivered and not answered yet (waiting for their turn included)"));
        registry.getOrCreate(Gauge.builder("twt_rate_limited_users", rateLimitedUsers)
                .description("Users waiting for an X rate-limit reset"));
        registry.getOrCreate(Gauge.builder("twt_owned_shards", ownedShards).description("Shards this worker consumes"));
    }

    /** The counter with this name and these tag name/value pairs, registered on first use. */
    private Counter counter(String name, String description, String... tags) {
        return counters.computeIfAbsent(name + "|" + String.join("|", tags), k -> {
            Counter.Builder b = Counter.builder(name).description(description);
            for (int i = 0; i < tags.length; i += 2) {
                b.addTag(Tag.create(tags[i], tags[i + 1]));
            }
            return registry.getOrCreate(b);
        });
    }
}
