package io.twtbridge.gateway;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Open connections: how many per client address, and a watchdog that pings quiet ones and closes idle and dead ones
 * ({@link AuthSocket#tick(long)}).
 */
final class Connections implements AutoCloseable {
    private final GatewayConfig config;
    private final Map<String, Integer> perAddress = new ConcurrentHashMap<>();
    private final Set<AuthSocket> open = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "twt-gateway-watchdog");
        t.setDaemon(true);
        return t;
    });

    Connections(GatewayConfig config) {
        this.config = config;
        long shortest =
                Math.min(config.idleTimeout().toMillis(), config.pingInterval().toMillis());
        long every = Math.max(20, Math.min(1000, shortest / 4));
        watchdog.scheduleWithFixedDelay(this::tick, every, every, TimeUnit.MILLISECONDS);
    }

    /** Counts a new connection from this address; false (and not counted) when the address already holds the maximum. */
    boolean register(AuthSocket socket, String address) {
        boolean[] ok = {false};
        perAddress.compute(address, (k, n) -> {
            int count = n == null ? 0 : n;
            if (count >= config.connectionsPerAddress()) {
                return n;
            }
            ok[0] = true;
            return count + 1;
        });
        if (ok[0]) {
            open.add(socket);
        }
        return ok[0];
    }

    void unregister(AuthSocket socket, String address) {
        if (open.remove(socket)) {
            perAddress.computeIfPresent(address, (k, n) -> n <= 1 ? null : n - 1);
        }
    }

    int open() {
        return open.size();
    }

    /** Runs a short, non-blocking task on the watchdog after a delay. */
    void later(Duration delay, Runnable task) {
        try {
            watchdog.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // shutting down: every connection is dropped anyway
        }
    }

    /** Runs a short, non-blocking task on the watchdog every period. */
    void every(Duration period, Runnable task) {
        watchdog.scheduleWithFixedDelay(task, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Closes every open connection with 1001 (shutdown), each on the executor; completes when every close frame is sent. */
    CompletableFuture<Void> goAway(Executor executor) {
        return CompletableFuture.allOf(open.stream()
                .map(s -> CompletableFuture.runAsync(s::goAway, executor))
                .toArray(CompletableFuture[]::new));
    }

    private void tick() {
        long now = System.nanoTime();
        try {
            open.forEach(s -> s.tick(now));
        } catch (RejectedExecutionException e) {
            // shutting down
        }
    }

    @Override
    public void close() {
        watchdog.shutdownNow();
    }
}
