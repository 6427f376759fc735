package io.twtbridge.worker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The outbox against the test broker: what one transaction publishes. */
class OutboxTest {
    private static final AMQP.BasicProperties PERSISTENT =
            new AMQP.BasicProperties.Builder().deliveryMode(2).build();

    /**
     * Snapshots for one queue in one batch are published once, taken when the batch is built, and committed before
     * the rest of it: a shard's state saved by many requests at once is one message, stored before their replies.
     */
    @Test
    void snapshotsForOneQueueInOneBatchArePublishedOnceBeforeTheRest() throws Exception {
        ConnectionFactory f = Worker.connectionFactory(TestBroker.get().uri());
        String queue = "twt-test-outbox-" + UUID.randomUUID();
        try (Connection c = f.newConnection();
                Channel admin = c.createChannel()) {
            admin.queueDeclare(queue, false, false, false, null);
            try (Outbox outbox = new Outbox(c.createChannel(), "test", () -> {})) {
                AtomicInteger taken = new AtomicInteger();
                outbox.commit(List.of(
                                snapshot(queue, "first", taken),
                                new Outbox.Op.Publish("", queue, false, PERSISTENT, bytes("a reply")),
                                snapshot(queue, "second", taken)))
                        .get(30, TimeUnit.SECONDS);
                assertEquals(1, taken.get(), "snapshots taken");
                // the snapshot first: it is committed before the rest of its batch
                assertArrayEquals(bytes("second"), next(admin, queue));
                assertArrayEquals(bytes("a reply"), next(admin, queue));
                assertNull(admin.basicGet(queue, true));
            } finally {
                admin.queueDelete(queue);
            }
        }
    }

    private static Outbox.Op.Snapshot snapshot(String queue, String body, AtomicInteger taken) {
        return new Outbox.Op.Snapshot(queue, PERSISTENT, () -> {
            taken.incrementAndGet();
            return bytes(body);
        });
    }

    private static byte[] next(Channel ch, String queue) throws Exception {
        GetResponse r = ch.basicGet(queue, true);
        assertNotNull(r, "a message in " + queue);
        return r.getBody();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
