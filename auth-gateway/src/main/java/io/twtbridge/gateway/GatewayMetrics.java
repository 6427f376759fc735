package io.twtbridge.gateway;

import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Metrics;
import io.helidon.metrics.api.Tag;
import io.helidon.metrics.api.Timer;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/** The gateway's meters, at {@code /observe/metrics}. Labels never carry a token, PIN or address. */
final class GatewayMetrics {
    private final MeterRegistry registry = Metrics.globalRegistry();

    /** An auth flow event: {@code started}, {@code completed} or {@code failed}. */
    void flow(String event) {
        registry.getOrCreate(Counter.builder("twt_gateway_auth_flows")
                        .description("PIN login steps by result")
                        .tags(List.of(Tag.create("event", event))))
                .increment();
    }

    /** A limit was breached: {@code origin}, {@code message_size}, {@code rate}, {@code idle}, {@code connections}, {@code binary},
     * {@code ping_timeout}, {@code protocol}. */
    void breach(String limit) {
        registry.getOrCreate(Counter.builder("twt_gateway_limit_breaches")
                        .description("Connections refused or closed by a limit")
                        .tags(List.of(Tag.create("limit", limit))))
                .increment();
    }

    /** A call to X refused because a budget bucket ({@code global} or {@code address}) was empty; X was not called. */
    void budgetRefused(String bucket) {
        registry.getOrCreate(Counter.builder("twt_gateway_x_calls_refused")
                        .description("Calls to X not made: budget exhausted")
                        .tags(List.of(Tag.create("bucket", bucket))))
                .increment();
    }

    /** A request frame dropped unanswered because its connection had closed; X was not called. */
    void frameDropped() {
        registry.getOrCreate(Counter.builder("twt_gateway_frames_dropped")
                        .description("Requests left by closed connections"))
                .increment();
    }

    void xCall(String endpoint, int status, Duration latency) {
        registry.getOrCreate(Timer.builder("twt_gateway_x_call")
                        .description("Calls to X")
                        .tags(List.of(
                                Tag.create("endpoint", endpoint),
                                Tag.create("status", status < 0 ? "none" : status / 100 + "xx"))))
                .record(latency);
    }

    void openConnections(Supplier<Integer> open) {
        registry.getOrCreate(
                Gauge.builder("twt_gateway_open_connections", open).description("Open WebSocket connections"));
    }
}
