package io.twtbridge.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which format a WebSocket frame is in, and what a frame that is not a request is answered. */
class SocketFormatTest {

    @Test
    void aFrameStartingWithABraceIsJsonAndIsAnsweredInJson() {
        SocketFormat.Frame.Ok ok =
                assertInstanceOf(SocketFormat.Frame.Ok.class, SocketFormat.read("{\"id\":\"7\",\"command\":\"auth\"}"));
        assertEquals(new Request.Auth("7"), ok.request());
        assertFalse(ok.legacy());
        assertEquals(
                "{\"id\":\"7\",\"command\":\"auth\",\"status\":\"failed\",\"error\":{\"code\":\"x_unavailable\",\"message\":\"down\"}}",
                ok.reply(Outcome.Failed.of(ErrorCode.X_UNAVAILABLE, "down")));
    }

    @Test
    void anyOtherFrameIsLegacyAndIsAnsweredInTheLegacyFormat() {
        SocketFormat.Frame.Ok ok = assertInstanceOf(
                SocketFormat.Frame.Ok.class, SocketFormat.read("verify_pin\u00ff1234\u00ffrt\u00ffrs"));
        assertEquals(new Request.VerifyPin("", "1234", new Tokens("rt", "rs")), ok.request());
        assertTrue(ok.legacy());
        assertEquals(
                "twt\u00ffverify_pin\u00ffat\u00ffas",
                ok.reply(new Outcome.PinVerified(new Tokens("at", "as"), "42", "jo")));
        // A brace later in the frame does not make it JSON.
        assertEquals("twt\u00fferror\u00ffunknown_command", refused(" {\"id\":\"7\",\"command\":\"auth\"}"));
    }

    @Test
    void aJsonFrameWithItsIdAndCommandIsRefusedInJson() {
        assertEquals(
                "{\"id\":\"7\",\"command\":\"verify_pin\",\"status\":\"failed\",\"error\":{\"code\":\"bad_request\","
                        + "\"message\":\"field 'pin' is empty\"}}",
                refused("{\"id\":\"7\",\"command\":\"verify_pin\",\"pin\":\"\","
                        + "\"request_token\":\"rt\",\"request_token_secret\":\"rs\"}"));
    }

    @Test
    void aJsonFrameWithoutIdOrCommandIsRefusedWithTheLegacyErrorReply() {
        assertEquals("twt\u00fferror\u00ffbad_request", refused("{\"command\":\"auth\"}"));
        assertEquals("twt\u00fferror\u00ffbad_request", refused("{not json"));
        assertEquals("twt\u00fferror\u00ffbad_request", refused("{\"id\":\"7\"}"));
        assertEquals("twt\u00fferror\u00ffunknown_command", refused("{\"id\":\"7\",\"command\":\"dance\"}"));
    }

    @Test
    void legacyFramesThatAreNotRequests() {
        assertEquals("twt\u00fferror\u00ffbad_request", refused(""));
        assertEquals("twt\u00fferror\u00ffunknown_command", refused("hello"));
        assertEquals("twt\u00ffverify_pin\u00ffexception_occurred", refused("verify_pin\u00ff1234"));
        assertEquals("twt\u00fferror\u00ffbad_request", SocketFormat.internalError());
    }

    @Test
    void replyFieldsAreWhatTheEncoderJoined() {
        String reply = LegacySocketFormat.encodeReply(
                Optional.of(Command.AUTH), new Outcome.AuthStarted("https://x/a", new Tokens("rt", "rs")));
        assertEquals(List.of("twt", "auth", "https://x/a", "rt", "rs"), LegacySocketFormat.replyFields(reply));
        byte[] queueReply =
                LegacyQueueFormat.INSTANCE.encodeReply("9", Command.UPLOAD_POST, Outcome.Posted.of("1", "u"));
        assertEquals(List.of("9", "twt", "upload_post", "0"), LegacyQueueFormat.replyFields(queueReply));
        assertEquals(List.of("9", "twt", "upload_post", "0"), LegacyQueueFormat.replyFields(new byte[] {
            '9',
            (byte) 0xFF,
            't',
            'w',
            't',
            (byte) 0xFF,
            'u',
            'p',
            'l',
            'o',
            'a',
            'd',
            '_',
            'p',
            'o',
            's',
            't',
            (byte) 0xFF,
            '0'
        }));
    }

    private static String refused(String frame) {
        return assertInstanceOf(SocketFormat.Frame.Refused.class, SocketFormat.read(frame))
                .reply();
    }
}
