package io.twtbridge.worker;

import static io.twtbridge.worker.Harness.legacy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twtbridge.protocol.Tokens;
import io.twtbridge.sandbox.Post;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Stopping a worker mid-load and dropping its broker connection lose nothing and post nothing twice. */
class ResilienceTest {
    private Harness h;

    @BeforeEach
    void start() throws Exception {
        h = new Harness();
    }

    @AfterEach
    void stop() throws Exception {
        h.close();
    }

    private List<Tokens> users(int n) {
        List<Tokens> users = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            users.add(h.user("load" + i));
        }
        return users;
    }

    private void sendLoad(List<Tokens> users, int total) throws IOException {
        for (int i = 0; i < total; i++) {
            Tokens u = users.get(i % users.size());
            h.send(legacy("m" + i, "upload_post", u.token(), u.secret(), "load post " + i, ""));
        }
    }

    @Test
    void aWorkerStoppedMidLoadLosesNothingAndPostsNothingTwice() throws Exception {
        h.sandbox.faults().latency(Duration.ofMillis(20));
        int total = 300;
        Worker first = h.startWorker();
        sendLoad(users(30), total);
        Set<String> answered = new HashSet<>();
        while (answered.size() < 60) {
            answered.add(h.nextReply(Duration.ofSeconds(30)).text());
        }
        first.close(); // graceful: stops consuming, finishes what is in flight, then closes
        h.startWorker();
        while (answered.size() < total) {
            String reply = h.nextReply(Duration.ofSeconds(30)).text();
            assertTrue(answered.add(reply), "second reply: " + reply);
            assertTrue(reply.endsWith("ÿtwtÿupload_postÿ0"), reply);
        }
        h.assertNoMoreReplies(Duration.ofMillis(500));
        assertEquals(total, h.sandbox.posts().all().size());
        assertEquals(
                total,
                h.sandbox.posts().all().stream().map(Post::text).distinct().count());
    }

    @Test
    @Tag("rabbitmq-only")
    void aDroppedBrokerConnectionRecoversWithoutLossOrDoublePosts() throws Exception {
        Harness.requireRabbitMq("closing a connection from the broker side with rabbitmqctl");
        h.sandbox.faults().latency(Duration.ofMillis(20));
        Worker worker = h.startWorker();
        int total = 150;
        sendLoad(users(15), total);
        Map<String, String> replies = new HashMap<>();
        while (replies.size() < 20) {
            record(replies, h.nextReply(Duration.ofSeconds(30)).text());
        }
        int closed = closeWorkerConnections();
        assertTrue(closed >= 1, "no worker connection found to close");
        Harness.await("worker connection recovered", Duration.ofSeconds(30), worker::ready);
        while (replies.size() < total) {
            record(replies, h.nextReply(Duration.ofSeconds(30)).text());
        }
        assertEquals(
                total,
                h.sandbox.posts().all().stream().map(Post::text).distinct().count());
        assertEquals(total, h.sandbox.posts().all().size(), "a post went out twice");
    }

    /** Every reply is a success; a reply repeated after the drop (published, confirm lost) must be identical. */
    private static void record(Map<String, String> replies, String reply) {
        String id = reply.split("ÿ", 2)[0];
        assertTrue(reply.endsWith("ÿtwtÿupload_postÿ0"), reply);
        String earlier = replies.putIfAbsent(id, reply);
        assertTrue(earlier == null || earlier.equals(reply), "different replies for " + id);
    }

    /**
     * Closes the worker's connections from the broker side, as a network failure or a broker restart would. Only
     * this JVM's connections (matched by their local ports, from {@code ss -tnp}): the broker is shared, and other
     * tests' workers also name their connections "twt-queue-worker".
     */
    private static int closeWorkerConnections() throws Exception {
        String sockets = Processes.succeed("ss", "-tnpH");
        Set<String> ourPorts = new HashSet<>();
        for (String line : sockets.split("\n")) {
            String[] cols = line.trim().split("\\s+");
            if (line.contains("pid=" + ProcessHandle.current().pid() + ",")
                    && cols.length >= 5
                    && cols[4].endsWith(":" + (Harness.AMQP.getPort() < 0 ? 5672 : Harness.AMQP.getPort()))) {
                ourPorts.add(cols[3].substring(cols[3].lastIndexOf(':') + 1));
            }
        }
        String out = Processes.rabbitmqctl("-q", "list_connections", "pid", "peer_port", "client_properties");
        int closed = 0;
        for (String line : out.split("\n")) {
            String[] cols = line.split("\t");
            if (line.contains("twt-queue-worker") && cols.length >= 2 && ourPorts.contains(cols[1].trim())) {
                Processes.rabbitmqctl("-q", "close_connection", cols[0].trim(), "test: connection dropped");
                closed++;
            }
        }
        return closed;
    }
}
