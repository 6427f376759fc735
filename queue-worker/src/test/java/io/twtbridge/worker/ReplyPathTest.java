package io.twtbridge.worker;

import static io.twtbridge.worker.Harness.legacy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.GetResponse;
import io.twtbridge.protocol.DeadLetter;
import io.twtbridge.protocol.Tokens;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The reply path cannot lose or loop: refused and missing reply queues keep the reply in twt.dead (and the request is
 * not redelivered), and what a client sets on a request cannot steer the worker.
 */
class ReplyPathTest {
    private static final Duration T = Duration.ofSeconds(20);
    private Harness h;

    @BeforeEach
    void start() throws Exception {
        h = new Harness();
        h.startWorker();
    }

    @AfterEach
    void stop() throws Exception {
        h.close();
    }

    private AMQP.BasicProperties replyTo(String queue) {
        return new AMQP.BasicProperties.Builder()
                .replyTo(queue)
                .correlationId("c-" + queue)
                .deliveryMode(2)
                .build();
    }

    @Test
    void aReplyToOurOwnOrAForeignQueueIsKeptInTheDeadLetterQueueNotSent() throws Exception {
        Tokens u = h.user("refused");
        for (String target : new String[] {h.requests, h.requests + ".shard.0", "some-other-app"}) {
            String text = "refused reply to " + target;
            h.send(legacy("r-" + target, "upload_post", u.token(), u.secret(), text, ""), replyTo(target));
            GetResponse dead = h.getFrom(h.config().deadLetterQueue(), T);
            assertEquals(
                    "REPLY_TO_REFUSED",
                    Harness.headers(dead.getProps())
                            .get(DeadLetter.PROBLEM_HEADER)
                            .toString());
            assertEquals("r-" + target + "ÿtwtÿupload_postÿ0", new String(dead.getBody(), StandardCharsets.UTF_8));
        }
        assertEquals(3, h.sandbox.posts().all().size());
        // nothing arrived where it was refused: our own queues got no reply (the shard queue is empty, twt too)
        try (var ch = h.connection.createChannel()) {
            assertEquals(0, ch.queueDeclarePassive(h.requests).getMessageCount());
        }
    }

    @Test
    @Tag("rabbitmq-only")
    void aReplyWhoseQueueIsGoneComesBackAndIsKeptInTheDeadLetterQueue() throws Exception {
        Harness.requireRabbitMq("mandatory replies returned inside a transaction");
        Tokens u = h.user("missing");
        String gone = "reply-test-gone-" + UUID.randomUUID();
        h.send(legacy("m-1", "upload_post", u.token(), u.secret(), "reply queue gone", ""), replyTo(gone));
        GetResponse dead = h.getFrom(h.config().deadLetterQueue(), T);
        assertEquals(
                "REPLY_RETURNED",
                Harness.headers(dead.getProps()).get(DeadLetter.PROBLEM_HEADER).toString());
        assertEquals("c-" + gone, dead.getProps().getCorrelationId());
        assertEquals("m-1ÿtwtÿupload_postÿ0", new String(dead.getBody(), StandardCharsets.UTF_8));
        // answered once: no redelivery, no second post, nothing more in twt.dead
        h.assertNoMoreReplies(Duration.ofMillis(500));
        assertEquals(1, h.sandbox.posts().all().size());
        assertNull(h.channel.basicGet(h.config().deadLetterQueue(), true));
    }

    @Test
    void clientPropertiesCannotSteerOrBreakTheWorker() throws Exception {
        Tokens u = h.user("headers");
        // forged bookkeeping headers under our own header names (the moved copy's properties: see the next test)
        AMQP.BasicProperties forged = new AMQP.BasicProperties.Builder()
                .headers(Map.of(
                        Router.H_RECEIVED,
                        0L,
                        Router.H_REDELIVERED,
                        true,
                        "x-twt-attempt",
                        Integer.MAX_VALUE,
                        "x-twt-first-seen",
                        Long.MIN_VALUE,
                        "x-death",
                        "nonsense"))
                .deliveryMode(2)
                .build();
        h.send(legacy("h-1", "upload_post", u.token(), u.secret(), "headers do not steer", ""), forged);
        assertEquals("h-1ÿtwtÿupload_postÿ0", h.nextReply(T).text());
        assertEquals(1, h.sandbox.posts().all().size());
    }

    @Test
    void onlyAllowlistedPropertiesAreForwardedToTheShard() {
        AMQP.BasicProperties client = new AMQP.BasicProperties.Builder()
                .contentType("application/json")
                .correlationId("c")
                .replyTo("r")
                .messageId("m")
                .userId("someone-else")
                .expiration("1")
                .priority(9)
                .appId("app")
                .type("t")
                .headers(Map.of("x-twt-received", 0L, "trace", "t"))
                .build();
        AMQP.BasicProperties moved = Router.forward(client, 1234L, false);
        assertEquals("application/json", moved.getContentType());
        assertEquals("c", moved.getCorrelationId());
        assertEquals("r", moved.getReplyTo());
        assertEquals("m", moved.getMessageId());
        assertNull(moved.getUserId());
        assertNull(moved.getExpiration());
        assertNull(moved.getPriority());
        assertEquals(Map.of(Router.H_RECEIVED, 1234L), moved.getHeaders());
        assertEquals(2, moved.getDeliveryMode());
        assertFalse(Router.forward(client, 1, false).getHeaders().containsKey(Router.H_REDELIVERED));
        assertTrue(Router.forward(client, 1, true).getHeaders().containsKey(Router.H_REDELIVERED));
    }
}
