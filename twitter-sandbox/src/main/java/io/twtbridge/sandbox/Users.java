package io.twtbridge.sandbox;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sandbox's users, by screen name: created with a ready access token ({@link #create}) or by signing in on the
 * authorize page ({@link #authorize}); some suspended, some premium.
 */
public final class Users {
    private final Ids ids;
    private final OAuthTokens tokens;
    private final String defaultConsumerKey;
    private final Map<String, User> byName = new ConcurrentHashMap<>();
    private final Set<String> suspended = ConcurrentHashMap.newKeySet();
    private final Set<String> premium = ConcurrentHashMap.newKeySet();

    Users(Ids ids, OAuthTokens tokens, String defaultConsumerKey) {
        this.ids = ids;
        this.tokens = tokens;
        this.defaultConsumerKey = defaultConsumerKey;
    }

    /** A user (created when new) with a fresh access token for the sandbox's registered app. */
    public UserTokens create(String screenName) {
        return create(screenName, defaultConsumerKey);
    }

    /** A user (created when new) with a fresh access token for the app {@code consumerKey}. */
    public synchronized UserTokens create(String screenName, String consumerKey) {
        User user = named(screenName);
        OAuthTokens.AccessToken token = tokens.newAccessToken(user, consumerKey);
        return new UserTokens(user.id(), user.screenName(), token.token(), token.secret());
    }

    /**
     * The user approves the app for a pending request token, as on the authorize page: that token's PIN becomes valid
     * for this user (created when new). Returns the PIN; empty for an unknown, used or expired request token.
     */
    public Optional<String> authorize(String requestToken, String screenName) {
        return tokens.requestToken(requestToken).map(t -> {
            t.approvedBy = named(screenName);
            return t.verifier();
        });
    }

    /** Suspends a user: their posts get 403 (not a duplicate), as X answers for a suspended account. */
    public void suspend(String screenName) {
        find(screenName).ifPresent(u -> suspended.add(u.id()));
    }

    /** Makes a user premium: X lets them post long (up to 25,000 weighted characters); others get 280. */
    public void premium(String screenName) {
        find(screenName).ifPresent(u -> premium.add(u.id()));
    }

    Optional<User> find(String screenName) {
        return Optional.ofNullable(byName.get(screenName));
    }

    boolean isSuspended(String userId) {
        return suspended.contains(userId);
    }

    boolean isPremium(String userId) {
        return premium.contains(userId);
    }

    private User named(String screenName) {
        return byName.computeIfAbsent(screenName, n -> new User(ids.nextUserId(), n));
    }

    void reset() {
        byName.clear();
        suspended.clear();
        premium.clear();
    }

    /** A user of the sandbox. */
    record User(String id, String screenName) {}
}
