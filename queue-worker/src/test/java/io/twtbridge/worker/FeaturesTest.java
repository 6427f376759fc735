package io.twtbridge.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import io.twtbridge.protocol.JsonQueueFormat;
import io.twtbridge.protocol.Media;
import io.twtbridge.protocol.MediaSource;
import io.twtbridge.protocol.Poll;
import io.twtbridge.protocol.PostOptions;
import io.twtbridge.protocol.ReplySettings;
import io.twtbridge.protocol.Request;
import io.twtbridge.protocol.Tokens;
import io.twtbridge.twitter.XClient;
import jakarta.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The features of issue 13, end to end: RabbitMQ, a worker, the sandbox. */
class FeaturesTest {
    private static final Duration T = Duration.ofSeconds(20);
    private Harness h;

    @BeforeEach
    void start() throws Exception {
        h = new Harness();
    }

    @AfterEach
    void stop() throws Exception {
        h.close();
    }

    private static final AMQP.BasicProperties JSON = Harness.JSON_REQUEST;

    private JsonObject send(Request r) throws Exception {
        return h.requestJson(r, T);
    }

    @Test
    @Tag("rabbitmq-only")
    void deletingTwiceAnswersDeletedTwiceAndAnUnknownPostNotFound() throws Exception {
        Harness.requireRabbitMq("the shard state queue that remembers deletes (x-max-length)");
        h.startWorker();
        Tokens u = h.user("deleter");
        JsonObject posted = send(new Request.Post("p-1", u, "to be deleted", List.of(), Optional.empty()));
        assertEquals("posted", posted.getString("status"));
        String id = posted.getString("tweet_id");

        JsonObject first = send(new Request.Delete("d-1", u, id));
        assertEquals("deleted", first.getString("status"), first::toString);
        assertEquals(id, first.getString("tweet_id"));
        assertTrue(h.sandbox.posts().isDeleted(id));
        JsonObject second = send(new Request.Delete("d-2", u, id));
        assertEquals("deleted", second.getString("status"), second::toString);
        assertEquals(1, h.sandbox.counters().deletes());

        JsonObject unknown = send(new Request.Delete("d-3", u, "99"));
        assertEquals("not_found", unknown.getString("status"), unknown::toString);
        JsonObject unknownAgain = send(new Request.Delete("d-4", u, "99"));
        assertEquals("not_found", unknownAgain.getString("status"), unknownAgain::toString);

        // Another user's post is not theirs to delete.
        Tokens other = h.user("other");
        String othersPost = send(new Request.Post("p-2", other, "not yours", List.of(), Optional.empty()))
                .getString("tweet_id");
        JsonObject refused = send(new Request.Delete("d-5", u, othersPost));
        assertEquals("failed", refused.getString("status"));
        assertEquals("bad_request", refused.getJsonObject("error").getString("code"));
        assertTrue(!h.sandbox.posts().isDeleted(othersPost));
        h.assertNoMoreReplies(Duration.ofMillis(300));
    }

    @Test
    void aLongPostOf25000CharactersGoesOutForAUserXLetsPostLongAndIsRefusedForOthers() throws Exception {
        h.startWorker();
        Tokens premium = h.user("premium");
        h.sandbox.users().premium("premium");
        Tokens plain = h.user("plain");
        String text = "long ".repeat(5_000);
        assertEquals(25_000, text.length());
        JsonObject posted =
                send(new Request.Post("l-1", premium, text, List.of(), Optional.empty(), new PostOptions(true)));
        assertEquals("posted", posted.getString("status"), posted::toString);
        assertEquals(
                posted.getString("tweet_id"), h.sandbox.posts().all().getFirst().id());
        assertEquals(text.strip(), h.sandbox.posts().all().getFirst().text().strip());

        h.send(
                JsonQueueFormat.INSTANCE.encodeRequest(new Request.Post(
                        "l-2", plain, "x".repeat(300), List.of(), Optional.empty(), new PostOptions(true))),
                JSON);
        // Exactly as RPC_FORMAT.md §4 "Long posts" shows it.
        assertEquals(
                "{\"id\":\"l-2\",\"command\":\"upload_post\",\"status\":\"failed\",\"error\":{\"code\":\"text_too_long\","
                        + "\"message\":\"X refused the text as too long (300 weighted characters): Text is too long.\"}}",
                h.nextReply(T).text());
        JsonObject notLong = send(new Request.Post("l-3", premium, "y".repeat(300), List.of(), Optional.empty()));
        assertEquals("text_too_long", notLong.getJsonObject("error").getString("code"), notLong::toString);
        assertEquals(1, h.sandbox.posts().all().size());
    }

