package io.twtbridge.protocol;

import java.util.Objects;

/**
 * An OAuth 1.0a token and its secret: a user's access token, or a request token during the PIN flow.
 * {@link #toString()} never shows either value.
 */
public record Tokens(String token, String secret) {
    public Tokens {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(secret, "secret");
    }

    /** A short, safe-to-log fingerprint: the first 4 characters of the token, never the secret. */
    public String fingerprint() {
        return token.length() <= 4 ? "****" : token.substring(0, 4) + "…";
    }

    @Override
    public String toString() {
        return "Tokens[token=" + fingerprint() + ", secret=****]";
    }
}
