package io.twtbridge.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

class JsonQueueFormatTest {
    private static final JsonQueueFormat F = JsonQueueFormat.INSTANCE;

    @Test
    void decodesFullPost() {
        String json = """
                {"id":"a-1","command":"upload_post","access_token":"at","access_token_secret":"as",
                 "text":"hello","media":[{"path":"/up/1.png","alt_text":"a cat"},{"url":"https://example.com/2.jpg"},
                 {"data":"AQID"}],"reply_to_tweet_id":"1234","future_field":true}""";
        Request.Post expected = new Request.Post(
                "a-1",
                new Tokens("at", "as"),
                "hello",
                List.of(
                        new Media(new MediaSource.FilePath("/up/1.png"), Optional.of("a cat")),
                        Media.of(new MediaSource.Url(URI.create("https://example.com/2.jpg"))),
                        Media.of(new MediaSource.Data(new byte[] {1, 2, 3}))),
                Optional.of("1234"));
        assertEquals(new Decoded.Ok(expected), F.decode(utf8(json)));
    }

    @Test
    void decodesAuthAndVerifyPin() {
        assertEquals(new Decoded.Ok(new Request.Auth("x")), F.decode(utf8("{\"id\":\"x\",\"command\":\"auth\"}")));
        assertEquals(
                new Decoded.Ok(new Request.VerifyPin("x", "123", new Tokens("rt", "rs"))),
                F.decode(
                        utf8(
                                "{\"id\":\"x\",\"command\":\"verify_pin\",\"pin\":\"123\",\"request_token\":\"rt\",\"request_token_secret\":\"rs\"}")));
    }

    @Test
    void encodesRepliesByteExact() {
        assertEquals(
                "{\"id\":\"a-1\",\"command\":\"upload_post\",\"status\":\"posted\",\"tweet_id\":\"1850\","
                        + "\"tweet_url\":\"https://x.com/i/status/1850\"}",
                str(F.encodeReply(
                        "a-1", Command.UPLOAD_POST, Outcome.Posted.of("1850", "https://x.com/i/status/1850"))));
        assertEquals(
                "{\"id\":\"a-1\",\"command\":\"upload_post\",\"status\":\"posted\",\"already_posted\":true}",
                str(F.encodeReply("a-1", Command.UPLOAD_POST, Outcome.Posted.earlier())));
        assertEquals(
                "{\"id\":\"a-1\",\"command\":\"upload_post\",\"status\":\"posted\",\"tweet_id\":\"1850\","
                        + "\"tweet_url\":\"https://x.com/i/status/1850\",\"already_posted\":true}",
                str(F.encodeReply(
                        "a-1", Command.UPLOAD_POST, Outcome.Posted.earlier("1850", "https://x.com/i/status/1850"))));
        assertEquals(
                "{\"id\":\"a-1\",\"command\":\"upload_post\",\"status\":\"failed\",\"error\":{\"code\":\"rate_limited\","
                        + "\"message\":\"user limit\",\"retry_after_s\":120}}",
                str(F.encodeReply("a-1", Command.UPLOAD_POST, Outcome.Failed.rateLimited("user limit", 120))));
        assertEquals(
                "{\"id\":\"a-1\",\"command\":\"upload_post\",\"status\":\"failed\",\"error\":{\"code\":\"media_too_large\","
                        + "\"message\":\"image 1 is 6000000 bytes\"}}",
                str(F.encodeReply(
                        "a-1",
                        Command.UPLOAD_POST,
                        Outcome.Failed.of(ErrorCode.MEDIA_TOO_LARGE, "image 1 is 6000000 bytes"))));
        assertEquals(
                "{\"id\":\"b\",\"command\":\"auth\",\"status\":\"auth_started\",\"authorize_url\":\"https://x/a?oauth_token=rt\","
                        + "\"request_token\":\"rt\",\"request_token_secret\":\"rs\"}",
                str(F.encodeReply(
                        "b",
                        Command.AUTH,
                        new Outcome.AuthStarted("https://x/a?oauth_token=rt", new Tokens("rt", "rs")))));
        assertEquals(
                "{\"id\":\"c\",\"command\":\"verify_pin\",\"status\":\"verified\",\"access_token\":\"at\","
                        + "\"access_token_secret\":\"as\",\"user_id\":\"42\",\"screen_name\":\"jo\"}",
                str(F.encodeReply(
                        "c", Command.VERIFY_PIN, new Outcome.PinVerified(new Tokens("at", "as"), "42", "jo"))));
    }

