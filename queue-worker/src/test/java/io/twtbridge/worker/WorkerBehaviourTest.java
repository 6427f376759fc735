package io.twtbridge.worker;

import static io.twtbridge.worker.Harness.legacy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import io.twtbridge.protocol.JsonQueueFormat;
import io.twtbridge.protocol.Media;
import io.twtbridge.protocol.MediaSource;
import io.twtbridge.protocol.Request;
import io.twtbridge.protocol.Tokens;
import io.twtbridge.sandbox.Limits;
import io.twtbridge.sandbox.Post;
import io.twtbridge.twitter.XClient;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Guarantees of the worker over real RabbitMQ and a real sandbox: retries, rate limits, ordering, redelivery. */
class WorkerBehaviourTest {
    private static final Duration T = Duration.ofSeconds(20);
    private Harness h;

    @BeforeEach
    void start() throws Exception {
        h = new Harness();
    }

    @AfterEach
    void stop() throws Exception {
        h.close();
        Logger.getLogger(Worker.class.getName()).removeHandler(givingShard);
    }

    private static AMQP.BasicProperties json(String replyTo, String correlationId) {
        return new AMQP.BasicProperties.Builder()
                .contentType("application/json")
                .replyTo(replyTo)
                .correlationId(correlationId)
                .deliveryMode(2)
                .build();
    }

    private static JsonObject parse(Harness.Reply r) {
        return Json.createReader(new StringReader(r.text())).readObject();
    }

    private static byte[] jsonPost(String id, Tokens u, String text, List<Media> media) {
        return JsonQueueFormat.INSTANCE.encodeRequest(new Request.Post(id, u, text, media, Optional.empty()));
    }

    @Test
    void jsonRequestWithReplyToAndCorrelationId() throws Exception {
        h.startWorker();
        String own = "reply-test-" + UUID.randomUUID();
        h.channel.queueDeclare(own, false, true, true, null);
        h.listen(own);
        Tokens u = h.user("json");
        h.send(
                jsonPost(
                        "j-1",
                        u,
                        "json hello",
                        List.of(new Media(new MediaSource.Data(TestImages.png()), Optional.of("a pixel")))),
                json(own, "corr-42"));
        Harness.Reply r = h.nextReply(T);
        assertEquals(own, r.queue());
        assertEquals("corr-42", r.props().getCorrelationId());
        assertEquals("application/json", r.props().getContentType());
        JsonObject o = parse(r);
        assertEquals("posted", o.getString("status"));
        String id = h.sandbox.posts().all().getFirst().id();
        assertEquals(id, o.getString("tweet_id"));
        assertEquals(XClient.tweetUrl(id), o.getString("tweet_url"));
        assertEquals(List.of("a pixel"), h.sandbox.posts().all().getFirst().altTexts());

        h.send(jsonPost("j-2", u, "x".repeat(300), List.of()), json(null, null));
        JsonObject tooLong = parse(h.nextReply(T));
        assertEquals("failed", tooLong.getString("status"));
        assertEquals("text_too_long", tooLong.getJsonObject("error").getString("code"));
        h.send("{\"id\":\"j-3\",\"command\":\"upload_post\"}".getBytes(), json(null, null));
        assertEquals("bad_request", parse(h.nextReply(T)).getJsonObject("error").getString("code"));
        h.send(
                jsonPost("j-4", u, "", List.of(new Media(new MediaSource.Data("text".getBytes()), Optional.empty()))),
                json(null, null));
        assertEquals(
                "media_invalid", parse(h.nextReply(T)).getJsonObject("error").getString("code"));
    }

    /**
     * A busy shard is not held to its even share of the requests in flight while the others have nothing to do: every
     * user here hashes to shard 0 of 4, and with a prefetch of 32 (8 a shard) X sees more than 8 of their posts at
     * once. (Held to its share, a worker's throughput was that of its busiest shard.)
     */
    @Test
    void aBusyShardUsesTheRequestsInFlightIdleShardsLeave() throws Exception {
        WorkerConfig c = h.config(Map.of("worker.prefetch", "32"));
        List<Tokens> users = usersOfShards(c, Set.of(0), 24);
        h.sandbox.faults().latency(Duration.ofMillis(300));
        h.startWorker(c);
        postOnceEach(users);
        int even = c.shardPrefetch(c.shards());
        int peak = h.sandbox.counters().peakConcurrent();
        assertTrue(peak > even, "posts of one shard at X at once: " + peak + ", its even share " + even);
        assertTrue(peak <= c.shardDeliveries(c.shards()), "at most what the shard is handed: " + peak);
    }

