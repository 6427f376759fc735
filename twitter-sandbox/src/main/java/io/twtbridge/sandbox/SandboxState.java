package io.twtbridge.sandbox;

import java.io.ByteArrayOutputStream;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** Everything the sandbox remembers: consumers, users, tokens, posts, media, limits, faults and counters. */
public final class SandboxState {
    private static final SecureRandom RANDOM = new SecureRandom();
    /** A video whose bytes contain this (ASCII) ends its processing {@code failed}. */
    public static final String FAIL_PROCESSING_MARKER = "twt-sandbox:fail-processing";

    private final Clock clock;
    private final Map<String, String> consumers = new ConcurrentHashMap<>();
    private final Map<String, User> usersByName = new ConcurrentHashMap<>();
    private final Map<String, AccessToken> accessTokens = new ConcurrentHashMap<>();
    private final Map<String, RequestToken> requestTokens = new ConcurrentHashMap<>();
    private final Map<String, Long> nonces = new ConcurrentHashMap<>();
    private final Map<String, Media> media = new ConcurrentHashMap<>();
    private final List<Post> posts = new ArrayList<>();
    private final Map<String, Set<String>> textsByUser = new HashMap<>();
    private final Set<String> deleted = new HashSet<>();
    private final Set<String> suspended = ConcurrentHashMap.newKeySet();
    private final Set<String> premium = ConcurrentHashMap.newKeySet();
    private final Set<String> refusedMedia = ConcurrentHashMap.newKeySet();
    /** Per user: posts still to let through, then posts to refuse. */
    private final Map<String, int[]> failingPosts = new HashMap<>();
    private final Map<String, Window> userWindows = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong(1_850_000_000_000_000_000L);
    private volatile Window appWindow;
    private volatile Faults faults = Faults.NONE;
    /** Videos whose processing is to fail, next ones first ({@link #failNextVideos}). */
    private final AtomicInteger failingVideos = new AtomicInteger();
    private volatile Limits limits;
    final Counters counters = new Counters();

    public SandboxState(Clock clock, Limits limits) {
        this.clock = clock;
        this.limits = limits;
        this.appWindow = new Window(clock.instant().plusSeconds(limits.windowSeconds()));
    }

    /** A registered X app. */
    public void registerConsumer(String key, String secret) {
        consumers.put(key, secret);
    }

    Optional<String> consumerSecret(String key) {
        return Optional.ofNullable(consumers.get(key));
    }

    Instant now() {
        return clock.instant();
    }

    /** A sandbox user with a fresh access token for {@code consumerKey} (created when new). */
    public synchronized UserTokens createUser(String screenName, String consumerKey) {
        User user = usersByName.computeIfAbsent(screenName, n -> new User(String.valueOf(ids.incrementAndGet() % 1_000_000_000L), n));
        AccessToken token = newAccessToken(user, consumerKey);
        return new UserTokens(user.id(), user.screenName(), token.token(), token.secret());
    }

    private AccessToken newAccessToken(User user, String consumerKey) {
        AccessToken t = new AccessToken(user.id() + "-" + random(20), random(40), user, consumerKey, new AtomicInteger());
        accessTokens.put(t.token(), t);
        return t;
    }

    /** Revokes an access token: every later call with it gets 401. */
    public boolean revoke(String accessToken) {
        AccessToken t = accessTokens.get(accessToken);
        if (t == null) {
            return false;
        }
        t.revoked().set(1);
        return true;
    }

    /** Suspends a user: their posts get 403 (not a duplicate), as X answers for a suspended account. */
    public void suspend(String screenName) {
        User u = usersByName.get(screenName);
        if (u != null) {
            suspended.add(u.id());
        }
    }

    /** The next {@code n} videos finalized (by anyone) end their processing {@code failed}. */
    public void failNextVideos(int n) {
        failingVideos.set(Math.max(0, n));
    }

