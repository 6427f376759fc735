package io.twtbridge.worker;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who may call X now, keeping each user's posts in order. A user whose request had to wait (a retry, a rate
 * limit, or waiting behind another) has a line: the parked requests, by their defer id, in arrival order. Only the
 * head of the line may go to X, and only once its own wait is over; everyone behind it, and any new request of that
 * user, parks again. Other users flow. An app-wide rate limit parks everyone. Pure logic, no I/O.
 */
final class Gate {
    /** A head that has not come back this long after its wait ended (e.g. it was dead-lettered) is dropped. */
    static final Duration STALE_AFTER = Duration.ofMinutes(2);

    private final Map<String, Line> lines = new ConcurrentHashMap<>();
    private volatile Instant appUntil = Instant.EPOCH;

    /** One user's parked requests. Guarded by itself. */
    private static final class Line {
        final ArrayDeque<String> waiting = new ArrayDeque<>();
        Instant until = Instant.EPOCH;
        boolean rateLimit;
        Instant headSeen;
    }

    sealed interface Verdict {
        record Proceed() implements Verdict {
        }

        /** Park for this long (through a delay queue) and ask again. */
        record Defer(Duration delay) implements Verdict {
        }

        /** The wait would pass the request's deadline: answer rate_limited, retry after this long. */
        record Expire(Duration retryAfter) implements Verdict {
        }
    }

    /**
     * @param user     the user's key
     * @param deferId  the id this request carries from an earlier parking, or null
     * @param deadline the latest time the request may still be posted
     */
    Verdict check(String user, String deferId, Instant deadline, Instant now) {
        Instant app = appUntil;
        if (app.isAfter(now)) {
            return app.isAfter(deadline) ? new Verdict.Expire(Duration.between(now, app)) : new Verdict.Defer(Duration.between(now, app));
        }
        Line line = lines.get(user);
        if (line == null) {
            return new Verdict.Proceed();
        }
        synchronized (line) {
            while (!line.waiting.isEmpty() && !line.waiting.peekFirst().equals(deferId)
                    && now.isAfter(latest(line.until, line.headSeen).plus(STALE_AFTER))) {
                line.waiting.pollFirst(); // the head never came back
                line.until = Instant.EPOCH;
                line.rateLimit = false;
                line.headSeen = now;
            }
            if (line.waiting.isEmpty()) {
                lines.remove(user, line);
                return new Verdict.Proceed();
            }
            boolean head = line.waiting.peekFirst().equals(deferId);
            if (head) {
                line.headSeen = now;
                if (!line.until.isAfter(now)) {
                    return new Verdict.Proceed();
                }
            }
            if (line.rateLimit && line.until.isAfter(deadline)) {
                return new Verdict.Expire(Duration.between(now, line.until));
            }
            return new Verdict.Defer(line.until.isAfter(now) ? Duration.between(now, line.until) : Duration.ZERO);
        }
    }

    /** A request of this user parks: it keeps its place in the line, or joins the end. Returns its defer id. */
    String park(String user, String deferId, Instant now) {
        Line line = lines.computeIfAbsent(user, k -> new Line());
        synchronized (line) {
            String id = deferId != null ? deferId : UUID.randomUUID().toString();
            if (!line.waiting.contains(id)) {
                if (line.waiting.isEmpty()) {
                    line.headSeen = now;
                }
                line.waiting.addLast(id);
            }
            return id;
        }
    }

    /** The head of the user's line must wait until {@code until} (a retry's backoff, or X's rate-limit reset). */
    void block(String user, Instant until, boolean rateLimit) {
        Line line = lines.computeIfAbsent(user, k -> new Line());
        synchronized (line) {
            line.until = until;
            line.rateLimit = rateLimit;
        }
    }

    /** The request was answered: it leaves the line, and the next one becomes the head. */
    void done(String user, String deferId, Instant now) {
        Line line = lines.get(user);
        if (line == null) {
            return;
        }
        synchronized (line) {
            if (deferId != null && line.waiting.remove(deferId)) {
                line.until = Instant.EPOCH;
                line.rateLimit = false;
                line.headSeen = now;
            }
            if (line.waiting.isEmpty()) {
                lines.remove(user, line);
            }
        }
    }

    void blockApp(Instant until) {
        synchronized (this) {
            if (until.isAfter(appUntil)) {
                appUntil = until;
            }
        }
    }

    /** Users waiting for an X rate-limit reset right now. */
    long rateLimitedUsers(Instant now) {
        return lines.values().stream().filter(l -> {
            synchronized (l) {
                return l.rateLimit && l.until.isAfter(now);
            }
        }).count();
    }

    private static Instant latest(Instant a, Instant b) {
        return b == null || a.isAfter(b) ? a : b;
    }
}
