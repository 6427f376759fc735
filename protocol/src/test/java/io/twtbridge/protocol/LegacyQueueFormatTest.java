package io.twtbridge.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class LegacyQueueFormatTest {
    private static final LegacyQueueFormat F = LegacyQueueFormat.INSTANCE;

    // "7" ÿ "upload_post" ÿ "tok" ÿ "sec" ÿ "hi" ÿ "" with ÿ as C3 BF (what the Node server sends)
    private static final String POST_UTF8 = "37 c3bf 75706c6f61645f706f7374 c3bf 746f6b c3bf 736563 c3bf 6869 c3bf";
    // the same with the raw FF byte the spec's words describe
    private static final String POST_RAW_FF = "37 ff 75706c6f61645f706f7374 ff 746f6b ff 736563 ff 6869 ff";

    private static Request.Post expectedTextPost() {
        return new Request.Post("7", new Tokens("tok", "sec"), "hi", List.of(), Optional.empty());
    }

    @Test
    void decodesTextPostWithUtf8Separator() {
        assertEquals(new Decoded.Ok(expectedTextPost()), F.decode(Hex.bytes(POST_UTF8)));
    }

    @Test
    void decodesTextPostWithRawFfSeparator() {
        assertEquals(new Decoded.Ok(expectedTextPost()), F.decode(Hex.bytes(POST_RAW_FF)));
    }

    @Test
    void decodesMixedSeparators() {
        byte[] body = Hex.bytes("37 ff 75706c6f61645f706f7374 c3bf 746f6b ff 736563 c3bf 6869 ff");
        assertEquals(new Decoded.Ok(expectedTextPost()), F.decode(body));
    }

    @Test
    void decodesImagePathAndNonAsciiText() {
        // "12" ÿ upload_post ÿ a ÿ b ÿ "è ok" ÿ "/up/x.png"
        byte[] body =
                Hex.bytes("3132 c3bf 75706c6f61645f706f7374 c3bf 61 c3bf 62 c3bf c3a8206f6b c3bf 2f75702f782e706e67");
        Request.Post expected = new Request.Post(
                "12",
                new Tokens("a", "b"),
                "è ok",
                List.of(Media.of(new MediaSource.FilePath("/up/x.png"))),
                Optional.empty());
        assertEquals(new Decoded.Ok(expected), F.decode(body));
    }

    @Test
    void encodesRequestWithUtf8Separator() {
        assertEquals(POST_UTF8.replace(" ", ""), Hex.of(F.encodeRequest(expectedTextPost())));
    }

    @Test
    void encodesSuccessReply() {
        // 7 ÿ twt ÿ upload_post ÿ 0
        assertEquals(
                "37c3bf747774c3bf75706c6f61645f706f7374c3bf30",
                Hex.of(F.encodeReply("7", Command.UPLOAD_POST, Outcome.Posted.of("1", "https://x.com/i/status/1"))));
    }

    @Test
    void encodesFailureReplies() {
        String prefix = "37c3bf747774c3bf75706c6f61645f706f7374c3bf";
        assertEquals(
                prefix + hex("exception_occurred"),
                Hex.of(F.encodeReply(
                        "7", Command.UPLOAD_POST, Outcome.Failed.of(ErrorCode.INVALID_TOKEN, "token revoked"))));
        assertEquals(
                prefix + hex("exception_occurred"),
                Hex.of(F.encodeReply("7", Command.UPLOAD_POST, Outcome.Failed.rateLimited("later", 60))));
        assertEquals(
                prefix + "696d616765206572726f72",
                Hex.of(F.encodeReply(
                        "7", Command.UPLOAD_POST, Outcome.Failed.of(ErrorCode.MEDIA_UNREACHABLE, "no such file"))));
        assertEquals(
                prefix + "756e6b6e6f7720636f6d6d616e64",
                Hex.of(F.encodeReply(
                        "7", Command.UPLOAD_POST, Outcome.Failed.of(ErrorCode.UNKNOWN_COMMAND, "unknown command"))));
    }

    @Test
    void authAndVerifyPinOnTheQueue() {
        assertEquals(new Decoded.Ok(new Request.Auth("9")), F.decode(Hex.bytes("39 c3bf 61757468")));
        byte[] verify = Hex.bytes("39 c3bf 7665726966795f70696e c3bf 31323334 c3bf 7274 c3bf 7273");
        assertEquals(new Decoded.Ok(new Request.VerifyPin("9", "1234", new Tokens("rt", "rs"))), F.decode(verify));
        assertEquals(
                "39c3bf747774c3bf61757468c3bf" + hex("https://x/a") + "c3bf7274c3bf7273",
                Hex.of(F.encodeReply(
                        "9", Command.AUTH, new Outcome.AuthStarted("https://x/a", new Tokens("rt", "rs")))));
        assertEquals(
                "39c3bf747774c3bf7665726966795f70696ec3bf6174c3bf6173",
                Hex.of(F.encodeReply(
                        "9", Command.VERIFY_PIN, new Outcome.PinVerified(new Tokens("at", "as"), "1", "me"))));
        assertEquals(
                "39c3bf747774c3bf7665726966795f70696ec3bf" + hex("exception_occurred"),
                Hex.of(F.encodeReply("9", Command.VERIFY_PIN, Outcome.Failed.of(ErrorCode.BAD_REQUEST, "wrong pin"))));
    }

    @Test
    void malformedCorpus() {
        assertMalformed(new byte[0], Problem.EMPTY_BODY, null);
        assertMalformed(utf8("ÿÿÿÿÿ"), Problem.MISSING_ID, null);
        assertMalformed(Hex.bytes("ff ff ff"), Problem.MISSING_ID, null);
        assertMalformed(utf8("5ÿupload_postÿtokÿsec"), Problem.WRONG_FIELD_COUNT, "5");
        assertMalformed(utf8("5ÿupload_postÿtokÿsecÿtextÿimgÿextra"), Problem.WRONG_FIELD_COUNT, "5");
        assertMalformed(utf8("5"), Problem.WRONG_FIELD_COUNT, "5");
        assertMalformed(utf8("5ÿdelete_everything"), Problem.UNKNOWN_COMMAND, "5");
        assertMalformed(utf8("5ÿUPLOAD_POSTÿaÿbÿcÿ"), Problem.UNKNOWN_COMMAND, "5");
        // invalid UTF-8 (C3 28) in the text: the msg_id is still read
        assertMalformed(
                Hex.bytes("35 c3bf 75706c6f61645f706f7374 c3bf 61 c3bf 62 c3bf c328 c3bf"), Problem.INVALID_UTF8, "5");
        // invalid UTF-8 in the msg_id itself
        assertMalformed(Hex.bytes("c328 c3bf 61757468"), Problem.INVALID_UTF8, null);
        assertMalformed(utf8("5ÿupload_postÿtokÿsecÿ" + "a".repeat(1_000_000) + "ÿ"), Problem.FIELD_TOO_LONG, "5");
        assertMalformed(utf8("5ÿupload_postÿtokÿsecÿ" + "a".repeat(1_100_000) + "ÿ"), Problem.TOO_LARGE, "5");
        assertMalformed(utf8("5ÿupload_postÿtokÿsecÿnul\u0000textÿ"), Problem.INVALID_FIELD, "5");
        assertMalformed(utf8("5\u0000ÿauth"), Problem.MISSING_ID, null);
        assertMalformed(utf8("5ÿupload_postÿÿsecÿtextÿ"), Problem.INVALID_FIELD, "5");
        assertMalformed(utf8("5ÿupload_postÿtokÿsecÿ   ÿ"), Problem.INVALID_FIELD, "5");
        assertMalformed(utf8("x".repeat(200) + "ÿauth"), Problem.MISSING_ID, null);
        assertMalformed(utf8("5ÿverify_pinÿÿrtÿrs"), Problem.INVALID_FIELD, "5");
    }

    @Test
    void malformedKeepsCommandForTheReply() {
        Decoded.Malformed m = assertInstanceOf(Decoded.Malformed.class, F.decode(utf8("5ÿverify_pinÿ1234")));
        assertEquals(Optional.of(Command.VERIFY_PIN), m.command());
        assertEquals(ErrorCode.BAD_REQUEST, m.failure().code());
        assertEquals(
                "5ÿtwtÿverify_pinÿexception_occurred",
                new String(
                        F.encodeReply(m.id().orElseThrow(), m.command().orElseThrow(), m.failure()),
                        StandardCharsets.UTF_8));
    }

    @Test
    void detailNeverRepeatsAFieldValue() {
        Decoded.Malformed m =
                assertInstanceOf(Decoded.Malformed.class, F.decode(utf8("5ÿupload_postÿSECRETTOKEN\u0001ÿsecÿtextÿ")));
        assertEquals("field 'access_token' holds a control character", m.detail());
    }

    @Test
    void refusesToWriteTheSeparatorInsideAField() {
        Request.Post p = new Request.Post("1", new Tokens("a", "b"), "evil ÿ text", List.of(), Optional.empty());
        assertThrows(IllegalArgumentException.class, () -> F.encodeRequest(p));
    }

    @Test
    void refusesPostsTheLegacyFormatCannotCarry() {
        Request.Post twoImages = new Request.Post(
                "1",
                new Tokens("a", "b"),
                "t",
                List.of(Media.of(new MediaSource.FilePath("/a")), Media.of(new MediaSource.FilePath("/b"))),
                Optional.empty());
        assertThrows(IllegalArgumentException.class, () -> F.encodeRequest(twoImages));
    }

    @Test
    void contentTypeSelectsTheFormat() {
        assertEquals(LegacyQueueFormat.INSTANCE, QueueFormat.forContentType(null));
        assertEquals(LegacyQueueFormat.INSTANCE, QueueFormat.forContentType("text/plain"));
        assertEquals(JsonQueueFormat.INSTANCE, QueueFormat.forContentType("application/json"));
        assertEquals(JsonQueueFormat.INSTANCE, QueueFormat.forContentType("Application/JSON; charset=utf-8"));
    }

    @Test
    void rateLimitedCarriesRetryAfter() {
        assertEquals(OptionalLong.of(30), Outcome.Failed.rateLimited("x", 30).retryAfterSeconds());
        assertEquals(OptionalLong.of(0), Outcome.Failed.rateLimited("x", -5).retryAfterSeconds());
    }

    private static void assertMalformed(byte[] body, Problem problem, String id) {
        Decoded d = F.decode(body);
        Decoded.Malformed m = assertInstanceOf(Decoded.Malformed.class, d, () -> "expected malformed: " + d);
        assertEquals(problem, m.problem(), m::detail);
        assertEquals(Optional.ofNullable(id), m.id());
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String hex(String s) {
        return Hex.of(utf8(s));
    }

    @Test
    void tokensNeverShowInToString() {
        Tokens t = new Tokens("1234567890-abcdef", "very-secret");
        assertEquals("Tokens[token=1234…, secret=****]", t.toString());
        Request.VerifyPin v = new Request.VerifyPin("1", "98765", t);
        assertEquals(false, v.toString().contains("98765") || v.toString().contains("very-secret"));
    }
}