    @Test
    void aPollWithBadOptionsIsRefusedBeforeXAndGoodQuotePollAndReplySettingsReachX() throws Exception {
        h.startWorker();
        Tokens u = h.user("poller");
        String bad = "{\"id\":\"q-3\",\"command\":\"upload_post\",\"access_token\":\"" + u.token()
                + "\",\"access_token_secret\":\"" + u.secret() + "\",\"text\":\"pick\","
                + "\"poll\":{\"options\":[\"only one\"],\"duration_minutes\":60}}";
        h.send(bad.getBytes(StandardCharsets.UTF_8), JSON);
        // Exactly as RPC_FORMAT.md §4 "Quotes, polls and reply settings" shows it.
        assertEquals(
                "{\"id\":\"q-3\",\"command\":\"upload_post\",\"status\":\"failed\",\"error\":{\"code\":\"bad_request\","
                        + "\"message\":\"a poll has 2 to 4 options\"}}",
                h.nextReply(T).text());
        assertEquals(0, h.sandbox.counters().requests(), "the sandbox saw no call");

        Poll poll = new Poll(List.of("tea", "coffee", "water"), 1440);
        JsonObject polled = send(new Request.Post(
                "poll-2",
                u,
                "tea or coffee?",
                List.of(),
                Optional.empty(),
                new PostOptions(false, Optional.empty(), Optional.of(poll), Optional.of(ReplySettings.FOLLOWING))));
        assertEquals("posted", polled.getString("status"), polled::toString);
        var stored = h.sandbox.posts().all().getFirst();
        assertEquals(List.of("tea", "coffee", "water"), stored.pollOptions());
        assertEquals(1440, stored.pollDurationMinutes());
        assertEquals("following", stored.replySettings());

        JsonObject quoted = send(new Request.Post(
                "quote-1",
                u,
                "look at this",
                List.of(),
                Optional.empty(),
                new PostOptions(
                        false,
                        Optional.of(stored.id()),
                        Optional.empty(),
                        Optional.of(ReplySettings.MENTIONED_USERS))));
        assertEquals("posted", quoted.getString("status"), quoted::toString);
        var quote = h.sandbox.posts().all().get(1);
        assertEquals(stored.id(), quote.quoteTweetId());
        assertEquals("mentionedUsers", quote.replySettings());
        assertEquals(quoted.getString("tweet_id"), quote.id());
    }

    @Test
    void aQuoteNamedByQuotePostIdReachesXAsAQuote() throws Exception {
        h.startWorker();
        Tokens u = h.user("quoter");
        String quoted = send(new Request.Post("q-0", u, "worth quoting", List.of(), Optional.empty()))
                .getString("tweet_id");
        String request = "{\"id\":\"q-4\",\"command\":\"upload_post\",\"access_token\":\"" + u.token()
                + "\",\"access_token_secret\":\"" + u.secret() + "\",\"text\":\"see this\",\"quote_post_id\":\""
                + quoted + "\"}";
        h.send(request.getBytes(StandardCharsets.UTF_8), JSON);
        JsonObject reply = h.nextReply(T).json();
        assertEquals("q-4", reply.getString("id"));
        assertEquals("posted", reply.getString("status"), reply::toString);
        var quote = h.sandbox.posts().all().getLast();
        assertEquals(reply.getString("tweet_id"), quote.id());
        assertEquals("see this", quote.text());
        assertEquals(quoted, quote.quoteTweetId());

        // Both names with different ids: refused before X.
        long calls = h.sandbox.counters().requests();
        String both = request.replace("\"q-4\"", "\"q-5\"").replace("}", ",\"quote_tweet_id\":\"1\"}");
        h.send(both.getBytes(StandardCharsets.UTF_8), JSON);
        JsonObject refused = h.nextReply(T).json();
        assertEquals("q-5", refused.getString("id"));
        assertEquals("bad_request", refused.getJsonObject("error").getString("code"), refused::toString);
        assertEquals(calls, h.sandbox.counters().requests(), "the sandbox saw no call");
        assertEquals(2, h.sandbox.posts().all().size());
    }

