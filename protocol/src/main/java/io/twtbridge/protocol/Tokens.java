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

    /** How a sealed token begins (the sealing envelope's version). */
    public static final String SEALED_PREFIX = "tb1.";

    /**
     * A sealed token (see RPC_FORMAT.md "Sealed tokens"): one opaque text in place of the access token and its
     * secret; the secret is empty. Only the gateway and the workers can open it.
     */
    public static Tokens sealed(String sealedToken) {
        return new Tokens(sealedToken, "");
    }

    /** Whether this is a sealed token ({@link #sealed(String)}) rather than a token and its secret. */
    public boolean isSealed() {
        return secret.isEmpty() && token.startsWith(SEALED_PREFIX);
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
