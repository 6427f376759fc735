package io.twtbridge.protocol;

import java.util.Optional;

/** The checks every format applies to a login's fields, so the queue formats and the WebSocket reject the same things. */
final class LoginCheck {
    private LoginCheck() {}

    /** A {@code verify_pin} request with these fields, or why it is malformed (with its id and command, to answer it). */
    static Decoded verifyPin(String id, String pin, Tokens requestToken) {
        Optional<PostCheck.Failure> failure = PostCheck.field("pin", pin, Limits.MAX_PIN_CHARS, false, true)
                .or(() -> PostCheck.field("request_token", requestToken.token(), Limits.MAX_TOKEN_CHARS, false, true))
                .or(() -> PostCheck.field(
                        "request_token_secret", requestToken.secret(), Limits.MAX_TOKEN_CHARS, false, true));
        if (failure.isPresent()) {
            return new Decoded.Malformed(
                    failure.get().problem(),
                    Optional.of(id),
                    Optional.of(Command.VERIFY_PIN),
                    failure.get().detail());
        }
        return new Decoded.Ok(new Request.VerifyPin(id, pin, requestToken));
    }
}