    /** Images told apart by their type (what the sandbox reads from their bytes), each with its own alt text. */
    private record Image(byte[] bytes, String type, String alt) {
        Media media() {
            return new Media(new MediaSource.Data(bytes), Optional.of(alt));
        }
    }

    @Test
    void threeAndFourImagesGoOutInOrderEachWithItsOwnAltText() throws Exception {
        h.startWorker();
        Tokens u = h.user("gallery");
        Image jpeg = new Image(TestImages.jpeg(), "image/jpeg", "a white dot");
        Image png = new Image(TestImages.png(), "image/png", "a clear pixel");
        Image webp = new Image(TestImages.webp(), "image/webp", "a tiny square");
        Image png2 = new Image(TestImages.png(), "image/png", "the last one");
        for (List<Image> images : List.of(List.of(jpeg, png, webp), List.of(png, webp, jpeg, png2))) {
            String id = "gallery-" + images.size();
            JsonObject reply = send(new Request.Post(
                    id,
                    u,
                    images.size() + " images",
                    images.stream().map(Image::media).toList(),
                    Optional.empty()));
            assertEquals("posted", reply.getString("status"), reply::toString);
            var post = h.sandbox.posts().all().getLast();
            assertEquals(reply.getString("tweet_id"), post.id());
            assertEquals(images.size() + " images", post.text());
            assertEquals(
                    images.stream().map(Image::type).toList(),
                    post.mediaIds().stream()
                            .map(m -> h.sandbox.media().type(m).orElseThrow())
                            .toList(),
                    "the media, in the request's order");
            assertEquals(images.stream().map(Image::alt).toList(), post.altTexts(), "each image's own alt text");
        }
        assertEquals(2, h.sandbox.posts().all().size());
        h.assertNoMoreReplies(Duration.ofMillis(300));
    }

    @Test
    void anImageXRefusesIsAnImageErrorInBothFormatsAndNoPostIsMade(@TempDir Path uploads) throws Exception {
        Files.write(uploads.resolve("1.png"), TestImages.png());
        h.startWorker(h.config(Map.of("media.allowed.dir", uploads.toString())));
        Tokens u = h.user("refused");
        h.sandbox.faults().refuseMediaOf("refused");
        h.send(
                JsonQueueFormat.INSTANCE.encodeRequest(new Request.Post(
                        "img-1",
                        u,
                        "with a picture",
                        List.of(Media.of(new MediaSource.Data(TestImages.png()))),
                        Optional.empty())),
                JSON);
        // Exactly as RPC_FORMAT.md §4 shows it.
        assertEquals(
                "{\"id\":\"img-1\",\"command\":\"upload_post\",\"status\":\"failed\",\"error\":{\"code\":\"media_invalid\","
                        + "\"message\":\"X refused image 1: X answered 400: The media could not be processed.\"}}",
                h.nextReply(T).text());

        h.send(Harness.legacy(
                "7",
                "upload_post",
                u.token(),
                u.secret(),
                "legacy picture",
                uploads.resolve("1.png").toString()));
        assertEquals(
                "7\u00fftwt\u00ffupload_post\u00ffimage error", h.nextReply(T).text());
        assertEquals(0, h.sandbox.posts().all().size());
    }

    private static Request.Thread.Part part(String text, Media... media) {
        return new Request.Thread.Part(text, List.of(media));
    }