    /**
     * However many requests the shards are handed together, the worker works on at most {@code maxInFlight} at once:
     * all 4 shards busy, 64 handed over (16 each), at most 35 at X.
     */
    @Test
    void theWorkerWorksOnAtMostItsRequestsInFlightWhateverItsShardsHold() throws Exception {
        WorkerConfig c = h.config(Map.of("worker.prefetch", "32"));
        List<Tokens> users = usersOfShards(c, Set.of(0, 1, 2, 3), 64);
        h.sandbox.faults().latency(Duration.ofMillis(300));
        h.startWorker(c);
        postOnceEach(users);
        int peak = h.sandbox.counters().peakConcurrent();
        assertTrue(peak <= c.maxInFlight(), "at X at once: " + peak + ", at most " + c.maxInFlight());
        assertTrue(peak > c.maxInFlight() / 2, "the pipe was full: " + peak);
    }

    /**
     * A request waiting for a rate limit holds no turn to call X: 20 users X rate-limits wait (more than the worker's
     * 17 turns: 2 shards, prefetch 16), and another user's post is answered at once, not after their resets.
     */
    @Test
    void requestsWaitingForARateLimitHoldNoTurnToCallX() throws Exception {
        WorkerConfig c = h.config(Map.of("worker.prefetch", "16", "worker.shards", "2"));
        assertEquals(17, c.maxInFlight());
        List<Tokens> users = usersOfShards(c, Set.of(0, 1), 20);
        Tokens free = h.user("free");
        h.sandbox.limits(Limits.defaults().withUserPostLimit(1).withWindowSeconds(10));
        h.startWorker(c);
        postOnceEach(users); // each user's one post of the window
        for (int i = 0; i < users.size(); i++) {
            Tokens u = users.get(i);
            h.send(legacy("again-" + i, "upload_post", u.token(), u.secret(), "again " + i, ""));
        }
        Harness.await(
                "every user's second post refused (429)",
                T,
                () -> h.sandbox.counters().rateLimited() >= 20);
        h.send(legacy("free", "upload_post", free.token(), free.secret(), "not limited", ""));
        assertEquals("free\u00FFtwt\u00FFupload_post\u00FF0", h.nextReply(T).text(), "answered before the resets");
    }

    /**
     * A shard taken beyond the worker's share keeps the few deliveries left then (a consumer's prefetch is fixed when it
     * subscribes), so it is the first given back, even busy, before quiet shards with their full share. Here the
     * roster counts two workers (share: 2 of 4 shards); the worker takes shards 0 and 1 with 40 deliveries each, and 2
     * and 3, which the test held until they went quiet, beyond its share with 8 each, as posts wait for them.
     */
    @Test
    void aShardTakenBeyondTheShareWithFewDeliveriesIsGivenBackFirst() throws Exception {
        WorkerConfig c = h.config(Map.of("worker.prefetch", "40", "worker.rebalance-interval", "PT0.2S"));
        Topology.declare(h.connection, h.channel, c);
        Channel other = h.connection.createChannel(); // another worker, as the roster and shards 2 and 3 see it
        other.basicConsume(c.rosterQueue(), true, new DefaultConsumer(other));
        Channel held = h.connection.createChannel();
        held.basicQos(1);
        for (int k : List.of(2, 3)) {
            held.basicConsume(c.shardQueue(k), false, "held-" + k, false, true, null, new DefaultConsumer(held));
        }
        List<Tokens> users = usersOfShards(c, Set.of(2, 3), 8);
        Logger log = Logger.getLogger(Worker.class.getName());
        log.setLevel(Level.INFO);
        log.addHandler(givingShard);
        Worker w = h.startWorker(c);
        Harness.await("shards 0 and 1 taken", T, () -> w.ownedShards().equals(Set.of(0, 1)));
        assertEquals(40, c.shardDeliveries(2));
        // Longer than a shard must be without deliveries to count as quiet: 3 rounds and 2 s.
        Thread.sleep(c.rebalanceInterval().multipliedBy(3).plusSeconds(3).toMillis());
        h.sandbox.faults().latency(Duration.ofSeconds(3));
        held.close(); // shards 2 and 3 free: taken beyond the share after two rounds
        for (int i = 0; i < users.size(); i++) {
            Tokens u = users.get(i);
            h.send(legacy("busy-" + i, "upload_post", u.token(), u.secret(), "busy " + i, ""));
        }
        Harness.await("two shards given back", T, () -> givenBack.size() >= 2);
        assertEquals(
                Set.of(2, 3), Set.copyOf(givenBack.subList(0, 2)), "gave back those with few requests: " + givenBack);
    }