    /** Whether the video being finalized now is one that must fail (counts it down). */
    boolean takeVideoFailure() {
        return failingVideos.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
    }

    /** Makes a user premium: X lets them post long (up to 25,000 weighted characters); others get 280. */
    public void premium(String screenName) {
        User u = usersByName.get(screenName);
        if (u != null) {
            premium.add(u.id());
        }
    }

    /**
     * Fault injection: every image this user uploads is refused with 400 "The media could not be processed.", as X
     * answers for a file it cannot decode (the sandbox does not decode images).
     */
    public void refuseMediaOf(String screenName) {
        User u = usersByName.get(screenName);
        if (u != null) {
            refusedMedia.add(u.id());
        }
    }

    /**
     * Fault injection: after this user's next {@code after} posts, the {@code count} following ones are refused with 403
     * "You are not permitted to perform this action." (as X answers a restricted account); then posts succeed again.
     */
    public void failPostsOf(String screenName, int after, int count) {
        failPostsOf(screenName, after, count, 403);
    }

    /** As {@link #failPostsOf(String, int, int)}, answering {@code status} (403, or e.g. 503: X unavailable, nothing posted). */
    public synchronized void failPostsOf(String screenName, int after, int count, int status) {
        User u = usersByName.get(screenName);
        if (u != null) {
            failingPosts.put(u.id(), new int[] {after, count, status});
        }
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

    boolean isPremium(String userId) {
        return premium.contains(userId);
    }

    boolean isSuspended(String userId) {
        return suspended.contains(userId);
    }

    Optional<AccessToken> accessToken(String token) {
        return Optional.ofNullable(accessTokens.get(token)).filter(t -> t.revoked().get() == 0);
    }

    RequestToken newRequestToken(String consumerKey, String callback) {
        RequestToken t = new RequestToken(random(27), random(32), consumerKey, callback,
                String.format("%07d", RANDOM.nextInt(10_000_000)), now().plusSeconds(limits.requestTokenTtlSeconds()));
        requestTokens.put(t.token(), t);
        return t;
    }

    Optional<RequestToken> requestToken(String token) {
        return Optional.ofNullable(requestTokens.get(token)).filter(t -> t.expires().isAfter(now()));
    }

    /** The user approves the app: the PIN becomes valid for that user. Returns the PIN. */
    public Optional<String> authorize(String requestToken, String screenName) {
        return requestToken(requestToken).map(t -> {
            User user = usersByName.computeIfAbsent(screenName, n -> new User(String.valueOf(ids.incrementAndGet() % 1_000_000_000L), n));
            t.approvedBy = user;
            return t.verifier();
        });
    }

    /** Exchanges an approved request token once; empty plus a reason when refused. */
    synchronized Exchange exchange(String requestToken, String verifier) {
        RequestToken t = requestTokens.get(requestToken);
        if (t == null || !t.expires().isAfter(now())) {
            return new Exchange(null, "Invalid request token.");
        }
        if (t.approvedBy == null || !t.verifier().equals(verifier)) {
            return new Exchange(null, "Error processing your OAuth request: Invalid oauth_verifier parameter");
        }
        requestTokens.remove(requestToken);
        return new Exchange(newAccessToken(t.approvedBy, t.consumerKey()), null);
    }

    record Exchange(AccessToken token, String error) {
    }

    /** Records a nonce; false when it was seen before within the timestamp window. */
    boolean freshNonce(String consumerKey, String token, String timestamp, String nonce) {
        long nowS = now().getEpochSecond();
        if (nonces.size() > 200_000) {
            nonces.values().removeIf(t -> t < nowS - limits.timestampWindowSeconds() * 2L);
        }
        return nonces.putIfAbsent(consumerKey + "\n" + token + "\n" + timestamp + "\n" + nonce, nowS) == null;
    }

    String nextId() {
        return String.valueOf(ids.incrementAndGet());
    }

    Media putMedia(Media m) {
        media.put(m.id, m);
        return m;
    }

    Optional<Media> media(String id) {
        return Optional.ofNullable(media.get(id));
    }

    /** The media type of an uploaded media id ({@code image/png}, {@code video/mp4}, …), for tests. */
    public Optional<String> mediaType(String id) {
        return media(id).map(m -> m.mediaType);
    }

    synchronized boolean isDuplicate(String userId, String text) {
        return !text.isEmpty() && textsByUser.getOrDefault(userId, Set.of()).contains(text);
    }

    synchronized Post addPost(Post p) {
        posts.add(p);
        textsByUser.computeIfAbsent(p.authorId(), k -> new HashSet<>()).add(p.text());
        return p;
    }

    /** What a delete did. */
    enum Deletion { DELETED, NOT_FOUND, NOT_OWNER }

    /** Deletes a live post of this user; like X, a deleted post is then unknown (not found). */
    synchronized Deletion delete(String tweetId, String userId) {
        Optional<Post> p = posts.stream().filter(x -> x.id().equals(tweetId)).findFirst();
        if (p.isEmpty() || deleted.contains(tweetId)) {
            return Deletion.NOT_FOUND;
        }
        if (!p.get().authorId().equals(userId)) {
            return Deletion.NOT_OWNER;
        }
        deleted.add(tweetId);
        java.util.Set<String> texts = textsByUser.get(userId);
        if (texts != null) {
            texts.remove(p.get().text());
        }
        return Deletion.DELETED;
    }

    /** Whether this post was deleted. */
    public synchronized boolean isDeleted(String tweetId) {
        return deleted.contains(tweetId);
    }

    /** Every post so far, oldest first. */
    public synchronized List<Post> posts() {
        return List.copyOf(posts);
    }

    /** The rate-limit decision for one post by this user: empty when allowed. */
    synchronized Optional<RateLimitHit> takePostSlot(String userId) {
        Instant now = now();
        Limits l = limits;
        if (!appWindow.reset().isAfter(now)) {
            appWindow = new Window(now.plusSeconds(l.windowSeconds()));
        }
        Window w = userWindows.compute(userId, (k, v) -> v == null || !v.reset().isAfter(now) ? new Window(now.plusSeconds(l.windowSeconds())) : v);
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
        return userWindows.computeIfAbsent(userId, k -> new Window(now().plusSeconds(limits.windowSeconds())));
    }

    public Limits limits() {
        return limits;
    }

    public void limits(Limits l) {
        this.limits = l;
        synchronized (this) {
            userWindows.clear();
            appWindow = new Window(now().plusSeconds(l.windowSeconds()));
        }
    }

    public Faults faults() {
        return faults;
    }

    public void faults(Faults f) {
        this.faults = f;
    }

    /** Forgets users, tokens, posts, media, windows, faults and counters; keeps the registered consumers. */
    public synchronized void reset(Limits l) {
        usersByName.clear();
        accessTokens.clear();
        requestTokens.clear();
        nonces.clear();
        media.clear();
        posts.clear();
        textsByUser.clear();
        deleted.clear();
        suspended.clear();
        premium.clear();
        refusedMedia.clear();
        failingPosts.clear();
        faults = Faults.NONE;
        failingVideos.set(0);
        counters.reset();
        limits(l);
    }

    public Counters counters() {
        return counters;
    }

    static String random(int chars) {
        byte[] b = new byte[(chars + 1) / 2];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b).substring(0, chars);
    }