    @Test
    void aThreadOfThreePostsWithMediaGoesOutInOrderEachReplyingToTheOneBefore() throws Exception {
        h.startWorker();
        Tokens u = h.user("threader");
        String start = send(new Request.Post("root", u, "the start", List.of(), Optional.empty()))
                .getString("tweet_id");
        Media pixel = new Media(new MediaSource.Data(TestImages.png()), Optional.of("a pixel"));
        JsonObject reply = send(new Request.Thread(
                "t-1", u, List.of(part("one", pixel), part("two"), part("three", pixel, pixel)), Optional.of(start)));
        assertEquals("posted", reply.getString("status"), reply::toString);
        var posts = h.sandbox.posts().all();
        assertEquals(4, posts.size());
        var answered = reply.getJsonArray("posts");
        assertEquals(3, answered.size());
        String previous = start;
        for (int i = 0; i < 3; i++) {
            var sent = posts.get(i + 1);
            JsonObject a = answered.getJsonObject(i);
            assertEquals("posted", a.getString("status"));
            assertEquals(sent.id(), a.getString("tweet_id"));
            assertEquals(XClient.tweetUrl(sent.id()), a.getString("tweet_url"));
            assertTrue(!a.containsKey("already_posted"));
            assertEquals(previous, sent.inReplyTo());
            previous = sent.id();
        }
        assertEquals(
                List.of("one", "two", "three"),
                posts.subList(1, 4).stream().map(p -> p.text()).toList());
        assertEquals(
                List.of(1, 0, 2),
                posts.subList(1, 4).stream().map(p -> p.mediaIds().size()).toList());
        assertEquals(List.of("a pixel"), posts.get(1).altTexts());
    }

    @Test
    void aThreadFailingInItsMiddleSaysWhatWentOutAndItsRetryContinuesWithoutADoublePost() throws Exception {
        h.startWorker();
        Tokens u = h.user("halfway");
        Request.Thread thread =
                new Request.Thread("t-2", u, List.of(part("first"), part("second"), part("third")), Optional.empty());
        // The first part goes out, the second is refused (403), the third is not sent.
        h.sandbox.faults().failPostsOf("halfway", 1, 1);
        JsonObject first = send(thread);
        assertEquals("failed", first.getString("status"), first::toString);
        assertEquals("bad_request", first.getJsonObject("error").getString("code"));
        var parts = first.getJsonArray("posts");
        assertEquals("posted", parts.getJsonObject(0).getString("status"));
        assertEquals("failed", parts.getJsonObject(1).getString("status"));
        assertEquals("not_sent", parts.getJsonObject(2).getString("status"));
        assertEquals(1, h.sandbox.posts().all().size());
        String firstId = parts.getJsonObject(0).getString("tweet_id");
        assertEquals(firstId, h.sandbox.posts().all().getFirst().id());

        // The same request again (same id): it continues after the first part, which is not posted twice.
        JsonObject retried = send(thread);
        assertEquals("posted", retried.getString("status"), retried::toString);
        var all = retried.getJsonArray("posts");
        assertEquals(firstId, all.getJsonObject(0).getString("tweet_id"));
        assertTrue(all.getJsonObject(0).getBoolean("already_posted"));
        assertTrue(!all.getJsonObject(1).containsKey("already_posted"));
        var posts = h.sandbox.posts().all();
        assertEquals(
                List.of("first", "second", "third"),
                posts.stream().map(p -> p.text()).toList());
        assertEquals(firstId, posts.get(1).inReplyTo());
        assertEquals(posts.get(1).id(), posts.get(2).inReplyTo());
        assertEquals(posts.get(2).id(), all.getJsonObject(2).getString("tweet_id"));
        assertEquals(0, h.sandbox.counters().duplicates(), "no part was sent twice");
        h.assertNoMoreReplies(Duration.ofMillis(300));
    }

    @Test
    void aThreadWhoseMiddlePartXNeverAcceptsSaysSoAfterTheRetriesAndContinuesWhenSentAgain() throws Exception {
        h.startWorker(h.config(Map.of("worker.retry.max-attempts", "2")));
        Tokens u = h.user("unavailable");
        Request.Thread thread =
                new Request.Thread("t-3", u, List.of(part("a1"), part("a2"), part("a3")), Optional.empty());
        h.sandbox.faults().failPostsOf("unavailable", 1, 100, 503);
        JsonObject failed = send(thread);
        assertEquals("failed", failed.getString("status"), failed::toString);
        assertEquals("x_unavailable", failed.getJsonObject("error").getString("code"));
        var parts = failed.getJsonArray("posts");
        assertEquals(
                List.of("posted", "failed", "not_sent"),
                parts.stream().map(v -> v.asJsonObject().getString("status")).toList());
        assertEquals(
                h.sandbox.posts().all().getFirst().id(), parts.getJsonObject(0).getString("tweet_id"));

        h.sandbox.faults().failPostsOf("unavailable", 0, 0);
        JsonObject done = send(thread);
        assertEquals("posted", done.getString("status"), done::toString);
        assertEquals(
                List.of("a1", "a2", "a3"),
                h.sandbox.posts().all().stream().map(p -> p.text()).toList());
    }

