package io.twtbridge.twitter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twtbridge.protocol.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What X's answers mean ({@link XFailures}), for answers the sandbox does not give on its own: success answers that
 * lack what they promise, a delete's statuses, and every processing state of an upload. Pure mapping, no I/O; the
 * same answers over real HTTP are {@link XClientTest}'s.
 */
class XFailuresTest {

    private static XClient.Response answer(int status, String body) {
        return new XClient.Response(status, Map.of(), body.getBytes(StandardCharsets.UTF_8));
    }

    private static <T extends XFailure> T failed(XResult<?> result, Class<T> type) {
        return type.cast(assertInstanceOf(XResult.Failed.class, result).failure());
    }

    /** Hostile or broken answers from X parse to nothing, never to an exception: the caller reads "no JSON". */
    @Test
    void deeplyNestedTruncatedAndNonUtf8AnswersAreNoJson() {
        String deep = "{\"a\":".repeat(10_000) + "1" + "}".repeat(10_000); // within the 64 KiB an answer may have
        assertTrue(deep.length() < XClient.MAX_ANSWER_BYTES);
        assertEquals(Optional.empty(), XClient.json(deep.getBytes(StandardCharsets.UTF_8)));
        assertEquals(Optional.empty(), XClient.json("{\"data\":{\"id\":\"18".getBytes(StandardCharsets.UTF_8)));
        byte[] latin1 = {'{', '"', 'a', '"', ':', '"', (byte) 0xE9, (byte) 0xFF, '"', '}'};
        assertEquals("\uFFFD\uFFFD", XClient.json(latin1).orElseThrow().getString("a"));
        assertEquals(
                XResult.ok("1850"),
                XFailures.dataId(answer(201, "{\"data\":{\"id\":\"1850\"}}")),
                "a well-formed answer still parses");
    }

    @Test
    void aSuccessWithoutDataIdIsXUnavailable() {
        assertEquals(XResult.ok("1850"), XFailures.dataId(answer(201, "{\"data\":{\"id\":\"1850\",\"text\":\"hi\"}}")));
        for (String body : List.of(
                "",
                "not json",
                "[]",
                "{}",
                "{\"data\":[]}",
                "{\"data\":{}}",
                "{\"data\":{\"id\":1850}}",
                "{\"data\":")) {
            XFailure.Unavailable u = failed(XFailures.dataId(answer(201, body)), XFailure.Unavailable.class);
            assertEquals("X's answer had no data.id", u.detail(), body);
            assertEquals(ErrorCode.X_UNAVAILABLE, u.toOutcome().code());
        }
    }

    @Test
    void aDeletesAnswer() {
        assertEquals(XResult.ok(true), XFailures.deleted(answer(200, "{\"data\":{\"deleted\":true}}")));
        assertEquals(XResult.ok(false), XFailures.deleted(answer(200, "{\"data\":{\"deleted\":false}}")));
        assertEquals(XResult.ok(false), XFailures.deleted(answer(404, "{\"title\":\"Not Found\"}")), "no such post");
        for (String body : List.of("", "{}", "{\"data\":{\"deleted\":\"true\"}}", "{\"data\":{}}")) {
            XFailure.Unavailable u = failed(XFailures.deleted(answer(200, body)), XFailure.Unavailable.class);
            assertEquals("X's answer had no data.deleted", u.detail(), body);
        }
        // Sent without a clear answer: X may have deleted it (a delete is safe to repeat).
        failed(XFailures.deleted(answer(503, "")), XFailure.Uncertain.class);
        failed(XFailures.deleted(answer(XClient.NO_ANSWER, "timeout")), XFailure.Uncertain.class);
        failed(XFailures.deleted(answer(XClient.NOT_SENT, "refused")), XFailure.Unavailable.class);
        failed(XFailures.deleted(answer(403, "{\"detail\":\"not yours\"}")), XFailure.Forbidden.class);
    }

    @Test
    void aLoginAnswerWithoutATokenIsXUnavailable() {
        assertEquals(
                Optional.empty(),
                XFailures.withoutToken("request_token", Map.of("oauth_token", "t", "oauth_token_secret", "s")));
        for (Map<String, String> form :
                List.of(Map.<String, String>of(), Map.of("oauth_token", "t"), Map.of("oauth_token_secret", "s"))) {
            XFailure f = XFailures.withoutToken("access_token", form).orElseThrow();
            assertEquals(new XFailure.Unavailable("X's access_token answer had no token"), f);
        }
    }

    @Test
    void eachProcessingStateOfAnUpload() {
        assertEquals(Optional.of(XResult.ok("77")), XFailures.processing("77", "succeeded", "", "video"));
        assertEquals(Optional.empty(), XFailures.processing("77", "pending", "", "video"), "ask again later");
        assertEquals(Optional.empty(), XFailures.processing("77", "in_progress", "", "video"), "ask again later");

        XFailure.MediaProcessingFailed f = failed(
                XFailures.processing("77", "failed", "InvalidMedia", "video").orElseThrow(),
                XFailure.MediaProcessingFailed.class);
        assertEquals("X could not process the video: InvalidMedia", f.detail());
        assertEquals(ErrorCode.MEDIA_PROCESSING_FAILED, f.toOutcome().code());
        assertEquals(
                "X could not process the image",
                failed(
                                XFailures.processing("77", "failed", "", "image")
                                        .orElseThrow(),
                                XFailure.MediaProcessingFailed.class)
                        .detail());

        for (String unknown : List.of("", "done", "SUCCEEDED")) {
            XFailure.Unavailable u =
                    failed(XFailures.processing("77", unknown, "", "video").orElseThrow(), XFailure.Unavailable.class);
            assertEquals("X answered an unknown processing state for the video", u.detail());
            assertEquals(ErrorCode.X_UNAVAILABLE, u.toOutcome().code());
        }
    }

    /** RPC_FORMAT.md §4: a post with neither text nor media is bad_request, not text_too_long. */
    @Test
    void aPostWithNeitherTextNorMediaIsABadRequest() {
        for (String blank : List.of("", "   ", "\n\t")) {
            XFailure f = XClient.check(blank, List.of()).orElseThrow();
            assertInstanceOf(XFailure.Rejected.class, f);
            assertEquals(ErrorCode.BAD_REQUEST, f.toOutcome().code());
            assertEquals("a post needs text or media", f.toOutcome().message());
        }
        XFailure tooLong = XClient.check("a".repeat(281), List.of()).orElseThrow();
        assertEquals(ErrorCode.TEXT_TOO_LONG, tooLong.toOutcome().code());
        assertTrue(XClient.check("a".repeat(280), List.of()).isEmpty());
    }
}