    /** A user of the sandbox. */
    public record User(String id, String screenName) {
    }

    /** What {@link #createUser} hands out. */
    public record UserTokens(String userId, String screenName, String accessToken, String accessTokenSecret) {
        @Override
        public String toString() {
            return "UserTokens[" + screenName + "]";
        }
    }

    record AccessToken(String token, String secret, User user, String consumerKey, AtomicInteger revoked) {
    }

    static final class RequestToken {
        private final String token;
        private final String secret;
        private final String consumerKey;
        private final String callback;
        private final String verifier;
        private final Instant expires;
        volatile User approvedBy;

        RequestToken(String token, String secret, String consumerKey, String callback, String verifier, Instant expires) {
            this.token = token;
            this.secret = secret;
            this.consumerKey = consumerKey;
            this.callback = callback;
            this.verifier = verifier;
            this.expires = expires;
        }

        String token() {
            return token;
        }

        String secret() {
            return secret;
        }

        String consumerKey() {
            return consumerKey;
        }

        String callback() {
            return callback;
        }

        String verifier() {
            return verifier;
        }

        Instant expires() {
            return expires;
        }
    }

    /** Uploaded media. Chunked uploads fill {@code received} until finalized. */
    static final class Media {
        final String id;
        final String ownerId;
        final String mediaType;
        final long totalBytes;
        final ByteArrayOutputStream received = new ByteArrayOutputStream();
        volatile String state; // "initialized", "pending", "in_progress", "succeeded", "failed"
        volatile int pollsLeft;
        /** Processing ends "failed" instead of "succeeded" (a video marked to fail). */
        volatile boolean failProcessing;
        /** STATUS polls answered so far, for {@code progress_percent}. */
        volatile int polls;
        volatile String altText;
        volatile long size;