    @Test
    @Tag("rabbitmq-only")
    void aThreadRedeliveredAfterItsWorkerStoppedContinuesAfterThePartsAlreadyOnX() throws Exception {
        Harness.requireRabbitMq("the shard state queue that keeps thread progress across owners (x-max-length)");
        Tokens u = h.user("handover");
        Request.Thread thread =
                new Request.Thread("t-4", u, List.of(part("h1"), part("h2"), part("h3")), Optional.empty());
        // The first worker posts part 1, then X fails part 2 and the worker waits to retry it; it stops meanwhile.
        h.sandbox.faults().failPostsOf("handover", 1, 1_000, 503);
        Worker first = h.startWorker(h.config(Map.of(
                "worker.retry.base-delay",
                "PT30S",
                "worker.retry.max-delay",
                "PT30S",
                "worker.shutdown-grace",
                "PT1S")));
        h.send(JsonQueueFormat.INSTANCE.encodeRequest(thread), JSON);
        Harness.await("part 2 refused", T, () -> h.sandbox.counters().injectedErrors() >= 1);
        first.close();
        assertEquals(1, h.sandbox.posts().all().size());

        // The next owner of the shard gets the request again and continues with part 2.
        h.sandbox.faults().failPostsOf("handover", 0, 0);
        h.startWorker();
        JsonObject reply = h.nextReply(T).json();
        assertEquals("posted", reply.getString("status"), reply::toString);
        var posts = h.sandbox.posts().all();
        assertEquals(
                List.of("h1", "h2", "h3"), posts.stream().map(p -> p.text()).toList());
        assertTrue(reply.getJsonArray("posts").getJsonObject(0).getBoolean("already_posted"));
        assertEquals(
                posts.getFirst().id(),
                reply.getJsonArray("posts").getJsonObject(0).getString("tweet_id"));
        assertEquals(posts.getFirst().id(), posts.get(1).inReplyTo());
        assertEquals(0, h.sandbox.counters().duplicates(), "no part was sent twice");
        h.assertNoMoreReplies(Duration.ofMillis(300));
    }

    /**
     * X accepted a post and its id was recorded in the shard's state, but the worker's connection is cut before its
     * reply is committed (a proxy holds back everything the worker sends after that record's commit, then drops the
     * connection, as a worker killed at that instant). The next owner answers from the record: {@code already_posted}
     * with the post's id, nothing sent to X again; for a post without text too (not {@code outcome_unknown}).
     */
    @Test
    @Tag("rabbitmq-only")
    void aPostRedeliveredAfterXAcceptedItIsAnsweredAlreadyPostedWithItsId() throws Exception {
        Harness.requireRabbitMq("the shard state queue that keeps a post's id until its reply is committed");
        Tokens writer = h.user("writer");
        JsonObject text =
                redeliveredAfterXAccepted(new Request.Post("r-1", writer, "posted once", List.of(), Optional.empty()));
        Tokens painter = h.user("painter");
        JsonObject image = redeliveredAfterXAccepted(new Request.Post(
                "r-2",
                painter,
                "",
                List.of(new Media(new MediaSource.Data(TestImages.png()), Optional.of("only a picture"))),
                Optional.empty()));

        var posts = h.sandbox.posts().all();
        assertEquals(2, posts.size(), "nothing posted twice");
        assertEquals(0, h.sandbox.counters().duplicates(), "nothing sent to X again");
        for (int i = 0; i < 2; i++) {
            JsonObject reply = List.of(text, image).get(i);
            assertEquals("r-" + (i + 1), reply.getString("id"));
            assertEquals("posted", reply.getString("status"), reply::toString);
            assertTrue(reply.getBoolean("already_posted"), reply::toString);
            assertEquals(posts.get(i).id(), reply.getString("tweet_id"), reply::toString);
            assertEquals(XClient.tweetUrl(posts.get(i).id()), reply.getString("tweet_url"));
        }
        h.assertNoMoreReplies(Duration.ofMillis(300));
    }

