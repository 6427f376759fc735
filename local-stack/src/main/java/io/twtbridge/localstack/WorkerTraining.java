package io.twtbridge.localstack;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import io.twtbridge.broker.EmbeddedBroker;
import io.twtbridge.protocol.JsonQueueFormat;
import io.twtbridge.protocol.LegacyQueueFormat;
import io.twtbridge.protocol.QueueFormat;
import io.twtbridge.protocol.Request;
import io.twtbridge.protocol.Tokens;
import io.twtbridge.sandbox.TwitterSandbox;
import io.twtbridge.sandbox.UserTokens;
import io.twtbridge.worker.Worker;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * What a queue-worker records its ahead-of-time cache on ({@code queue-worker/aot-training.sh}, run by the image build
 * and by {@code benchmarks/run}): the worker runs as it will run, in its {@code rabbitmq} profile, its JVM writing the
 * cache when it stops, against the X sandbox and an embedded broker that takes RabbitMQ's queue arguments without their
 * meaning ({@link EmbeddedBroker#ignoringRabbitMqArguments}), both started here. Once the worker is ready, this
 * publishes posts of the sandbox's users to {@code twt} (a quarter in the JSON format) and waits until each is
 * answered, so that the worker has run its whole path, from the delivery to the committed reply with its shard's
 * state, thousands of times: JDK 25 keeps which methods that compiled, and a start compiles them after their first
 * 128 calls.
 */
final class WorkerTraining {
    /** Posts published: enough that what runs once per post or less is compiled. */
    static final int POSTS = 5_000;

    private static final int USERS = 1_000;
    private static final Duration READY_WITHIN = Duration.ofSeconds(60);
    private static final Duration ANSWERED_WITHIN = Duration.ofSeconds(120);

    private WorkerTraining() {}

    /**
     * Trains the worker whose web server is {@code worker}; the broker and the sandbox on these ports. Returns the
     * posts answered once and as posted (all of them, or fewer when the worker failed some, answered one twice or
     * stopped answering). {@code answered} is told the result before the broker stops, which waits until the worker
     * is gone (its last moments are its stop, not a lost connection).
     */
    static int run(int brokerPort, int sandboxPort, URI worker, int posts, IntConsumer answered)
            throws IOException, InterruptedException, TimeoutException {
        try (EmbeddedBroker broker = EmbeddedBroker.ignoringRabbitMqArguments(brokerPort);
                TwitterSandbox sandbox =
                        TwitterSandbox.start(TwitterSandbox.Settings.defaults().withPort(sandboxPort))) {
            List<Tokens> users = new ArrayList<>();
            for (int i = 0; i < USERS; i++) {
                UserTokens u = sandbox.users().create("training" + i);
                users.add(new Tokens(u.accessToken(), u.accessTokenSecret()));
            }
            awaitReady(worker);
            int posted;
            try (Connection connection =
                    Worker.connectionFactory(broker.amqpUri()).newConnection("twt-worker-training")) {
                awaitQueue(connection, "twt");
                posted = publishAndCount(connection, users, posts);
            }
            answered.accept(posted);
            awaitGone(worker);
            return posted;
        }
    }

    /** Waits (at most {@code READY_WITHIN}) until the worker's web server no longer answers: it has stopped. */
    private static void awaitGone(URI worker) throws InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest live = HttpRequest.newBuilder(worker.resolve("/observe/health/live"))
                .timeout(Duration.ofSeconds(5))
                .build();
        long deadline = System.nanoTime() + READY_WITHIN.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                http.send(live, HttpResponse.BodyHandlers.discarding());
            } catch (IOException gone) {
                return;
            }
            Thread.sleep(100);
        }
    }

    /** Asks the worker's readiness (connected to the broker) until it answers 200. */
    private static void awaitReady(URI worker) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest ready = HttpRequest.newBuilder(worker.resolve("/observe/health/ready"))
                .timeout(Duration.ofSeconds(5))
                .build();
        long deadline = System.nanoTime() + READY_WITHIN.toNanos();
        while (true) {
            try {
                if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // the worker's web server is not up yet
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("the worker at " + worker + " was not ready within " + READY_WITHIN);
            }
            Thread.sleep(100);
        }
    }

    /** Waits until the worker has declared {@code queue} (ready means connected, not yet declared). */
    private static void awaitQueue(Connection connection, String queue) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + READY_WITHIN.toNanos();
        while (true) {
            try (Channel ch = connection.createChannel()) {
                ch.queueDeclarePassive(queue);
                return;
            } catch (IOException | TimeoutException notYet) {
                // 404: not declared yet (the broker closed that channel)
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("the worker did not declare " + queue + " within " + READY_WITHIN);
            }
            Thread.sleep(100);
        }
    }

    private static int publishAndCount(Connection connection, List<Tokens> users, int posts)
            throws IOException, InterruptedException, TimeoutException {
        Channel replies = connection.createChannel();
        replies.queueDeclare("to_server", true, false, false, null); // as the worker and the main server declare it
        CountDownLatch answered = new CountDownLatch(posts);
        Set<String> ids = ConcurrentHashMap.newKeySet();
        AtomicInteger posted = new AtomicInteger();
        AtomicInteger twice = new AtomicInteger();
        replies.basicConsume("to_server", true, new DefaultConsumer(replies) {
            @Override
            public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties props, byte[] body) {
                try {
                    if (!ids.add(replyId(body))) {
                        twice.incrementAndGet(); // a request answered twice: the training fails
                        return;
                    }
                    if (isPosted(body)) {
                        posted.incrementAndGet();
                    }
                } catch (RuntimeException unreadable) {
                    // a reply neither format reads: counted as answered, not as posted (the training fails)
                }
                answered.countDown();
            }
        });
        Channel requests = connection.createChannel();
        requests.confirmSelect();
        for (int i = 0; i < posts; i++) {
            QueueFormat format = i % 4 == 0 ? JsonQueueFormat.INSTANCE : LegacyQueueFormat.INSTANCE;
            Request.Post post = new Request.Post(
                    "training-" + i, users.get(i % users.size()), "training post " + i, List.of(), Optional.empty());
            requests.basicPublish(
                    "",
                    "twt",
                    new AMQP.BasicProperties.Builder()
                            .contentType(format.contentType())
                            .build(),
                    format.encodeRequest(post));
        }
        requests.waitForConfirmsOrDie(ANSWERED_WITHIN.toMillis());
        if (!answered.await(ANSWERED_WITHIN.toMillis(), TimeUnit.MILLISECONDS)) {
            System.err.println(
                    "local-stack: " + answered.getCount() + " training posts unanswered after " + ANSWERED_WITHIN);
        }
        if (twice.get() > 0) {
            System.err.println("local-stack: " + twice.get() + " training posts answered twice");
            return 0;
        }
        return posted.get();
    }

    /** A reply's request id: the legacy format's first field, the JSON format's first member. */
    private static String replyId(byte[] reply) {
        String text = new String(reply, StandardCharsets.UTF_8);
        if (text.startsWith("{\"id\":\"")) {
            int end = text.indexOf('"', 7);
            return end < 0 ? text : text.substring(7, end);
        }
        List<String> fields = LegacyQueueFormat.replyFields(reply);
        return fields.isEmpty() ? "" : fields.getFirst();
    }

    /** A reply saying "posted", in either format ({@code RPC_FORMAT.md}). */
    private static boolean isPosted(byte[] reply) {
        String text = new String(reply, StandardCharsets.UTF_8);
        if (text.startsWith("{")) {
            return text.contains(",\"status\":\"posted\"");
        }
        List<String> fields = LegacyQueueFormat.replyFields(reply);
        return fields.size() > 3 && LegacyQueueFormat.OK.equals(fields.get(3));
    }
}
