package io.twtbridge.worker;

import static io.twtbridge.worker.Harness.legacy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.GetResponse;
import io.twtbridge.protocol.Tokens;
import io.twtbridge.sandbox.Post;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The existing main server's contract, over real RabbitMQ and a real sandbox: every reply byte for byte. */
class LegacyContractTest {
    private static final Duration T = Duration.ofSeconds(15);

    @TempDir
    static Path uploads;

    static Path outside;
    private static Harness h;

    @BeforeAll
    static void start() throws Exception {
        h = new Harness();
        outside = Files.createTempDirectory("not-uploads");
        h.startWorker(h.config(Map.of("media.allowed.dir", uploads.toString())));
    }

    @AfterAll
    static void stop() throws Exception {
        h.close();
    }

    @BeforeEach
    void reset() {
        h.sandbox.reset();
    }

    private static String reply(byte[] request) throws Exception {
        h.send(request);
        return h.nextReply(T).text();
    }

    @Test
    void textPostAnswersZeroByteExact() throws Exception {
        Tokens u = h.user("alice");
        h.send(legacy("101", "upload_post", u.token(), u.secret(), "hello world", ""));
        Harness.Reply r = h.nextReply(T);
        // 101 ÿ twt ÿ upload_post ÿ 0
        assertEquals(
                "313031c3bf747774c3bf75706c6f61645f706f7374c3bf30",
                HexFormat.of().formatHex(r.body()));
        assertNull(r.props().getContentType());
        assertEquals(
                List.of("hello world"),
                h.sandbox.posts().all().stream().map(Post::text).toList());
    }

    @Test
    void rawFfSeparatorIsAccepted() throws Exception {
        Tokens u = h.user("rawff");
        byte[] body = ("102\u00FFupload_post\u00FF" + u.token() + "\u00FF" + u.secret() + "\u00FFraw separator\u00FF")
                .getBytes(StandardCharsets.ISO_8859_1);
        assertEquals("102ÿtwtÿupload_postÿ0", reply(body));
    }

    @Test
    void imageByPathInsideTheUploadDirectory() throws Exception {
        Tokens u = h.user("pics");
        Path img = Files.write(uploads.resolve("cat.png"), TestImages.png());
        assertEquals(
                "103ÿtwtÿupload_postÿ0",
                reply(legacy("103", "upload_post", u.token(), u.secret(), "a cat", img.toString())));
        assertEquals(1, h.sandbox.posts().all().getFirst().mediaIds().size());
    }

    @Test
    void imageOutsideTheUploadDirectoryIsAnImageErrorAndNothingIsPosted() throws Exception {
        Tokens u = h.user("escape");
        Path secret = Files.write(outside.resolve("secret.png"), TestImages.png());
        Path link = uploads.resolve("link.png");
        Files.deleteIfExists(link);
        Files.createSymbolicLink(link, secret);
        assertEquals(
                "104ÿtwtÿupload_postÿimage error",
                reply(legacy("104", "upload_post", u.token(), u.secret(), "x", secret.toString())));
        assertEquals(
                "105ÿtwtÿupload_postÿimage error",
                reply(legacy("105", "upload_post", u.token(), u.secret(), "x", link.toString())));
        assertEquals(
                "106ÿtwtÿupload_postÿimage error",
                reply(legacy(
                        "106",
                        "upload_post",
                        u.token(),
                        u.secret(),
                        "x",
                        uploads + "/../" + outside.getFileName() + "/secret.png")));
        assertEquals(
                "107ÿtwtÿupload_postÿimage error",
                reply(legacy("107", "upload_post", u.token(), u.secret(), "x", uploads + "/missing.png")));
        Path notImage = Files.writeString(uploads.resolve("notes.txt"), "not an image");
        assertEquals(
                "108ÿtwtÿupload_postÿimage error",
                reply(legacy("108", "upload_post", u.token(), u.secret(), "x", notImage.toString())));
        assertEquals(0, h.sandbox.posts().all().size());
        assertEquals(0, h.sandbox.counters().mediaUploads());
    }

    @Test
    void failureReplies() throws Exception {
        Tokens revoked = h.user("revoked");
        h.sandbox.tokens().revoke(revoked.token());
        assertEquals(
                "201ÿtwtÿupload_postÿexception_occurred",
                reply(legacy("201", "upload_post", revoked.token(), revoked.secret(), "hi", "")));
        Tokens u = h.user("dup");
        assertEquals("202ÿtwtÿupload_postÿ0", reply(legacy("202", "upload_post", u.token(), u.secret(), "same", "")));
        assertEquals(
                "203ÿtwtÿupload_postÿexception_occurred",
                reply(legacy("203", "upload_post", u.token(), u.secret(), "same", "")));
        assertEquals(
                "204ÿtwtÿupload_postÿexception_occurred",
                reply(legacy("204", "upload_post", u.token(), u.secret(), "x".repeat(281), "")));
        assertEquals("205ÿtwtÿupload_postÿunknow command", reply(legacy("205", "delete_post", u.token())));
        assertEquals(1, h.sandbox.posts().all().size());
    }