    @Test
    void deletePostRequestAndRepliesAsInRpcFormat() {
        String request =
                "{\"id\":\"d-1\",\"command\":\"delete_post\",\"access_token\":\"at\",\"access_token_secret\":\"as\","
                        + "\"tweet_id\":\"1850000000000000001\"}";
        Request.Delete delete = new Request.Delete("d-1", new Tokens("at", "as"), "1850000000000000001");
        assertEquals(request, str(F.encodeRequest(delete)));
        assertEquals(new Decoded.Ok(delete), F.decode(utf8(request)));
        assertEquals(
                "{\"id\":\"d-1\",\"command\":\"delete_post\",\"status\":\"deleted\",\"tweet_id\":\"1850000000000000001\"}",
                str(F.encodeReply("d-1", Command.DELETE_POST, new Outcome.Deleted("1850000000000000001", true))));
        assertEquals(
                "{\"id\":\"d-1\",\"command\":\"delete_post\",\"status\":\"not_found\",\"tweet_id\":\"1850000000000000001\"}",
                str(F.encodeReply("d-1", Command.DELETE_POST, new Outcome.Deleted("1850000000000000001", false))));
        assertMalformed(
                "{\"id\":\"1\",\"command\":\"delete_post\",\"access_token\":\"a\",\"access_token_secret\":\"b\"}",
                Problem.INVALID_FIELD,
                "1");
        assertMalformed(
                "{\"id\":\"1\",\"command\":\"delete_post\",\"access_token\":\"a\",\"access_token_secret\":\"b\","
                        + "\"tweet_id\":\"12a\"}",
                Problem.INVALID_FIELD,
                "1");
        // The legacy formats do not know the command: their bytes do not change.
        Decoded legacy = LegacyQueueFormat.INSTANCE.decode(utf8("7\u00ffdelete_post\u00ffat\u00ffas\u00ff1"));
        assertEquals(
                Problem.UNKNOWN_COMMAND,
                assertInstanceOf(Decoded.Malformed.class, legacy).problem());
        assertEquals(
                Problem.UNKNOWN_COMMAND,
                assertInstanceOf(Decoded.Malformed.class, LegacySocketFormat.decode("delete_post\u00ff1"))
                        .problem());
    }

    @Test
    void longPostAsInRpcFormat() {
        String request =
                "{\"id\":\"l-1\",\"command\":\"upload_post\",\"access_token\":\"at\",\"access_token_secret\":\"as\","
                        + "\"text\":\"a long text\",\"long_post\":true}";
        Request.Post post = new Request.Post(
                "l-1", new Tokens("at", "as"), "a long text", List.of(), Optional.empty(), new PostOptions(true));
        assertEquals(request, str(F.encodeRequest(post)));
        assertEquals(new Decoded.Ok(post), F.decode(utf8(request)));
        assertEquals(
                new Decoded.Ok(
                        new Request.Post("l-1", new Tokens("at", "as"), "a long text", List.of(), Optional.empty())),
                F.decode(utf8(request.replace("true", "false"))));
        assertMalformed(post("\"long_post\":\"yes\""), Problem.INVALID_FIELD, "1");
        assertEquals(
                IllegalArgumentException.class,
                Assertions.assertThrows(
                                IllegalArgumentException.class, () -> LegacyQueueFormat.INSTANCE.encodeRequest(post))
                        .getClass());
    }

