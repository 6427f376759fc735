package io.twtbridge.gateway;

import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The request tokens this replica has exchanged in a callback login, until they would have expired anyway: a
 * second callback with one of them is refused without calling X. Bounded: when full of unexpired tokens, new
 * claims are refused (fail closed) until some expire.
 */
final class UsedTokens {
    private final ConcurrentHashMap<String, Long> expiries = new ConcurrentHashMap<>();
    private final int capacity;
    private final Clock clock;

    UsedTokens(int capacity, Clock clock) {
        this.capacity = capacity;
        this.clock = clock;
    }

    /** True the first time {@code token} is claimed (and there is room); false for a repeat. */
    boolean claim(String token, long expiresEpochSecond) {
        long now = clock.instant().getEpochSecond();
        if (expiries.size() >= capacity) {
            expiries.values().removeIf(e -> e <= now);
            if (expiries.size() >= capacity) {
                return false;
            }
        }
        return expiries.putIfAbsent(token, expiresEpochSecond) == null;
    }

    int size() {
        return expiries.size();
    }
}
