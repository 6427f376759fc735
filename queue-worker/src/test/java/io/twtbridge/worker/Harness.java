package io.twtbridge.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.GetResponse;
import io.helidon.config.Config;
import io.twtbridge.protocol.JsonQueueFormat;
import io.twtbridge.protocol.Request;
import io.twtbridge.protocol.Tokens;
import io.twtbridge.sandbox.TwitterSandbox;
import io.twtbridge.sandbox.UserTokens;
import io.twtbridge.twitter.ConfigKeys;
import io.twtbridge.twitter.XClientConfig;
import jakarta.json.JsonObject;
import jakarta.json.spi.JsonProvider;
import java.io.File;
import java.io.IOException;
import java.io.StringReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Assumptions;

/**
 * A real RabbitMQ (127.0.0.1:5672, or AMQP_TEST_URI), a real sandbox over HTTP, and workers under test, on
 * queues of their own so tests cannot see each other's messages.
 */
final class Harness implements AutoCloseable {
    static final TestBroker BROKER = TestBroker.get();
    private static final JsonProvider JSON = JsonProvider.provider();
    static final URI AMQP = BROKER.uri();
    /** Shards of the test queues: few, so that tests set up fast, and more than one, so that routing is exercised. */
    static final int SHARDS = 4;

    final TwitterSandbox sandbox = TwitterSandbox.start(TwitterSandbox.Settings.defaults());
    final String requests;
    final String replies;
    final Connection connection;
    final Channel channel;
    private final List<Worker> workers = new ArrayList<>();
    private final BlockingQueue<Reply> replyQueue = new LinkedBlockingQueue<>();

    /** A JSON-format request's properties, as the main server sends them. */
    static final AMQP.BasicProperties JSON_REQUEST = new AMQP.BasicProperties.Builder()
            .contentType("application/json")
            .deliveryMode(2)
            .build();

