package io.twtbridge.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.GetResponse;
import io.twtbridge.protocol.JsonQueueFormat;
import io.twtbridge.protocol.LegacyQueueFormat;
import io.twtbridge.protocol.Request;
import io.twtbridge.protocol.Tokens;
import io.twtbridge.sealing.SealKeys;
import io.twtbridge.sealing.SealedTokens;
import io.twtbridge.sealing.Sealer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Sealed tokens through a real worker, broker and sandbox: opened, posted; anything else refused before X. */
class SealedTokenTest {
    private static final Duration T = Duration.ofSeconds(20);
    private static final String K1 = SealKeys.generate("k1");
    private static final String K2 = SealKeys.generate("k2");
    private Harness h;

    @BeforeEach
    void start() throws Exception {
        h = new Harness();
    }

    @AfterEach
    void stop() throws Exception {
        h.close();
    }

    private static SealedTokens sealer(String ring) {
        return new SealedTokens(new Sealer(SealKeys.parse(ring)));
    }

    private static byte[] jsonPost(String id, Tokens user, String text) {
        return JsonQueueFormat.INSTANCE.encodeRequest(new Request.Post(id, user, text, List.of(), Optional.empty()));
    }

    @Test
    void aSealedTokenIsOpenedAndPostedInBothFormats() throws Exception {
        h.startWorker(h.config(Map.of("sealing.key-ring", K1)));
        Tokens sealed = sealer(K1).seal(h.user("sealed_user"), "1");
        byte[] body = jsonPost("s-1", sealed, "sealed hello");
        assertTrue(new String(body).contains("\"sealed_token\":\"tb1.k1."), new String(body));
        h.send(body, Harness.JSON_REQUEST);
        String reply = h.nextReply(T).text();
        assertTrue(reply.contains("\"status\":\"posted\""), reply);
        assertEquals("sealed_user", h.sandbox.posts().all().getFirst().authorScreenName());
        // Legacy format, sealing turned on for it: the sealed token in the access-token field, the secret field empty.
        h.send(LegacyQueueFormat.INSTANCE.encodeRequest(
                new Request.Post("2", sealed, "legacy sealed", List.of(), Optional.empty())));
        assertEquals("2ÿtwtÿupload_postÿ0", h.nextReply(T).text());
        assertEquals(2, h.sandbox.posts().all().size());
    }

    @Test
    void aChangedTruncatedForeignOrUnknownKeyTokenIsInvalidAndNeverReachesX() throws Exception {
        h.startWorker(h.config(Map.of("sealing.key-ring", K1)));
        Tokens user = h.user("tamper_user");
        String good = sealer(K1).seal(user, "1").token();
        List<String> bad = new ArrayList<>();
        for (int i = 0; i < good.length(); i += 7) {
            char c = good.charAt(i);
            String changed = good.substring(0, i) + (c == 'A' ? 'B' : 'A') + good.substring(i + 1);
            if (changed.startsWith(Tokens.SEALED_PREFIX)) {
                bad.add(changed);
            }
        }
        bad.add(good.substring(0, good.length() - 1));
        bad.add(good.substring(0, 20));
        bad.add(sealer(SealKeys.generate("k1")).seal(user, "1").token()); // another deployment, same key id
        bad.add(sealer(K2).seal(user, "1").token()); // a key this worker does not hold
        long before = h.sandbox.counters().requests();
        for (int i = 0; i < bad.size(); i++) {
            h.send(jsonPost("t-" + i, Tokens.sealed(bad.get(i)), "must not post"), Harness.JSON_REQUEST);
            String reply = h.nextReply(T).text();
            assertTrue(reply.contains("\"code\":\"invalid_token\""), i + ": " + reply);
            assertFalse(reply.contains(bad.get(i)), "the reply does not repeat the token");
        }
        assertEquals(before, h.sandbox.counters().requests(), "X was never called");
        assertEquals(0, h.sandbox.posts().all().size());
    }

    @Test
    void aDeadLetteredRequestKeepsItsTokenSealed() throws Exception {
        WorkerConfig config = h.config(Map.of("sealing.key-ring", K1));
        h.startWorker(config);
        Tokens user = h.user("dead_user");
        Tokens sealed = sealer(K1).seal(user, "1");
        byte[] noId = ("{\"command\":\"upload_post\",\"sealed_token\":\"" + sealed.token() + "\",\"text\":\"no id\"}")
                .getBytes(StandardCharsets.UTF_8);
        h.send(noId, Harness.JSON_REQUEST);
        GetResponse dead = h.getFrom(config.deadLetterQueue(), T);
        assertTrue(dead != null, "dead-lettered");
        String kept = new String(dead.getBody(), StandardCharsets.UTF_8);
        assertEquals(new String(noId, StandardCharsets.UTF_8), kept);
        assertFalse(kept.contains(user.token()) || kept.contains(user.secret()), "never the opened token");
        assertEquals(0, h.sandbox.posts().all().size());
    }

    @Test
    void aWorkerWithoutKeysRefusesSealedTokens() throws Exception {
        h.startWorker();
        h.send(jsonPost("n-1", sealer(K1).seal(h.user("nokeys"), "1"), "must not post"), Harness.JSON_REQUEST);
        assertTrue(h.nextReply(T).text().contains("\"code\":\"invalid_token\""));
        assertEquals(0, h.sandbox.counters().requests());
    }

    @Test
    void afterRotationOldTokensStillOpenAndNewOnesUseTheNewKey() throws Exception {
        h.startWorker(h.config(Map.of("sealing.key-ring", K2 + "," + K1)));
        Tokens user = h.user("rotated");
        h.send(jsonPost("r-1", sealer(K1).seal(user, "1"), "sealed before the rotation"), Harness.JSON_REQUEST);
        assertTrue(h.nextReply(T).text().contains("\"status\":\"posted\""));
        Tokens fresh = sealer(K2 + "," + K1).seal(user, "1");
        assertTrue(fresh.token().startsWith("tb1.k2."), "the first key seals");
        h.send(jsonPost("r-2", fresh, "sealed after the rotation"), Harness.JSON_REQUEST);
        assertTrue(h.nextReply(T).text().contains("\"status\":\"posted\""));
        assertEquals(2, h.sandbox.posts().all().size());
    }

    @Test
    void oneUsersSealedTokensRouteToOneShardLikeTheRawToken() {
        SealedTokens s = sealer(K1);
        Unsealing unsealing = new Unsealing(Optional.of(s));
        AMQP.BasicProperties props = Harness.JSON_REQUEST;
        int shards = 16;
        Set<Integer> seen = new HashSet<>();
        for (int u = 0; u < 40; u++) {
            Tokens raw = new Tokens("user-" + u + "-token", "secret-" + u);
            Tokens a = s.seal(raw, "id" + u);
            Tokens b = s.seal(raw, "id" + u);
            assertNotEquals(a.token(), b.token(), "sealing is randomized");
            int ka = Router.shardOf(props, jsonPost("a", a, "x"), shards, new AtomicLong(), unsealing);
            int kb = Router.shardOf(props, jsonPost("b", b, "x"), shards, new AtomicLong(7), unsealing);
            int kr = Router.shardOf(props, jsonPost("c", raw, "x"), shards, new AtomicLong(3), unsealing);
            assertEquals(ka, kb);
            assertEquals(ka, kr);
            seen.add(ka);
        }
        assertTrue(seen.size() > 4, "users still spread over the shards: " + seen);
    }
}
