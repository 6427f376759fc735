package io.twtbridge.gateway;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Open connections: how many per client address, and a watchdog that closes idle ones. */
final class Connections implements AutoCloseable {
    private final GatewayConfig config;
    private final Map<String, Integer> perAddress = new ConcurrentHashMap<>();
    private final Set<AuthSocket> open = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "twt-gateway-idle-watchdog");
        t.setDaemon(true);
        return t;
    });

    Connections(GatewayConfig config) {
        this.config = config;
        long every = Math.max(50, Math.min(1000, config.idleTimeout().toMillis() / 4));
        watchdog.scheduleWithFixedDelay(this::closeIdle, every, every, TimeUnit.MILLISECONDS);
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

    private void closeIdle() {
        long now = System.nanoTime();
        for (AuthSocket s : open) {
            if (now - s.lastActivity() > config.idleTimeout().toNanos()) {
                s.closeIdle();
            }
        }
    }

    @Override
    public void close() {
        watchdog.shutdownNow();
    }
}