    /** A reply as the client sees it. */
    record Reply(byte[] body, AMQP.BasicProperties props, String queue) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        /** A JSON-format reply, parsed. */
        JsonObject json() {
            return JSON.createReader(new StringReader(text())).readObject();
        }
    }

    Harness() throws Exception {
        this("twt-test-" + UUID.randomUUID(), "to_server-test-" + UUID.randomUUID());
    }

    Harness(String requests, String replies) throws Exception {
        this.requests = requests;
        this.replies = replies;
        ConnectionFactory f = Worker.connectionFactory(AMQP);
        f.setAutomaticRecoveryEnabled(true);
        f.setNetworkRecoveryInterval(500);
        connection = f.newConnection("twt-test-client");
        channel = connection.createChannel();
        channel.queueDeclare(replies, true, false, false, null);
        listen(replies);
    }

    /** Collects every message arriving on a queue into the reply stream. */
    void listen(String queue) throws IOException {
        channel.basicConsume(queue, true, new DefaultConsumer(channel) {
            @Override
            public void handleDelivery(String tag, Envelope env, AMQP.BasicProperties props, byte[] body) {
                replyQueue.add(new Reply(body, props, queue));
            }
        });
    }

    /**
     * The worker process's configuration for these queues and this sandbox: its application.yaml under the test
     * settings, then {@code overrides} (keys as in application.yaml), read as the process reads it.
     */
    Config processConfig(Map<String, String> overrides) {
        Map<String, String> m = new HashMap<>();
        m.put("amqp.uri", AMQP.toString());
        m.put("worker.queue.requests", requests);
        m.put("worker.queue.replies", replies);
        m.put("worker.broker.profile", BROKER.profile());
        m.put("worker.prefetch", "200");
        m.put("worker.retry.base-delay", "PT0.1S");
        m.put("worker.retry.max-delay", "PT1S");
        m.put("worker.rate-limit.deadline", "PT30S");
        m.put("worker.shards", String.valueOf(SHARDS));
        m.put("worker.rebalance-interval", "PT0.1S");
        m.put("worker.reply-to.prefix", "reply-test-");
        m.put("media.url.allow-private", "true");
        m.put("media.url.allow-http", "true");
        m.put("twitter.api.base.url", sandbox.baseUri().toString());
        m.put("twitter.consumer.key", TwitterSandbox.DEFAULT_CONSUMER_KEY);
        m.put("twitter.consumer.secret", TwitterSandbox.DEFAULT_CONSUMER_SECRET);
        m.put("twitter.connect-timeout", "PT2S");
        m.put("twitter.read-timeout", "PT5S");
        m.putAll(overrides);
        return ConfigKeys.applicationYaml(WorkerConfig.class, m);
    }

    /** The worker's configuration for these queues, read through the real config path, with overrides. */
    WorkerConfig config(Map<String, String> overrides) {
        return WorkerConfig.from(processConfig(overrides));
    }

    WorkerConfig config() {
        return config(Map.of());
    }

    /** Declares the request queue the way the worker will, so a test can put messages on it before any worker runs. */
    void declareRequestQueue() throws IOException {
        try (Channel ch = connection.createChannel()) {
            if (BROKER.isRabbitMq()) {
                ch.queueDeclare(
                        requests,
                        true,
                        false,
                        false,
                        Map.of(
                                "x-queue-type",
                                "quorum",
                                "x-delivery-limit",
                                50,
                                "x-dead-letter-exchange",
                                "",
                                "x-dead-letter-routing-key",
                                requests + ".dead",
                                "x-single-active-consumer",
                                true));
            } else {
                ch.queueDeclare(requests, true, false, false, null);
            }
        } catch (TimeoutException e) {
            throw new IOException(e);
        }
    }

    XClientConfig xConfig() {
        return XClientConfig.from(processConfig(Map.of()).get("twitter"));
    }

    Worker startWorker(WorkerConfig config) {
        return startWorker(new Worker(config, xConfig()));
    }

    /** Starts {@code w}, closed with this harness, and waits until it is ready. */
    Worker startWorker(Worker w) {
        workers.add(w);
        w.start();
        await("worker ready", Duration.ofSeconds(20), w::ready);
        return w;
    }

    Worker startWorker() {
        return startWorker(config());
    }

    Tokens user(String name) {
        UserTokens u = sandbox.users().create(name);
        return new Tokens(u.accessToken(), u.accessTokenSecret());
    }

    /**
     * Sends {@code request} in the JSON format and returns its reply, parsed, within {@code timeout}; the reply must
     * carry the request's id.
     */
    JsonObject requestJson(Request request, Duration timeout) throws Exception {
        send(JsonQueueFormat.INSTANCE.encodeRequest(request), JSON_REQUEST);
        JsonObject reply = nextReply(timeout).json();
        assertEquals(request.id(), reply.getString("id"), reply::toString);
        return reply;
    }

    void send(byte[] body) throws IOException {
        send(body, new AMQP.BasicProperties.Builder().deliveryMode(2).build());
    }

    void send(byte[] body, AMQP.BasicProperties props) throws IOException {
        channel.basicPublish("", requests, props, body);
    }

    static byte[] legacy(String... fields) {
        return String.join("\u00FF", fields).getBytes(StandardCharsets.UTF_8);
    }

    Reply nextReply(Duration timeout) throws InterruptedException {
        Reply r = replyQueue.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        assertNotNull(r, "no reply within " + timeout);
        return r;
    }

    /** No further reply arrives within the window (used after all expected replies were read). */
    void assertNoMoreReplies(Duration window) throws InterruptedException {
        Reply r = replyQueue.poll(window.toMillis(), TimeUnit.MILLISECONDS);
        assertTrue(r == null, () -> "unexpected extra reply: " + r.text());
    }

    /**
     * For tests of RabbitMQ-only features (quorum queues, delivery limits, rabbitmqctl): skipped, saying why, when
     * the tests run against the embedded broker; failed instead when CI=true, where nothing may be skipped.
     */
    static void requireRabbitMq(String feature) {
        if (BROKER.isRabbitMq()) {
            return;
        }
        String why = "needs RabbitMQ (" + feature + "), but the tests are running against the embedded broker";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(why);
        }
        System.err.println("[twt tests] SKIPPED: " + why);
        Assumptions.assumeTrue(false, why);
    }

    /**
     * A worker process ({@link Main} on this class path) configured only by environment variables, as in a container:
     * none of the test JVM's own {@code TWITTER_*}, {@code AMQP*}, {@code WORKER_*} or {@code LOG_FORMAT}, then
     * {@code env}. Its output goes to its input stream unless redirected.
     */
    static ProcessBuilder workerProcess(Map<String, String> env) {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        ProcessBuilder pb =
                new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Main.class.getName());
        pb.environment()
                .keySet()
                .removeIf(k -> k.startsWith("TWITTER_")
                        || k.startsWith("AMQP")
                        || k.startsWith("WORKER_")
                        || k.equals("LOG_FORMAT"));
        pb.environment().putAll(env);
        return pb.redirectErrorStream(true);
    }

    /**
     * The environment that points a worker process at this harness's broker, queues (and as many shards, so that
     * {@link #close()} deletes them all) and sandbox, serving on {@code port}.
     */
    Map<String, String> processEnvironment(int port) {
        return Map.of(
                "WORKER_SHARDS",
                String.valueOf(SHARDS),
                "SERVER_PORT",
                String.valueOf(port),
                "AMQP_URI",
                AMQP.toString(),
                "TWITTER_CONSUMER_KEY",
                TwitterSandbox.DEFAULT_CONSUMER_KEY,
                "TWITTER_CONSUMER_SECRET",
                TwitterSandbox.DEFAULT_CONSUMER_SECRET,
                "TWITTER_API_BASE_URL",
                sandbox.baseUri().toString(),
                "WORKER_BROKER_PROFILE",
                BROKER.profile(),
                "WORKER_QUEUE_REQUESTS",
                requests,
                "WORKER_QUEUE_REPLIES",
                replies);
    }

    /** A port nobody listens on now. */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Waits until the worker process serving on {@code port} says it is ready. */
    static void awaitReady(int port) {
        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2))
                .build();
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/observe/health/ready"))
                .timeout(Duration.ofSeconds(5))
                .build();
        await("worker process ready", Duration.ofSeconds(30), () -> {
            try {
                return http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            } catch (IOException | InterruptedException e) {
                return false;
            }
        });
    }

    /** Waits for a condition, checking every 20 ms. */
    static void await(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted waiting for " + what);
            }
        }
    }

    GetResponse getFrom(String queue, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            GetResponse r = channel.basicGet(queue, true);
            if (r != null) {
                return r;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        fail("nothing arrived on " + queue + " within " + timeout);
        return null;
    }

    @Override
    public void close() throws Exception {
        for (Worker w : workers) {
            w.close();
        }
        WorkerConfig c = config();
        List<String> queues = new ArrayList<>(List.of(requests, replies, c.deadLetterQueue(), c.rosterQueue()));
        for (int k = 0; k < c.shards(); k++) {
            queues.add(c.shardQueue(k));
            queues.add(c.shardStateQueue(k));
        }
        deleteQuietly(queues);
        connection.close();
        sandbox.close();
    }

    /** Deletes queues that may or may not exist (a broker other than RabbitMQ closes the channel for a missing one). */
    void deleteQuietly(List<String> queues) {
        for (String q : queues) {
            try (Channel ch = connection.createChannel()) {
                ch.queueDelete(q);
            } catch (IOException | TimeoutException | RuntimeException e) {
                // not there
            }
        }
    }

    static Map<String, Object> headers(AMQP.BasicProperties p) {
        return p.getHeaders() == null ? Map.of() : p.getHeaders();
    }
}
