package io.twtbridge.worker;

import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Metrics;
import io.helidon.metrics.api.Tag;
import io.helidon.metrics.api.Timer;

import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/** The worker's meters, served at {@code /observe/metrics}. Labels never carry a token, secret or msg_id. */
final class WorkerMetrics {
    private final MeterRegistry registry;

    WorkerMetrics() {
        this(Metrics.globalRegistry());
    }

    WorkerMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** One answered request, by command and outcome ({@code posted}, an error code, …). */
    void answered(String command, String outcome) {
        registry.getOrCreate(Counter.builder("twt_requests").description("Requests answered, by outcome")
                .tags(List.of(Tag.create("command", command), Tag.create("outcome", outcome)))).increment();
    }

    void xCall(String endpoint, int status, Duration latency) {
        registry.getOrCreate(Timer.builder("twt_x_call").description("Calls to X")
                .tags(List.of(Tag.create("endpoint", endpoint), Tag.create("status", status < 0 ? "none" : String.valueOf(status / 100) + "xx"))))
                .record(latency);
    }

    void retried() {
        registry.getOrCreate(Counter.builder("twt_retries").description("Requests sent back through a delay queue after X was unavailable")).increment();
    }

    void deferred(String reason) {
        registry.getOrCreate(Counter.builder("twt_deferrals").description("Requests parked in a delay queue")
                .tags(List.of(Tag.create("reason", reason)))).increment();
    }

    void deadLettered() {
        registry.getOrCreate(Counter.builder("twt_dead_lettered").description("Requests that could not be answered, sent to the dead-letter queue")).increment();
    }

    void gauges(Supplier<Integer> inFlight, Supplier<Long> rateLimitedUsers) {
        registry.getOrCreate(Gauge.builder("twt_in_flight", inFlight).description("Requests being worked on"));
        registry.getOrCreate(Gauge.builder("twt_rate_limited_users", rateLimitedUsers).description("Users waiting for an X rate-limit reset"));
    }
}
