package io.twtbridge.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import io.twtbridge.protocol.JsonQueueFormat;
import io.twtbridge.protocol.Media;
import io.twtbridge.protocol.MediaSource;
import io.twtbridge.protocol.Request;
import io.twtbridge.protocol.Tokens;
import io.twtbridge.sandbox.Faults;
import io.twtbridge.sandbox.Limits;
import io.twtbridge.sandbox.MediaState;
import io.twtbridge.sandbox.Post;
import io.twtbridge.sandbox.SampleVideos;
import jakarta.json.JsonObject;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Video end to end: a JSON request through RabbitMQ, the worker (URL fetch or inline data, type from the first
 * bytes), the sandbox's chunked upload and processing (pending, in_progress, then succeeded or failed), one reply.
 */
class VideoTest {
    private static final Duration T = Duration.ofSeconds(30);
    private Harness h;
    private WebServer files;

    @BeforeEach
    void start() throws Exception {
        h = new Harness();
        byte[] clip = SampleVideos.mp4(4_000);
        byte[] tooLong = SampleVideos.mp4(150_000);
        files = WebServer.builder()
                .host("127.0.0.1")
                .port(0)
                .routing(r -> r.get(
                                "/clip.mp4",
                                (req, res) -> res.header(HeaderNames.CONTENT_TYPE, "video/mp4")
                                        .send(clip))
                        .get(
                                "/long.mp4",
                                (req, res) -> res.header(HeaderNames.CONTENT_TYPE, "video/mp4")
                                        .send(tooLong)))
                .build()
                .start();
    }

    @AfterEach
    void stop() throws Exception {
        files.stop();
        h.close();
    }

    private JsonObject post(String id, Tokens u, String text, List<Media> media) throws Exception {
        Request.Post p = new Request.Post(id, u, text, media, Optional.empty());
        return h.requestJson(p, T);
    }

    private Media url(String path) {
        return Media.of(new MediaSource.Url(URI.create("http://127.0.0.1:" + files.port() + path)));
    }

    private static void assertFailed(JsonObject reply, String code, String messagePart) {
        assertEquals("failed", reply.getString("status"), reply.toString());
        assertEquals(code, reply.getJsonObject("error").getString("code"), reply.toString());
        assertTrue(reply.getJsonObject("error").getString("message").contains(messagePart), reply.toString());
    }

    @Test
    void aVideoByUrlIsPostedAfterXProcessedIt() throws Exception {
        h.startWorker();
        JsonObject reply = post("v-1", h.user("filmmaker"), "my clip", List.of(url("/clip.mp4")));
        assertEquals("posted", reply.getString("status"), reply.toString());
        Post p = h.sandbox.posts().all().getFirst();
        assertEquals(reply.getString("tweet_id"), p.id());
        assertEquals(
                Optional.of("video/mp4"), h.sandbox.media().type(p.mediaIds().getFirst()));
        h.assertNoMoreReplies(Duration.ofMillis(300));
    }

    @Test
    void aVideoStillProcessingAtXDoesNotHoldUpAnotherUsersPost() throws Exception {
        // X keeps the video in_progress until the test lets it finish.
        h.sandbox.limits(Limits.defaults().withProcessingPolls(1_000_000));
        h.startWorker();
        Tokens filmmaker = h.user("slowfilm");
        Tokens writer = h.user("quickwriter");
        h.send(
                JsonQueueFormat.INSTANCE.encodeRequest(new Request.Post(
                        "v-slow",
                        filmmaker,
                        "slow clip",
                        List.of(Media.of(new MediaSource.Data(SampleVideos.mp4(3_000)))),
                        Optional.empty())),
                Harness.JSON_REQUEST);
        Harness.await(
                "the worker waiting for X's processing",
                T,
                () -> h.sandbox.media().processing().size() == 1
                        && h.sandbox
                                .media()
                                .state(h.sandbox.media().processing().getFirst())
                                .equals(Optional.of(MediaState.IN_PROGRESS)));
        String video = h.sandbox.media().processing().getFirst();

        JsonObject text = post("t-quick", writer, "meanwhile", List.of());
        assertEquals("posted", text.getString("status"), text.toString());
        assertEquals(
                Optional.of(MediaState.IN_PROGRESS), h.sandbox.media().state(video), "the video is still processing");
        assertEquals(
                List.of("meanwhile"),
                h.sandbox.posts().all().stream().map(Post::text).toList());

        h.sandbox.media().finishProcessing(video);
        JsonObject clip = h.nextReply(T).json();
        assertEquals("v-slow", clip.getString("id"));
        assertEquals("posted", clip.getString("status"), clip.toString());
        Post posted = h.sandbox.posts().all().getLast();
        assertEquals(clip.getString("tweet_id"), posted.id());
        assertEquals(List.of(video), posted.mediaIds());
        h.assertNoMoreReplies(Duration.ofMillis(300));
    }

    @Test
    void aVideoXFailsToProcessIsAnsweredOnceWithoutAPost() throws Exception {
        h.startWorker();
        h.sandbox.faults().failNextVideos(1);
        JsonObject reply =
                post("v-2", h.user("unlucky"), "", List.of(Media.of(new MediaSource.Data(SampleVideos.mp4(3_000)))));
        assertFailed(reply, "media_processing_failed", "X could not process the video");
        assertEquals("v-2", reply.getString("id"));
        h.assertNoMoreReplies(Duration.ofSeconds(1));
        assertEquals(0, h.sandbox.posts().all().size());
        assertEquals(1, h.sandbox.counters().mediaUploads()); // uploaded once, not retried
    }

    @Test
    void aFailedVideoByLegacyPathIsAnImageError(@TempDir Path dir) throws Exception {
        Files.write(dir.resolve("bad.mp4"), SampleVideos.mp4(3_000, Faults.FAIL_PROCESSING_MARKER));
        h.startWorker(h.config(Map.of("media.allowed.dir", dir.toString())));
        Tokens u = h.user("legacyvideo");
        h.send(Harness.legacy("41", "upload_post", u.token(), u.secret(), "old client", "bad.mp4"));
        assertEquals(
                String.join("\u00FF", "41", "twt", "upload_post", "image error"),
                h.nextReply(T).text());
        h.assertNoMoreReplies(Duration.ofMillis(500));
        assertEquals(0, h.sandbox.posts().all().size());
    }

    @Test
    void aVideoByUrlIsCappedByTheUrlLimitAlsoSetFromTheEnvironment() throws Exception {
        // MEDIA_URL_MAX_BYTES=300 reaches the config as media.url.max.bytes; the clip is about 400 bytes
        h.startWorker(h.config(Map.of("media.url.max.bytes", "300")));
        assertFailed(
                post("v-5", h.user("capped"), "big clip", List.of(url("/clip.mp4"))),
                "media_too_large",
                "larger than 300 bytes");
        assertEquals(0, h.sandbox.counters().mediaUploads());
    }

    @Test
    void limitsAreCheckedBeforeAnyUpload() throws Exception {
        h.startWorker();
        Tokens u = h.user("rulebreaker");
        assertFailed(post("v-3", u, "too long", List.of(url("/long.mp4"))), "media_invalid", "lasts 150 s");
        assertFailed(
                post(
                        "v-4",
                        u,
                        "with a picture",
                        List.of(url("/clip.mp4"), Media.of(new MediaSource.Data(TestImages.png())))),
                "media_invalid",
                "only media");
        assertEquals(0, h.sandbox.counters().mediaUploads());
        assertEquals(0, h.sandbox.posts().all().size());
    }
}