        Media(String id, String ownerId, String mediaType, long totalBytes, String state) {
            this.id = id;
            this.ownerId = ownerId;
            this.mediaType = mediaType;
            this.totalBytes = totalBytes;
            this.state = state;
        }
    }

    /** A post the sandbox accepted. */
    public record Post(String id, String authorId, String authorScreenName, String text, List<String> mediaIds,
                       List<String> altTexts, String inReplyTo, Instant createdAt, String quoteTweetId, List<String> pollOptions,
                       int pollDurationMinutes, String replySettings) {
        /** A post without quote, poll or reply settings. */
        public Post(String id, String authorId, String authorScreenName, String text, List<String> mediaIds,
                    List<String> altTexts, String inReplyTo, Instant createdAt) {
            this(id, authorId, authorScreenName, text, mediaIds, altTexts, inReplyTo, createdAt, null, List.of(), 0, null);
        }
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

    record RateLimitHit(boolean userLimit, Instant reset, int limit, Window userWindow) {
    }

    /** Posting limits: per user and per app, per window. */
    public record Limits(int userPostLimit, int appPostLimit, long windowSeconds, long timestampWindowSeconds,
                         long requestTokenTtlSeconds, int processingPolls) {
        /** {@code processingPolls}: STATUS polls a GIF or video stays {@code in_progress} after {@code pending}. */
        public static final Limits DEFAULT = new Limits(1_000_000, 10_000_000, 900, 300, 900, 1);
    }

    /** Injected faults: latency, an error rate with a status, and dropped connections. */
    public record Faults(long latencyMs, double errorRate, int errorStatus, double dropRate) {
        public static final Faults NONE = new Faults(0, 0, 503, 0);
    }

    /** What happened so far. */
    public static final class Counters {
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
        private final Map<String, AtomicLong> rateLimitedByUser = new ConcurrentHashMap<>();
        private final Map<String, AtomicInteger> rateLimitedPeakByUser = new ConcurrentHashMap<>();

        /** One 429 for this user (by screen name), in the user's current rate-limit window. */
        void rateLimited(String screenName, Window window) {
            rateLimited.incrementAndGet();
            rateLimitedByUser.computeIfAbsent(screenName, k -> new AtomicLong()).incrementAndGet();
            int inWindow = window.rejected.incrementAndGet();
            rateLimitedPeakByUser.computeIfAbsent(screenName, k -> new AtomicInteger()).accumulateAndGet(inWindow, Math::max);
        }

        void enter() {
            requests.incrementAndGet();
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

        public int peakConcurrent() {
            return peakConcurrent.get();
        }
    }
}
