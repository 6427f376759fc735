package io.twtbridge.worker;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who may call X now. A user is blocked while one of their requests waits for a retry or a rate-limit reset (its
 * "owner"): their later requests wait behind it, so they still go out in order, while other users flow. An
 * app-wide rate limit blocks everyone. Pure logic, no I/O.
 */
final class Gate {
    /** A block left behind by an owner that never came back (e.g. dead-lettered) stops counting after this. */
    static final Duration STALE_AFTER = Duration.ofMinutes(2);

    private final Map<String, Block> users = new ConcurrentHashMap<>();
    private volatile Instant appUntil = Instant.EPOCH;

    record Block(Instant until, String owner, boolean rateLimit) {
    }

    sealed interface Verdict {
        record Proceed() implements Verdict {
        }

        /** Wait this long (through a delay queue) and look again. */
        record Defer(Duration delay) implements Verdict {
        }

        /** The wait would pass the request's deadline: answer rate_limited, retry after this long. */
        record Expire(Duration retryAfter) implements Verdict {
        }
    }

    /**
     * @param user     the user's key
     * @param deferId  the id this request carries from an earlier deferral, or null
     * @param deadline the latest time the request may still be posted
     */
    Verdict check(String user, String deferId, Instant deadline, Instant now) {
        Instant app = appUntil;
        if (app.isAfter(now)) {
            return app.isAfter(deadline) ? new Verdict.Expire(Duration.between(now, app)) : new Verdict.Defer(Duration.between(now, app));
        }
        Block b = users.get(user);
        if (b == null) {
            return new Verdict.Proceed();
        }
        boolean owner = b.owner().equals(deferId);
        if (!owner && now.isAfter(b.until().plus(STALE_AFTER))) {
            users.remove(user, b);
            return new Verdict.Proceed();
        }
        if (owner && !b.until().isAfter(now)) {
            return new Verdict.Proceed();
        }
        if (b.rateLimit() && b.until().isAfter(deadline)) {
            return new Verdict.Expire(Duration.between(now, b.until()));
        }
        return new Verdict.Defer(b.until().isAfter(now) ? Duration.between(now, b.until()) : Duration.ZERO);
    }

    /** Blocks the user until {@code until}, owned by the request carrying {@code owner}. */
    void block(String user, Instant until, String owner, boolean rateLimit) {
        users.put(user, new Block(until, owner, rateLimit));
    }

    /** The owner was answered: its user flows again. */
    void release(String user, String owner) {
        if (owner != null) {
            users.computeIfPresent(user, (k, b) -> b.owner().equals(owner) ? null : b);
        }
    }

    void blockApp(Instant until) {
        synchronized (this) {
            if (until.isAfter(appUntil)) {
                appUntil = until;
            }
        }
    }

    /** Users blocked by a rate limit right now. */
    long rateLimitedUsers(Instant now) {
        return users.values().stream().filter(b -> b.rateLimit() && b.until().isAfter(now)).count();
    }

    boolean appBlocked(Instant now) {
        return appUntil.isAfter(now);
    }
}
