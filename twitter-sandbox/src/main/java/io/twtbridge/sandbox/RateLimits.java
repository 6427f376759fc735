package io.twtbridge.sandbox;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** The current {@link Limits} and the rate-limit windows of the app and of each user. */
final class RateLimits {
    private final Clock clock;
    private final Map<String, Window> userWindows = new ConcurrentHashMap<>();
    private volatile Window appWindow;
    private volatile Limits limits;

    RateLimits(Clock clock, Limits limits) {
        this.clock = clock;
        this.limits = limits;
        this.appWindow = new Window(clock.instant().plusSeconds(limits.windowSeconds()));
    }

    Limits limits() {
        return limits;
    }

    /** New limits; every window starts afresh. */
    void limits(Limits l) {
        this.limits = l;
        synchronized (this) {
            userWindows.clear();
            appWindow = new Window(clock.instant().plusSeconds(l.windowSeconds()));
        }
    }

    /** The rate-limit decision for one post by this user: empty when allowed. */
    synchronized Optional<RateLimitHit> takePostSlot(String userId) {
        Instant now = clock.instant();
        Limits l = limits;
        if (!appWindow.reset().isAfter(now)) {
            appWindow = new Window(now.plusSeconds(l.windowSeconds()));
        }
        Window w = userWindows.compute(
                userId,
                (k, v) -> v == null || !v.reset().isAfter(now) ? new Window(now.plusSeconds(l.windowSeconds())) : v);
        if (appWindow.used.get() >= l.appPostLimit()) {
            return Optional.of(new RateLimitHit(false, appWindow.reset(), l.appPostLimit(), w));
        }
        if (w.used.get() >= l.userPostLimit()) {
            return Optional.of(new RateLimitHit(true, w.reset(), l.userPostLimit(), w));
        }
        w.used.incrementAndGet();
        appWindow.used.incrementAndGet();
        return Optional.empty();
    }

    synchronized Window userWindow(String userId) {
        return userWindows.computeIfAbsent(
                userId, k -> new Window(clock.instant().plusSeconds(limits.windowSeconds())));
    }

    /** A rate-limit window: posts used until {@code reset}. */
    static final class Window {
        private final Instant reset;
        final AtomicInteger used = new AtomicInteger();
        /** 429s this user got while this window was current. */
        final AtomicInteger rejected = new AtomicInteger();

        Window(Instant reset) {
            this.reset = reset;
        }

        Instant reset() {
            return reset;
        }
    }

    /** A post refused for a limit: the user's or the app's ({@code userLimit} false), with that limit's reset. */
    record RateLimitHit(boolean userLimit, Instant reset, int limit, Window userWindow) {}
}