    /**
     * A post without text whose attempt was recorded as begun, and whose worker was cut off before X's answer could be
     * recorded: the next owner answers {@code outcome_unknown} (X does not deduplicate it) and then forgets the record,
     * so the shard's state does not keep one line per such answer for ever.
     */
    @Test
    @Tag("rabbitmq-only")
    void anOutcomeUnknownAnswerClearsTheAttemptRecord() throws Exception {
        Harness.requireRabbitMq("the shard state queue that keeps a post's attempt until it is answered");
        Tokens painter = h.user("painter2");
        byte[] body = JsonQueueFormat.INSTANCE.encodeRequest(new Request.Post(
                "u-1",
                painter,
                "",
                List.of(new Media(new MediaSource.Data(TestImages.png()), Optional.of("unknown fate"))),
                Optional.empty()));
        String attempt = "a " + ShardQueues.fingerprint(body) + "\n"; // ShardState: "a <fingerprint>"
        cutOffAfterStateRecord(body, attempt, "the attempt was recorded in the shard's state");
        h.startWorker();
        JsonObject unknown = h.nextReply(T).json();
        assertEquals("u-1", unknown.getString("id"));
        assertEquals("outcome_unknown", unknown.getJsonObject("error").getString("code"), unknown::toString);

        // the same user's next post stores the shard's state again before its reply
        JsonObject next = send(new Request.Post("u-2", painter, "after the unknown one", List.of(), Optional.empty()));
        assertEquals("posted", next.getString("status"), next::toString);
        List<String> states = shardStates();
        assertFalse(states.isEmpty(), "no shard state stored");
        for (String state : states) {
            assertFalse(state.startsWith(attempt) || state.contains("\n" + attempt), state);
        }
    }

    /**
     * Sends {@code body} to a worker whose connection is cut right after it commits a shard state holding a line that
     * starts with {@code line}, as a worker killed at that instant; that worker is then closed.
     */
    private void cutOffAfterStateRecord(byte[] body, String line, String recorded) throws Exception {
        try (AmqpCutter cutter =
                new AmqpCutter(Harness.AMQP, state -> state.startsWith(line) || state.contains("\n" + line))) {
            Worker first =
                    h.startWorker(h.config(Map.of("amqp.uri", cutter.uri().toString())));
            h.send(body, JSON);
            assertTrue(cutter.awaitFrozen(T.toSeconds()), recorded);
            cutter.cut();
            first.close();
        }
    }

    /** The shard states stored now (each shard's state queue keeps its latest), left where they are. */
    private List<String> shardStates() throws Exception {
        List<String> states = new ArrayList<>();
        WorkerConfig c = h.config();
        try (Channel ch = h.connection.createChannel()) {
            for (int k = 0; k < c.shards(); k++) {
                GetResponse r = ch.basicGet(c.shardStateQueue(k), false);
                if (r != null) {
                    states.add(new String(r.getBody(), StandardCharsets.UTF_8));
                    ch.basicNack(r.getEnvelope().getDeliveryTag(), false, true);
                }
            }
        }
        return states;
    }

    /**
     * Sends {@code post} to a worker whose connection is cut right after the shard state recording the post's id is
     * committed; then another worker takes the shard. Its reply.
     */
    private JsonObject redeliveredAfterXAccepted(Request.Post post) throws Exception {
        int before = h.sandbox.posts().all().size();
        byte[] body = JsonQueueFormat.INSTANCE.encodeRequest(post);
        // The shard state's record of this post's id (ShardState: "t <fingerprint> <time> <id>").
        String record = "t " + ShardQueues.fingerprint(body) + " ";
        cutOffAfterStateRecord(body, record, "the post's id was recorded in the shard's state");
        assertEquals(before + 1, h.sandbox.posts().all().size(), "X accepted the post");
        Worker next = h.startWorker();
        JsonObject reply = h.nextReply(T).json();
        next.close();
        return reply;
    }

    @Test
    void theDeploymentDefaultMakesEveryPostLong() throws Exception {
        h.startWorker(h.config(Map.of("worker.long-posts", "true")));
        Tokens premium = h.user("premium2");
        h.sandbox.users().premium("premium2");
        JsonObject posted = send(new Request.Post("l-4", premium, "z".repeat(1_000), List.of(), Optional.empty()));
        assertEquals("posted", posted.getString("status"), posted::toString);
        assertEquals(1_000, h.sandbox.posts().all().getFirst().text().length());
    }
}