    @Test
    void quotePollAndReplySettingsAsInRpcFormat() {
        String request =
                "{\"id\":\"q-1\",\"command\":\"upload_post\",\"access_token\":\"at\",\"access_token_secret\":\"as\","
                        + "\"text\":\"which one?\",\"quote_tweet_id\":\"1850000000000000001\",\"reply_settings\":\"mentionedUsers\"}";
        Request.Post quote = new Request.Post(
                "q-1",
                new Tokens("at", "as"),
                "which one?",
                List.of(),
                Optional.empty(),
                new PostOptions(
                        false,
                        Optional.of("1850000000000000001"),
                        Optional.empty(),
                        Optional.of(ReplySettings.MENTIONED_USERS)));
        assertEquals(request, str(F.encodeRequest(quote)));
        assertEquals(new Decoded.Ok(quote), F.decode(utf8(request)));

        String pollRequest =
                "{\"id\":\"q-2\",\"command\":\"upload_post\",\"access_token\":\"at\",\"access_token_secret\":\"as\","
                        + "\"text\":\"tea or coffee?\",\"poll\":{\"options\":[\"tea\",\"coffee\"],\"duration_minutes\":1440},"
                        + "\"reply_settings\":\"following\"}";
        Request.Post poll = new Request.Post(
                "q-2",
                new Tokens("at", "as"),
                "tea or coffee?",
                List.of(),
                Optional.empty(),
                new PostOptions(
                        false,
                        Optional.empty(),
                        Optional.of(new Poll(List.of("tea", "coffee"), 1440)),
                        Optional.of(ReplySettings.FOLLOWING)));
        assertEquals(pollRequest, str(F.encodeRequest(poll)));
        assertEquals(new Decoded.Ok(poll), F.decode(utf8(pollRequest)));

        assertMalformed(
                post("\"poll\":{\"options\":[\"only one\"],\"duration_minutes\":60}"), Problem.INVALID_FIELD, "1");
        assertMalformed(
                post("\"poll\":{\"options\":[\"a\",\"b\",\"c\",\"d\",\"e\"],\"duration_minutes\":60}"),
                Problem.INVALID_FIELD,
                "1");
        assertMalformed(
                post("\"poll\":{\"options\":[\"a\",\"" + "b".repeat(26) + "\"],\"duration_minutes\":60}"),
                Problem.FIELD_TOO_LONG,
                "1");
        assertMalformed(
                post("\"poll\":{\"options\":[\"a\",\" \"],\"duration_minutes\":60}"), Problem.INVALID_FIELD, "1");
        assertMalformed(
                post("\"poll\":{\"options\":[\"a\",\"b\"],\"duration_minutes\":4}"), Problem.INVALID_FIELD, "1");
        assertMalformed(
                post("\"poll\":{\"options\":[\"a\",\"b\"],\"duration_minutes\":10081}"), Problem.INVALID_FIELD, "1");
        assertMalformed(
                post("\"poll\":{\"options\":[\"a\",\"b\"],\"duration_minutes\":60.5}"), Problem.INVALID_FIELD, "1");
        assertMalformed(
                post("\"poll\":{\"options\":[\"a\",\"b\"],\"duration_minutes\":1e9999999999}"),
                Problem.INVALID_FIELD,
                "1");
        assertMalformed(
                post("\"poll\":{\"options\":[\"a\",\"b\"],\"duration_minutes\":\"60\"}"), Problem.INVALID_FIELD, "1");
        assertMalformed(
                post("\"poll\":{\"options\":[\"a\",\"b\"],\"duration_minutes\":60},\"media\":[{\"path\":\"/a\"}]"),
                Problem.INVALID_FIELD,
                "1");
        assertMalformed(
                post("\"poll\":{\"options\":[\"a\",\"b\"],\"duration_minutes\":60},\"quote_tweet_id\":\"5\""),
                Problem.INVALID_FIELD,
                "1");
        assertMalformed(post("\"quote_tweet_id\":\"x5\""), Problem.INVALID_FIELD, "1");
        assertMalformed(post("\"reply_settings\":\"everyone\""), Problem.INVALID_FIELD, "1");
    }

