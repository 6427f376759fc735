package io.twtbridge.sandbox;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** What happened so far, on the X endpoints (the {@code /sandbox} control calls are not counted). */
public final class Counters {
    final AtomicLong requests = new AtomicLong();
    final AtomicLong signatureFailures = new AtomicLong();
    final AtomicLong rateLimited = new AtomicLong();
    final AtomicLong duplicates = new AtomicLong();
    final AtomicLong posts = new AtomicLong();
    final AtomicLong deletes = new AtomicLong();
    final AtomicLong mediaUploads = new AtomicLong();
    final AtomicLong injectedErrors = new AtomicLong();
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger peakConcurrent = new AtomicInteger();
    private final Set<String> connections = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicLong> rateLimitedByUser = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> rateLimitedPeakByUser = new ConcurrentHashMap<>();

    /** One 429 for this user (by screen name), in the user's current rate-limit window. */
    void rateLimited(String screenName, RateLimits.Window window) {
        rateLimited.incrementAndGet();
        rateLimitedByUser.computeIfAbsent(screenName, k -> new AtomicLong()).incrementAndGet();
        int inWindow = window.rejected.incrementAndGet();
        rateLimitedPeakByUser
                .computeIfAbsent(screenName, k -> new AtomicInteger())
                .accumulateAndGet(inWindow, Math::max);
    }

    void enter(String connection) {
        requests.incrementAndGet();
        connections.add(connection);
        int now = inFlight.incrementAndGet();
        peakConcurrent.accumulateAndGet(now, Math::max);
    }

    void exit() {
        inFlight.decrementAndGet();
    }

    void reset() {
        requests.set(0);
        signatureFailures.set(0);
        rateLimited.set(0);
        duplicates.set(0);
        posts.set(0);
        deletes.set(0);
        mediaUploads.set(0);
        injectedErrors.set(0);
        rateLimitedByUser.clear();
        rateLimitedPeakByUser.clear();
        connections.clear();
        peakConcurrent.set(inFlight.get());
    }

    public long requests() {
        return requests.get();
    }

    public long signatureFailures() {
        return signatureFailures.get();
    }

    public long rateLimited() {
        return rateLimited.get();
    }

    /** 429s answered to this user's posts (by screen name). */
    public long rateLimited(String screenName) {
        AtomicLong n = rateLimitedByUser.get(screenName);
        return n == null ? 0 : n.get();
    }

    /** The most 429s this user got within one of their rate-limit windows. */
    public int rateLimitedMaxPerWindow(String screenName) {
        AtomicInteger n = rateLimitedPeakByUser.get(screenName);
        return n == null ? 0 : n.get();
    }

    /** Screen names of users that got a 429. */
    public Set<String> rateLimitedUsers() {
        return Set.copyOf(rateLimitedByUser.keySet());
    }

    public long duplicates() {
        return duplicates.get();
    }

    public long posts() {
        return posts.get();
    }

    /** Errors the sandbox injected (faults, failPostsOf with a 5xx). */
    public long injectedErrors() {
        return injectedErrors.get();
    }

    /** Posts deleted. */
    public long deletes() {
        return deletes.get();
    }

    public long mediaUploads() {
        return mediaUploads.get();
    }

    /**
     * The connections the X endpoints were called on (the server's id of each accepted connection): a client that
     * keeps its connections open for reuse opens as many as it makes calls at once.
     */
    public int connections() {
        return connections.size();
    }

    public int peakConcurrent() {
        return peakConcurrent.get();
    }

    /** Calls on the X endpoints being answered now. */
    public int inFlight() {
        return inFlight.get();
    }
}
