package io.twtbridge.sandbox;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** OAuth 1.0a as X keeps it: registered apps, request tokens with their PINs, access tokens, and the nonces seen. */
public final class OAuthTokens {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Clock clock;
    private final RateLimits limits;
    private final Map<String, String> consumers = new ConcurrentHashMap<>();
    private final Map<String, AccessToken> accessTokens = new ConcurrentHashMap<>();
    private final Map<String, RequestToken> requestTokens = new ConcurrentHashMap<>();
    private final Map<String, Long> nonces = new ConcurrentHashMap<>();

    OAuthTokens(Clock clock, RateLimits limits) {
        this.clock = clock;
        this.limits = limits;
    }

    /** Revokes an access token: every later call with it gets 401. False when the sandbox does not know it. */
    public boolean revoke(String accessToken) {
        AccessToken t = accessTokens.get(accessToken);
        if (t == null) {
            return false;
        }
        t.revoked().set(1);
        return true;
    }

    /** A registered X app. */
    void registerConsumer(String key, String secret) {
        consumers.put(key, secret);
    }

    Optional<String> consumerSecret(String key) {
        return Optional.ofNullable(consumers.get(key));
    }

    AccessToken newAccessToken(Users.User user, String consumerKey) {
        AccessToken t =
                new AccessToken(user.id() + "-" + random(20), random(40), user, consumerKey, new AtomicInteger());
        accessTokens.put(t.token(), t);
        return t;
    }

    /** A live (not revoked) access token. */
    Optional<AccessToken> accessToken(String token) {
        return Optional.ofNullable(accessTokens.get(token))
                .filter(t -> t.revoked().get() == 0);
    }

    RequestToken newRequestToken(String consumerKey, String callback) {
        RequestToken t = new RequestToken(
                random(27),
                random(32),
                consumerKey,
                callback,
                String.format("%07d", RANDOM.nextInt(10_000_000)),
                clock.instant().plusSeconds(limits.limits().requestTokenTtlSeconds()));
        requestTokens.put(t.token(), t);
        return t;
    }

    /** A request token that is still exchangeable. */
    Optional<RequestToken> requestToken(String token) {
        return Optional.ofNullable(requestTokens.get(token))
                .filter(t -> t.expires().isAfter(clock.instant()));
    }

    /** Exchanges an approved request token once; a token or a reason when refused. */
    synchronized Exchange exchange(String requestToken, String verifier) {
        RequestToken t = requestTokens.get(requestToken);
        if (t == null || !t.expires().isAfter(clock.instant())) {
            return new Exchange(null, "Invalid request token.");
        }
        if (t.approvedBy == null || !t.verifier().equals(verifier)) {
            return new Exchange(null, "Error processing your OAuth request: Invalid oauth_verifier parameter");
        }
        requestTokens.remove(requestToken);
        return new Exchange(newAccessToken(t.approvedBy, t.consumerKey()), null);
    }

    /** Records a nonce; false when it was seen before within the timestamp window. */
    boolean freshNonce(String consumerKey, String token, String timestamp, String nonce) {
        long nowS = clock.instant().getEpochSecond();
        if (nonces.size() > 200_000) {
            nonces.values().removeIf(t -> t < nowS - limits.limits().timestampWindowSeconds() * 2L);
        }
        return nonces.putIfAbsent(consumerKey + "\n" + token + "\n" + timestamp + "\n" + nonce, nowS) == null;
    }

    /** Forgets every token and nonce; keeps the registered apps. */
    void reset() {
        accessTokens.clear();
        requestTokens.clear();
        nonces.clear();
    }

    static String random(int chars) {
        byte[] b = new byte[(chars + 1) / 2];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b).substring(0, chars);
    }

    /** What an access-token exchange gave: a token, or the reason X would refuse. */
    record Exchange(AccessToken token, String error) {}

    record AccessToken(String token, String secret, Users.User user, String consumerKey, AtomicInteger revoked) {}

    static final class RequestToken {
        private final String token;
        private final String secret;
        private final String consumerKey;
        private final String callback;
        private final String verifier;
        private final Instant expires;
        /** The user who approved the app on the authorize page, then the PIN ({@code verifier}) is valid. */
        volatile Users.User approvedBy;

        RequestToken(
                String token, String secret, String consumerKey, String callback, String verifier, Instant expires) {
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
}
