package io.twtbridge.gateway;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The gateway's budget of calls to X: one token bucket for the whole gateway and one per client address, which
 * outlives the address's connections. A call to X takes a token from both; when either is empty X is not called.
 */
final class XBudget {
    /** A call refused: which bucket was empty ({@code global} or {@code address}) and when it has a token again. */
    record Refusal(String bucket, long retryAfterSeconds) {}

    private final int perMinutePerAddress;
    private final TokenBucket global;
    private final Map<String, TokenBucket> perAddress = new ConcurrentHashMap<>();

    XBudget(int perMinute, int perMinutePerAddress) {
        this.perMinutePerAddress = perMinutePerAddress;
        this.global = new TokenBucket(perMinute, System.nanoTime());
    }

    /** Takes a token for one call to X on behalf of this address, or says why not (and takes nothing). */
    Optional<Refusal> take(String address) {
        long now = System.nanoTime();
        TokenBucket mine = perAddress.computeIfAbsent(address, a -> new TokenBucket(perMinutePerAddress, now));
        if (!mine.take(now)) {
            return Optional.of(new Refusal("address", mine.secondsUntilToken(now)));
        }
        if (!global.take(now)) {
            mine.giveBack();
            return Optional.of(new Refusal("global", global.secondsUntilToken(now)));
        }
        return Optional.empty();
    }

    /** Forgets addresses whose bucket has refilled: they would start full anyway. */
    void forgetFullBuckets() {
        long now = System.nanoTime();
        perAddress.values().removeIf(b -> b.isFull(now));
    }

    /** {@code capacity} tokens, refilled continuously at {@code capacity} per minute. */
    static final class TokenBucket {
        private static final double NANOS_PER_MINUTE = 60e9;
        private final int capacity;
        private double tokens;
        private long updated;

        TokenBucket(int capacity, long now) {
            this.capacity = capacity;
            this.tokens = capacity;
            this.updated = now;
        }

        synchronized boolean take(long now) {
            refill(now);
            if (tokens < 1) {
                return false;
            }
            tokens -= 1;
            return true;
        }

        synchronized void giveBack() {
            tokens = Math.min(capacity, tokens + 1);
        }

        synchronized long secondsUntilToken(long now) {
            refill(now);
            return capacity == 0 ? 60 : (long) Math.ceil((1 - tokens) * 60.0 / capacity);
        }

        synchronized boolean isFull(long now) {
            refill(now);
            return tokens >= capacity;
        }

        private void refill(long now) {
            tokens = Math.min(capacity, tokens + (now - updated) * capacity / NANOS_PER_MINUTE);
            updated = now;
        }
    }
}