    /** The shards the worker gives back, in order, from its log ("giving shard k to another worker ..."). */
    private final List<Integer> givenBack = new CopyOnWriteArrayList<>();

    private final Handler givingShard = new Handler() {
        @Override
        public void publish(LogRecord r) {
            String m = r.getMessage();
            if (m != null && m.startsWith("giving shard ")) {
                givenBack.add(Integer.parseInt(m.split(" ")[2]));
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    /** {@code count} new users, as evenly as they come among {@code shards} (each user's token decides its shard). */
    private List<Tokens> usersOfShards(WorkerConfig c, Set<Integer> shards, int count) {
        Map<Integer, Integer> per = new HashMap<>();
        List<Tokens> users = new ArrayList<>();
        for (int i = 0; users.size() < count; i++) {
            Tokens u = h.user("u" + i);
            int k = ShardQueues.shardOf(u.token(), c.shards());
            if (shards.contains(k) && per.merge(k, 1, Integer::sum) <= count / shards.size()) {
                users.add(u);
            }
        }
        return users;
    }

    /** One post of each user, sent at once; each answered as posted. */
    private void postOnceEach(List<Tokens> users) throws Exception {
        for (int i = 0; i < users.size(); i++) {
            Tokens u = users.get(i);
            h.send(legacy(String.valueOf(i), "upload_post", u.token(), u.secret(), "post " + i, ""));
        }
        for (int i = 0; i < users.size(); i++) {
            String reply = h.nextReply(T).text();
            assertTrue(reply.endsWith("\u00FFupload_post\u00FF0"), reply);
        }
    }

    @Test
    void retriesAfterServerErrorsThenPostsOnce() throws Exception {
        h.startWorker();
        Tokens u = h.user("retry");
        h.sandbox.faults().errors(1.0, 503);
        h.send(legacy("1", "upload_post", u.token(), u.secret(), "after the storm", ""));
        Harness.await("two failed attempts", T, () -> h.sandbox.counters().requests() >= 2);
        h.sandbox.faults().clear();
        assertEquals("1ÿtwtÿupload_postÿ0", h.nextReply(T).text());
        assertEquals(1, h.sandbox.posts().all().size());
    }

    @Test
    void givesUpAfterTheConfiguredAttempts() throws Exception {
        h.startWorker();
        Tokens u = h.user("down");
        h.sandbox.faults().errors(1.0, 502);
        h.send(jsonPost("g-1", u, "never", List.of()), json(null, null));
        JsonObject o = parse(h.nextReply(T));
        assertEquals("x_unavailable", o.getJsonObject("error").getString("code"));
        assertEquals(6, h.sandbox.counters().requests(), "one attempt plus five retries");
    }

    @Test
    void oneUsersRateLimitDoesNotBlockAnother() throws Exception {
        h.startWorker();
        h.sandbox.limits(Limits.defaults().withUserPostLimit(1).withWindowSeconds(2));
        Tokens a = h.user("limited");
        Tokens b = h.user("free");
        h.send(legacy("a1", "upload_post", a.token(), a.secret(), "a first", ""));
        assertEquals("a1ÿtwtÿupload_postÿ0", h.nextReply(T).text());
        h.send(legacy("a2", "upload_post", a.token(), a.secret(), "a second", ""));
        Harness.await("a's 429", T, () -> h.sandbox.counters().rateLimited() >= 1);
        h.send(legacy("b1", "upload_post", b.token(), b.secret(), "b first", ""));
        assertEquals("b1ÿtwtÿupload_postÿ0", h.nextReply(T).text(), "b is answered while a waits");
        assertEquals("a2ÿtwtÿupload_postÿ0", h.nextReply(T).text(), "a is posted after the reset");
        assertEquals(
                List.of("a first", "b first", "a second"),
                h.sandbox.posts().all().stream().map(Post::text).toList());
    }

    @Test
    void rateLimitPastTheDeadlineIsAnsweredWithRetryAfter() throws Exception {
        h.startWorker(h.config(Map.of("worker.rate-limit.deadline", "PT5S")));
        h.sandbox.limits(Limits.defaults().withAppPostLimit(1).withWindowSeconds(3_600));
        Tokens u = h.user("app-limited");
        h.send(jsonPost("r-1", u, "one", List.of()), json(null, null));
        assertEquals("posted", parse(h.nextReply(T)).getString("status"));
        h.send(jsonPost("r-2", u, "two", List.of()), json(null, null));
        JsonObject o = parse(h.nextReply(T));
        assertEquals("rate_limited", o.getJsonObject("error").getString("code"));
        long retryAfter =
                o.getJsonObject("error").getJsonNumber("retry_after_s").longValue();
        // X names the reset in whole seconds; the worker waits until the next one (at most one more).
        assertTrue(retryAfter > 3_000 && retryAfter <= 3_601, "retry_after_s=" + retryAfter);
    }

    @Test
    void eachUsersPostsGoOutInOrderUnderConcurrencyAndFaults() throws Exception {
        // Enough retries that a 25 % error rate never exhausts them (0.25^31).
        h.startWorker(h.config(Map.of("worker.retry.max-attempts", "30", "worker.retry.max-delay", "PT0.3S")));
        h.sandbox.faults().latency(Duration.ofMillis(5));
        h.sandbox.faults().errors(0.25, 503);
        List<Tokens> users = List.of(h.user("o1"), h.user("o2"), h.user("o3"), h.user("o4"));
        int perUser = 15;
        for (int i = 0; i < perUser; i++) {
            for (int k = 0; k < users.size(); k++) {
                Tokens u = users.get(k);
                h.send(legacy("o" + k + "-" + i, "upload_post", u.token(), u.secret(), "user " + k + " post " + i, ""));
            }
        }
        Set<String> ids = new HashSet<>();
        for (int n = 0; n < perUser * users.size(); n++) {
            String[] f = h.nextReply(Duration.ofSeconds(60)).text().split("ÿ", -1);
            assertEquals("0", f[3], () -> "failed: " + String.join("|", f));
            assertTrue(ids.add(f[0]), "second reply for " + f[0]);
        }
        h.sandbox.faults().clear();
        Map<String, List<String>> byAuthor = new HashMap<>();
        for (Post p : h.sandbox.posts().all()) {
            byAuthor.computeIfAbsent(p.authorScreenName(), k -> new ArrayList<>())
                    .add(p.text());
        }
        for (int k = 0; k < users.size(); k++) {
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < perUser; i++) {
                expected.add("user " + k + " post " + i);
            }
            assertEquals(expected, byAuthor.get("o" + (k + 1)), "order of user " + k);
        }
        assertTrue(h.sandbox.counters().peakConcurrent() > 1, "requests ran concurrently");
        h.assertNoMoreReplies(Duration.ofMillis(500));
    }

    @Test
    void aRedeliveredRequestThatAlreadyPostedIsASuccessNotADoublePost() throws Exception {
        Tokens u = h.user("redelivered");
        byte[] request = legacy("77", "upload_post", u.token(), u.secret(), "posted before the crash", "");
        // An earlier worker posted it and died before answering: the post is on X, the request is unacked.
        new XClient(h.xConfig()).post(u, "posted before the crash", List.of(), Optional.empty());
        h.declareRequestQueue();
        h.send(request);
        try (Channel crashed = h.connection.createChannel()) {
            CountDownLatch taken = new CountDownLatch(1);
            crashed.basicConsume(h.requests, false, new DefaultConsumer(crashed) {
                @Override
                public void handleDelivery(String tag, Envelope env, AMQP.BasicProperties props, byte[] body) {
                    taken.countDown();
                }
            });
            assertTrue(taken.await(T.toSeconds(), TimeUnit.SECONDS), "the request was delivered");
        } // closing the channel without an ack: the broker redelivers it
        h.startWorker();
        assertEquals("77ÿtwtÿupload_postÿ0", h.nextReply(T).text());
        assertEquals(1, h.sandbox.posts().all().size());
        assertEquals(1, h.sandbox.counters().duplicates());
    }
}
