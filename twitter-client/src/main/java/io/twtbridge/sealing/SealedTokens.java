package io.twtbridge.sealing;

import io.twtbridge.protocol.Limits;
import io.twtbridge.protocol.Tokens;
import java.util.Optional;

/**
 * A user's access token and secret as one sealed token ({@link Tokens#sealed}), for the gateway (which seals) and
 * the workers (which open). Inside: the user id, the token and the secret. Opening fails closed: anything but a
 * token one of our keys sealed, at most {@link Limits#MAX_TOKEN_CHARS} long, is empty.
 */
public final class SealedTokens {
    private static final String PURPOSE = "access-token";
    private final Sealer sealer;

    public SealedTokens(Sealer sealer) {
        this.sealer = sealer;
    }

    /** The sealed form of {@code user}'s access token, for the user {@code userId}. */
    public Tokens seal(Tokens accessToken, String userId) {
        String sealed = sealer.seal(PURPOSE, Fields.join(userId, accessToken.token(), accessToken.secret()));
        if (sealed.length() > Limits.MAX_TOKEN_CHARS) {
            throw new IllegalArgumentException("the sealed token would be too long");
        }
        return Tokens.sealed(sealed);
    }

    /** The access token and secret inside a sealed token, when it is one we sealed. */
    public Optional<Opened> open(Tokens sealed) {
        if (!sealed.isSealed() || sealed.token().length() > Limits.MAX_TOKEN_CHARS) {
            return Optional.empty();
        }
        return sealer.open(PURPOSE, sealed.token())
                .flatMap(b -> Fields.split(b, 3))
                .filter(f -> !f.get(1).isEmpty() && !f.get(2).isEmpty())
                .map(f -> new Opened(f.get(0), new Tokens(f.get(1), f.get(2))));
    }

    /** What a sealed token holds; {@link Tokens#toString()} never shows the token. */
    public record Opened(String userId, Tokens accessToken) {}
}
