package io.twtbridge.sandbox;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Faults the sandbox injects: on every X call (added latency, a share of error answers, a share of connections closed
 * mid-answer) and for one user or upload (refused posts, refused media, videos whose processing fails). The control
 * endpoints are not affected. {@link #clear()} (and a reset) removes them all.
 */
public final class Faults {
    /** A video whose bytes contain this (ASCII) ends its processing {@link MediaState#FAILED}, with no control call. */
    public static final String FAIL_PROCESSING_MARKER = "twt-sandbox:fail-processing";

    private final Users users;
    private volatile Network network = Network.NONE;
    /** Per user id: posts still to let through, posts to refuse, the status to refuse them with. */
    private final Map<String, int[]> failingPosts = new HashMap<>();

    private final Set<String> refusedMedia = ConcurrentHashMap.newKeySet();
    /** Videos whose processing is to fail, next ones first. */
    private final AtomicInteger failingVideos = new AtomicInteger();

    Faults(Users users) {
        this.users = users;
    }

    /** Every X call waits this long before it is answered. */
    public synchronized void latency(Duration latency) {
        network = new Network(latency.toMillis(), network.errorRate(), network.errorStatus(), network.dropRate());
    }

    /** This share (0 to 1) of X calls is answered with {@code status} (e.g. 503), nothing done. */
    public synchronized void errors(double rate, int status) {
        network = new Network(network.latencyMs(), rate, status, network.dropRate());
    }

    /** This share (0 to 1) of X calls gets part of an answer, then the connection is closed. */
    public synchronized void dropConnections(double rate) {
        network = new Network(network.latencyMs(), network.errorRate(), network.errorStatus(), rate);
    }

    /**
     * After this user's next {@code after} posts, the {@code count} following ones are refused with 403 "You are not
     * permitted to perform this action." (as X answers a restricted account); then posts succeed again.
     */
    public void failPostsOf(String screenName, int after, int count) {
        failPostsOf(screenName, after, count, 403);
    }

    /** As {@link #failPostsOf(String, int, int)}, answering {@code status} (403, or e.g. 503: X unavailable, nothing posted). */
    public synchronized void failPostsOf(String screenName, int after, int count, int status) {
        users.find(screenName).ifPresent(u -> failingPosts.put(u.id(), new int[] {after, count, status}));
    }

    /**
     * Every image this user uploads (simple, or chunked from INIT on) is refused with 400 "The media could not be
     * processed.", as X answers for a file it cannot decode (the sandbox does not decode images).
     */
    public void refuseMediaOf(String screenName) {
        users.find(screenName).ifPresent(u -> refusedMedia.add(u.id()));
    }

    /** The next {@code n} videos finalized (by anyone) end their processing {@link MediaState#FAILED}. */
    public void failNextVideos(int n) {
        failingVideos.set(Math.max(0, n));
    }

    /** No latency, errors, drops, refused posts or media, failing videos. */
    public synchronized void clear() {
        network = Network.NONE;
        failingPosts.clear();
        refusedMedia.clear();
        failingVideos.set(0);
    }

    /** The faults on every X call, as one consistent value. */
    Network network() {
        return network;
    }

    /** Sets the faults on every X call at once ({@code PUT /sandbox/faults}). */
    void network(Network n) {
        network = n;
    }

    /** The status to refuse this post of the user with (and counts it), or 0 to let it through. */
    synchronized int failThisPost(String userId) {
        int[] plan = failingPosts.get(userId);
        if (plan == null) {
            return 0;
        }
        if (plan[0] > 0) {
            plan[0]--;
            return 0;
        }
        if (plan[1] > 0) {
            plan[1]--;
            return plan[2];
        }
        return 0;
    }

    boolean refusesMedia(String userId) {
        return refusedMedia.contains(userId);
    }

    /** Whether the video being finalized now is one that must fail (counts it down). */
    boolean takeVideoFailure() {
        return failingVideos.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
    }

    /** Faults on every X call: added latency, an error rate with a status, and a rate of dropped connections. */
    record Network(long latencyMs, double errorRate, int errorStatus, double dropRate) {
        static final Network NONE = new Network(0, 0, 503, 0);
    }
}
