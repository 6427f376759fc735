package io.twtbridge.gateway;

import io.twtbridge.protocol.Outcome;
import io.twtbridge.sealing.SealedTokens;
import java.util.Locale;
import java.util.Optional;

/**
 * The opt-in sealed-token mode (GATEWAY_SEALED_TOKENS): a successful login answers one sealed token, which only the
 * gateway and the workers can open, instead of the access token and its secret. {@code json}: JSON frames (and
 * the callback login) answer {@code sealed_token}; {@code all}: legacy frames too, with the sealed token in the
 * access-token field and an empty secret field; {@code off} (default): unchanged.
 */
record TokenSealing(Mode mode, Optional<SealedTokens> tokens) {
    static final TokenSealing OFF = new TokenSealing(Mode.OFF, Optional.empty());

    enum Mode {
        OFF,
        JSON,
        ALL;

        static Mode parse(String value) {
            try {
                return valueOf(value.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("GATEWAY_SEALED_TOKENS must be off, json or all");
            }
        }
    }

    TokenSealing {
        if (mode != Mode.OFF && tokens.isEmpty()) {
            throw new IllegalStateException("GATEWAY_SEALED_TOKENS needs SEALING_KEY_RING or SEALING_KEY_FILE");
        }
    }

    /** The outcome as the client receives it in this format. */
    Outcome reply(Outcome outcome, boolean legacy) {
        boolean applies = mode == Mode.ALL || (mode == Mode.JSON && !legacy);
        if (applies && outcome instanceof Outcome.PinVerified v && tokens.isPresent()) {
            return new Outcome.PinVerified(tokens.get().seal(v.accessToken(), v.userId()), v.userId(), v.screenName());
        }
        return outcome;
    }
}