    /** {@code quote_post_id}, the name, is the same member as {@code quote_tweet_id}, checked the same way. */
    @Test
    void quotePostIdIsAnotherNameForQuoteTweetId() {
        Request.Post expected = new Request.Post(
                "1",
                new Tokens("a", "b"),
                "t",
                List.of(),
                Optional.empty(),
                new PostOptions(false, Optional.of("1850"), Optional.empty(), Optional.empty()));
        assertEquals(new Decoded.Ok(expected), F.decode(utf8(post("\"quote_post_id\":\"1850\""))));
        assertEquals(
                new Decoded.Ok(expected),
                F.decode(utf8(post("\"quote_tweet_id\":\"1850\",\"quote_post_id\":\"1850\""))),
                "both names with the same id");
        // Written back under X's name: a request decoded from either name is encoded the same way.
        assertEquals(post("\"quote_tweet_id\":\"1850\""), str(F.encodeRequest(expected)));

        Decoded differ = F.decode(utf8(post("\"quote_tweet_id\":\"1850\",\"quote_post_id\":\"1851\"")));
        Decoded.Malformed m = assertInstanceOf(Decoded.Malformed.class, differ);
        assertEquals(Problem.INVALID_FIELD, m.problem());
        assertEquals(
                "'quote_post_id' and 'quote_tweet_id' are two names for the quoted post and differ; send one of them",
                m.detail());
        assertEquals(Optional.of("1"), m.id());
        assertEquals(Optional.of(Command.UPLOAD_POST), m.command());

        Decoded.Malformed notAnId =
                assertInstanceOf(Decoded.Malformed.class, F.decode(utf8(post("\"quote_post_id\":\"x5\""))));
        assertEquals(Problem.INVALID_FIELD, notAnId.problem());
        assertEquals("field 'quote_post_id' is not a tweet id", notAnId.detail());
        assertMalformed(post("\"quote_post_id\":\"\""), Problem.INVALID_FIELD, "1");
        assertMalformed(post("\"quote_post_id\":5"), Problem.INVALID_FIELD, "1");
        assertMalformed(
                post("\"poll\":{\"options\":[\"a\",\"b\"],\"duration_minutes\":60},\"quote_post_id\":\"5\""),
                Problem.INVALID_FIELD,
                "1");
    }

    @Test
    void threadAsInRpcFormat() {
        String request =
                "{\"id\":\"t-1\",\"command\":\"post_thread\",\"access_token\":\"at\",\"access_token_secret\":\"as\","
                        + "\"posts\":[{\"text\":\"1/3 first\",\"media\":[{\"path\":\"/srv/uploads/1.png\",\"alt_text\":\"a cat\"}]},"
                        + "{\"text\":\"2/3 second\"},{\"text\":\"3/3 third\"}],\"reply_to_tweet_id\":\"1850000000000000001\"}";
        Request.Thread thread = new Request.Thread(
                "t-1",
                new Tokens("at", "as"),
                List.of(
                        new Request.Thread.Part(
                                "1/3 first",
                                List.of(new Media(
                                        new MediaSource.FilePath("/srv/uploads/1.png"), Optional.of("a cat")))),
                        new Request.Thread.Part("2/3 second", List.of()),
                        new Request.Thread.Part("3/3 third", List.of())),
                Optional.of("1850000000000000001"));
        assertEquals(request, str(F.encodeRequest(thread)));
        assertEquals(new Decoded.Ok(thread), F.decode(utf8(request)));

        Outcome.ThreadPosted all = new Outcome.ThreadPosted(
                List.of(
                        new Outcome.ThreadPart.Sent(Outcome.Posted.earlier("1851", "https://x.com/i/status/1851")),
                        new Outcome.ThreadPart.Sent(Outcome.Posted.of("1852", "https://x.com/i/status/1852")),
                        new Outcome.ThreadPart.Sent(Outcome.Posted.of("1853", "https://x.com/i/status/1853"))),
                Optional.empty());
        assertEquals(
                "{\"id\":\"t-1\",\"command\":\"post_thread\",\"status\":\"posted\",\"posts\":["
                        + "{\"status\":\"posted\",\"tweet_id\":\"1851\",\"tweet_url\":\"https://x.com/i/status/1851\",\"already_posted\":true},"
                        + "{\"status\":\"posted\",\"tweet_id\":\"1852\",\"tweet_url\":\"https://x.com/i/status/1852\"},"
                        + "{\"status\":\"posted\",\"tweet_id\":\"1853\",\"tweet_url\":\"https://x.com/i/status/1853\"}]}",
                str(F.encodeReply("t-1", Command.POST_THREAD, all)));
        Outcome.ThreadPosted partial = new Outcome.ThreadPosted(
                List.of(
                        new Outcome.ThreadPart.Sent(Outcome.Posted.of("1851", "https://x.com/i/status/1851")),
                        new Outcome.ThreadPart.Failed(),
                        new Outcome.ThreadPart.NotSent()),
                Optional.of(Outcome.Failed.of(
                        ErrorCode.BAD_REQUEST,
                        "X refused the request: You are not permitted to perform this action.")));
        assertEquals(
                "{\"id\":\"t-1\",\"command\":\"post_thread\",\"status\":\"failed\",\"error\":{\"code\":\"bad_request\","
                        + "\"message\":\"X refused the request: You are not permitted to perform this action.\"},\"posts\":["
                        + "{\"status\":\"posted\",\"tweet_id\":\"1851\",\"tweet_url\":\"https://x.com/i/status/1851\"},"
                        + "{\"status\":\"failed\"},{\"status\":\"not_sent\"}]}",
                str(F.encodeReply("t-1", Command.POST_THREAD, partial)));

        String head = "{\"id\":\"1\",\"command\":\"post_thread\",\"access_token\":\"a\",\"access_token_secret\":\"b\",";
        assertMalformed(head + "\"posts\":[]}", Problem.INVALID_FIELD, "1");
        assertMalformed(
                head + "\"posts\":[{\"text\":\"x\"}," + "{\"text\":\"y\"},".repeat(25) + "{\"text\":\"z\"}]}",
                Problem.INVALID_FIELD,
                "1");
        assertMalformed(
                head + "\"posts\":[{\"text\":\"x\"},{\"media\":[{\"path\":\"/a\"}]}]}", Problem.INVALID_FIELD, "1");
        assertMalformed(head + "\"posts\":[{\"text\":\"x\"},\"y\"]}", Problem.INVALID_FIELD, "1");
        assertMalformed(head + "\"posts\":{\"text\":\"x\"}}", Problem.INVALID_FIELD, "1");
        assertEquals(
                Problem.UNKNOWN_COMMAND,
                assertInstanceOf(
                                Decoded.Malformed.class,
                                LegacyQueueFormat.INSTANCE.decode(utf8("7\u00ffpost_thread\u00ffat\u00ffas")))
                        .problem());
    }

