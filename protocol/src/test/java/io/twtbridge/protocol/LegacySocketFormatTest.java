package io.twtbridge.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LegacySocketFormatTest {

    @Test
    void decodesTheTwoCommands() {
        assertEquals(new Decoded.Ok(new Request.Auth("")), LegacySocketFormat.decode("auth"));
        // verify_pin ÿ 1234 ÿ rt ÿ rs, as the page sends it (a text frame: UTF-8 on the wire)
        String frame =
                new String(Hex.bytes("7665726966795f70696e c3bf 31323334 c3bf 7274 c3bf 7273"), StandardCharsets.UTF_8);
        assertEquals(
                new Decoded.Ok(new Request.VerifyPin("", "1234", new Tokens("rt", "rs"))),
                LegacySocketFormat.decode(frame));
        assertEquals(
                frame, LegacySocketFormat.encodeRequest(new Request.VerifyPin("", "1234", new Tokens("rt", "rs"))));
    }

    @Test
    void encodesRepliesByteExact() {
        String auth = LegacySocketFormat.encodeReply(
                Optional.of(Command.AUTH),
                new Outcome.AuthStarted("https://api.x.com/oauth/authorize?oauth_token=rt", new Tokens("rt", "rs")));
        assertEquals(
                "747774c3bf61757468c3bf"
                        + Hex.of("https://api.x.com/oauth/authorize?oauth_token=rt".getBytes(StandardCharsets.UTF_8))
                        + "c3bf7274c3bf7273",
                Hex.of(auth.getBytes(StandardCharsets.UTF_8)));
        String verified = LegacySocketFormat.encodeReply(
                Optional.of(Command.VERIFY_PIN), new Outcome.PinVerified(new Tokens("at", "as"), "1", "me"));
        assertEquals(
                "747774c3bf7665726966795f70696ec3bf6174c3bf6173", Hex.of(verified.getBytes(StandardCharsets.UTF_8)));
        assertEquals(4, verified.split("ÿ", -1).length);
        assertEquals(
                "twtÿverify_pinÿexception_occurred",
                LegacySocketFormat.encodeReply(
                        Optional.of(Command.VERIFY_PIN), Outcome.Failed.of(ErrorCode.BAD_REQUEST, "wrong pin")));
        assertEquals(
                "twtÿauthÿexception_occurred",
                LegacySocketFormat.encodeReply(
                        Optional.of(Command.AUTH), Outcome.Failed.of(ErrorCode.X_UNAVAILABLE, "X is down")));
        assertEquals(
                "twtÿerrorÿunknown_command",
                LegacySocketFormat.encodeReply(
                        Optional.empty(), Outcome.Failed.of(ErrorCode.UNKNOWN_COMMAND, "unknown command")));
        assertEquals(
                "twtÿerrorÿbad_request",
                LegacySocketFormat.encodeReply(Optional.empty(), Outcome.Failed.of(ErrorCode.BAD_REQUEST, "empty")));
    }

    @Test
    void malformedFrames() {
        assertProblem("", Problem.EMPTY_BODY, Optional.empty());
        assertProblem("hello", Problem.UNKNOWN_COMMAND, Optional.empty());
        assertProblem("upload_postÿaÿbÿcÿdÿe", Problem.UNKNOWN_COMMAND, Optional.empty());
        assertProblem("authÿextra", Problem.WRONG_FIELD_COUNT, Optional.of(Command.AUTH));
        assertProblem("verify_pinÿ1234ÿrt", Problem.WRONG_FIELD_COUNT, Optional.of(Command.VERIFY_PIN));
        assertProblem("verify_pinÿÿrtÿrs", Problem.INVALID_FIELD, Optional.of(Command.VERIFY_PIN));
        assertProblem(
                "verify_pinÿ" + "9".repeat(200) + "ÿrtÿrs", Problem.FIELD_TOO_LONG, Optional.of(Command.VERIFY_PIN));
    }

    private static void assertProblem(String frame, Problem problem, Optional<Command> command) {
        Decoded.Malformed m = assertInstanceOf(Decoded.Malformed.class, LegacySocketFormat.decode(frame));
        assertEquals(problem, m.problem());
        assertEquals(command, m.command());
        assertEquals(Optional.empty(), m.id());
    }
}