    @Test
    void malformedMessagesAreAnsweredWhenTheyHaveAnId() throws Exception {
        Tokens u = h.user("malformed");
        assertEquals(
                "301ÿtwtÿupload_postÿexception_occurred", reply(legacy("301", "upload_post", u.token(), u.secret())));
        byte[] badUtf8 = HexFormat.of().parseHex("333032c3bf75706c6f61645f706f7374c3bf61c3bf62c3bfc328c3bf");
        assertEquals("302ÿtwtÿupload_postÿexception_occurred", reply(badUtf8));
        assertEquals(
                "303ÿtwtÿupload_postÿexception_occurred",
                reply(legacy("303", "upload_post", u.token(), u.secret(), "a".repeat(1_000_000), "")));
        assertEquals(
                "304ÿtwtÿupload_postÿexception_occurred",
                reply(legacy("304", "upload_post", u.token(), u.secret(), "nul\u0000byte", "")));
        assertEquals("305ÿtwtÿverify_pinÿexception_occurred", reply(legacy("305", "verify_pin", "1234")));
        assertEquals(0, h.sandbox.posts().all().size());
    }

    @Test
    void unanswerableMessagesGoToTheDeadLetterQueueWithTheReason() throws Exception {
        h.send(new byte[0]);
        GetResponse dead = h.getFrom(h.requests + ".dead", T);
        assertEquals(
                "EMPTY_BODY",
                Harness.headers(dead.getProps()).get("x-twt-problem").toString());
        assertEquals(
                "the message is empty",
                Harness.headers(dead.getProps()).get("x-twt-reason").toString());
        h.send(legacy("", "", "", "", "", ""));
        dead = h.getFrom(h.requests + ".dead", T);
        assertEquals(
                "MISSING_ID",
                Harness.headers(dead.getProps()).get("x-twt-problem").toString());
        assertEquals("ÿÿÿÿÿ", new String(dead.getBody(), StandardCharsets.UTF_8));
        h.assertNoMoreReplies(Duration.ofMillis(300));
    }

    @Test
    void theMainServersOwnDeclarationOfTheReplyQueueStillWorks() throws Exception {
        try (var ch = h.connection.createChannel()) {
            ch.queueDeclare(h.replies, true, false, false, null); // exactly as the main server declares to_server
        }
    }

    @Test
    @Tag("rabbitmq-only")
    void aRequestQueueOfAnotherTypeStopsTheWorkerWithAClearMessage() throws Exception {
        Harness.requireRabbitMq("declaring a quorum queue over an existing classic one");
        String existing = "twt-legacy-" + UUID.randomUUID();
        try (var ch = h.connection.createChannel()) {
            ch.queueDeclare(existing, false, false, false, null); // how the original Python worker declared twt
            WorkerConfig quorum = h.config(Map.of("worker.queue.requests", existing, "worker.queue.mode", "quorum"));
            CompletableFuture<String> fatal = new CompletableFuture<>();
            try (Worker w = new Worker(quorum, h.xConfig())) {
                w.start(fatal::complete);
                String message = fatal.get(15, TimeUnit.SECONDS);
                assertTrue(message.contains("PRECONDITION_FAILED") && message.contains("WORKER_QUEUE_MODE"), message);
            }
            WorkerConfig legacyMode =
                    h.config(Map.of("worker.queue.requests", existing, "worker.queue.mode", "legacy"));
            try (Worker w = new Worker(legacyMode, h.xConfig())) {
                w.start();
                Harness.await("legacy-mode worker ready", Duration.ofSeconds(15), w::ready);
            }
            List<String> leftovers =
                    new ArrayList<>(List.of(existing, legacyMode.rosterQueue(), legacyMode.deadLetterQueue()));
            for (int k = 0; k < legacyMode.shards(); k++) {
                leftovers.add(legacyMode.shardQueue(k));
                leftovers.add(legacyMode.shardStateQueue(k));
            }
            h.deleteQuietly(leftovers);
        }
    }

    @Test
    void authAndVerifyPinOnTheQueue() throws Exception {
        String[] auth = reply(legacy("401", "auth")).split("ÿ", -1);
        assertEquals(6, auth.length);
        assertEquals(List.of("401", "twt", "auth"), List.of(auth[0], auth[1], auth[2]));
        assertTrue(auth[3].startsWith(h.sandbox.baseUri() + "/oauth/authorize?oauth_token=" + auth[4]), auth[3]);
        String pin = h.sandbox.users().authorize(auth[4], "queue_login").orElseThrow();
        String[] verified =
                reply(legacy("402", "verify_pin", pin, auth[4], auth[5])).split("ÿ", -1);
        assertEquals(5, verified.length);
        assertEquals(List.of("402", "twt", "verify_pin"), List.of(verified[0], verified[1], verified[2]));
        // the access token works
        assertEquals(
                "403ÿtwtÿupload_postÿ0",
                reply(legacy("403", "upload_post", verified[3], verified[4], "logged in via the queue", "")));
        assertEquals("queue_login", h.sandbox.posts().all().getFirst().authorScreenName());
        assertEquals(
                "404ÿtwtÿverify_pinÿexception_occurred", reply(legacy("404", "verify_pin", pin, auth[4], auth[5])));
    }
}