    @Test
    void malformedCorpus() {
        assertMalformed("", Problem.EMPTY_BODY, null);
        assertMalformed("not json", Problem.INVALID_JSON, null);
        assertMalformed("[1,2]", Problem.INVALID_JSON, null);
        assertMalformed("{\"id\":\"1\"", Problem.INVALID_JSON, null);
        assertMalformed("{\"command\":\"auth\"}", Problem.MISSING_ID, null);
        assertMalformed("{\"id\":7,\"command\":\"auth\"}", Problem.MISSING_ID, null);
        assertMalformed("{\"id\":\"1\"}", Problem.INVALID_FIELD, "1");
        assertMalformed("{\"id\":\"1\",\"command\":\"dance\"}", Problem.UNKNOWN_COMMAND, "1");
        assertMalformed(
                "{\"id\":\"1\",\"command\":\"upload_post\",\"access_token\":\"a\",\"text\":\"t\"}",
                Problem.INVALID_FIELD,
                "1");
        assertMalformed(post("\"media\":[{\"path\":\"/a\",\"url\":\"https://b\"}]"), Problem.INVALID_FIELD, "1");
        assertMalformed(post("\"media\":[{\"data\":\"***\"}]"), Problem.INVALID_FIELD, "1");
        assertMalformed(post("\"media\":[{\"url\":\"ftp://host/a\"}]"), Problem.INVALID_FIELD, "1");
        assertMalformed(
                post(
                        "\"media\":[{\"path\":\"/1\"},{\"path\":\"/2\"},{\"path\":\"/3\"},{\"path\":\"/4\"},{\"path\":\"/5\"}]"),
                Problem.INVALID_FIELD,
                "1");
        assertMalformed(post("\"reply_to_tweet_id\":\"abc\""), Problem.INVALID_FIELD, "1");
        assertMalformed(
                post("\"media\":[{\"path\":\"/1\",\"alt_text\":\"" + "a".repeat(1001) + "\"}]"),
                Problem.FIELD_TOO_LONG,
                "1");
        assertMalformed(Hex.bytes("7b 22 69 64 22 3a 22 c3 28 22 7d"), Problem.INVALID_UTF8, null);
    }

    private static String post(String extra) {
        return "{\"id\":\"1\",\"command\":\"upload_post\",\"access_token\":\"a\",\"access_token_secret\":\"b\",\"text\":\"t\","
                + extra + "}";
    }

    private static void assertMalformed(String body, Problem problem, String id) {
        assertMalformed(utf8(body), problem, id);
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

    private static String str(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
