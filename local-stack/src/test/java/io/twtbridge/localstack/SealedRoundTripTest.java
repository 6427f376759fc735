package io.twtbridge.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import io.helidon.config.Config;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpServer;
import io.twtbridge.broker.EmbeddedBroker;
import io.twtbridge.gateway.Gateway;
import io.twtbridge.gateway.GatewayConfig;
import io.twtbridge.gateway.Main;
import io.twtbridge.sandbox.TwitterSandbox;
import io.twtbridge.sealing.SealKeys;
import io.twtbridge.twitter.ConfigKeys;
import io.twtbridge.twitter.XClientConfig;
import io.twtbridge.worker.Worker;
import io.twtbridge.worker.WorkerConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The sealed-token round trip through real parts: a login on the gateway (sealed tokens on) answers a sealed token;
 * a main-server stand-in stores it and publishes a JSON post with it; the worker opens it and posts on X (the
 * sandbox). The same request with one changed character is answered invalid_token and X sees nothing.
 */
@ServerTest
class SealedRoundTripTest {
    private static final String RING = SealKeys.generate("k1");
    private static TwitterSandbox sandbox;
    private static EmbeddedBroker broker;
    private static WorkerConfig queues;
    private static Worker worker;
    private static Gateway gateway;
    private final URI base;

    SealedRoundTripTest(URI base) {
        this.base = base;
    }

    /** One WebSocket request and its answer (java.net.http). */
    private static String call(URI ws, String frame) throws Exception {
        CompletableFuture<String> answer = new CompletableFuture<>();
        WebSocket socket = HttpClient.newHttpClient()
                .newWebSocketBuilder()
                .buildAsync(ws, new WebSocket.Listener() {
                    private final StringBuilder text = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                        text.append(data);
                        if (last) {
                            answer.complete(text.toString());
                        }
                        w.request(1);
                        return null;
                    }
                })
                .get(10, TimeUnit.SECONDS);
        socket.sendText(frame, true);
        try {
            return answer.get(15, TimeUnit.SECONDS);
        } finally {
            socket.sendClose(1000, "");
        }
    }

    /**
     * The gateway as its process sets it up ({@link Main#setup}, on Helidon's test server), sealed tokens on; beside
     * it the sandbox, an embedded broker and a worker holding the same sealing keys.
     */
    @SetUpServer
    static void server(WebServerConfig.Builder server) throws Exception {
        sandbox = TwitterSandbox.start(TwitterSandbox.Settings.defaults());
        broker = EmbeddedBroker.start(0);
        Map<String, String> twitter = Map.of(
                "twitter.api.base.url",
                sandbox.baseUri().toString(),
                "twitter.consumer.key",
                TwitterSandbox.DEFAULT_CONSUMER_KEY,
                "twitter.consumer.secret",
                TwitterSandbox.DEFAULT_CONSUMER_SECRET,
                "sealing.key-ring",
                RING);
        Map<String, String> workerSettings = new HashMap<>(twitter);
        workerSettings.putAll(Map.of(
                "amqp.uri", broker.amqpUri().toString(), "worker.broker.profile", "plain", "worker.shards", "4"));
        Config workerConfig = ConfigKeys.applicationYaml(WorkerConfig.class, workerSettings);
        queues = WorkerConfig.from(workerConfig);
        worker = new Worker(queues, XClientConfig.from(workerConfig.get("twitter")));
        Map<String, String> gatewaySettings = new HashMap<>(twitter);
        gatewaySettings.putAll(Map.of("gateway.allow-missing-origin", "true", "gateway.sealed-tokens", "json"));
        gateway = Main.setup(server, ConfigKeys.applicationYaml(GatewayConfig.class, gatewaySettings));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        worker.close();
        broker.close();
        sandbox.close();
    }

    @Test
    void gatewayToMainServerToWorkerToX() throws Exception {
        ConnectionFactory f = new ConnectionFactory();
        f.setUri(broker.amqpUri());
        try (Connection c = f.newConnection("main-server-stand-in")) {
            worker.start();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!worker.ready()) {
                assertTrue(System.nanoTime() < deadline, "worker ready");
                Thread.sleep(50);
            }
            URI ws = URI.create("ws://" + base.getAuthority() + "/");
            // The page's login, through the gateway.
            Matcher rt = Pattern.compile("\"request_token\":\"([^\"]+)\",\"request_token_secret\":\"([^\"]+)\"")
                    .matcher(call(ws, "{\"id\":\"1\",\"command\":\"auth\"}"));
            assertTrue(rt.find());
            String pin = sandbox.users().authorize(rt.group(1), "round_trip").orElseThrow();
            String verified = call(
                    ws,
                    "{\"id\":\"2\",\"command\":\"verify_pin\",\"pin\":\"" + pin + "\",\"request_token\":\""
                            + rt.group(1) + "\",\"request_token_secret\":\"" + rt.group(2) + "\"}");
            Matcher st = Pattern.compile("\"sealed_token\":\"([^\"]+)\"").matcher(verified);
            assertTrue(st.find(), verified);
            assertTrue(!verified.contains("access_token"), verified);
            String sealed = st.group(1);

            // The main server: stores the sealed token, later publishes a post with it and reads to_server.
            Channel ch = c.createChannel();
            BlockingQueue<String> replies = new LinkedBlockingQueue<>();
            ch.queueDeclare(queues.replyQueue(), true, false, false, null);
            ch.basicConsume(queues.replyQueue(), true, new DefaultConsumer(ch) {
                @Override
                public void handleDelivery(String tag, Envelope env, AMQP.BasicProperties p, byte[] body) {
                    replies.add(new String(body, StandardCharsets.UTF_8));
                }
            });
            AMQP.BasicProperties json = new AMQP.BasicProperties.Builder()
                    .contentType("application/json")
                    .deliveryMode(2)
                    .build();
            ch.basicPublish(
                    "",
                    queues.requestQueue(),
                    json,
                    ("{\"id\":\"p-1\",\"command\":\"upload_post\",\"sealed_token\":\"" + sealed
                                    + "\",\"text\":\"sealed all the way\"}")
                            .getBytes(StandardCharsets.UTF_8));
            String posted = replies.poll(30, TimeUnit.SECONDS);
            assertNotNull(posted, "a reply");
            assertTrue(posted.contains("\"status\":\"posted\""), posted);
            assertEquals("round_trip", sandbox.posts().all().getFirst().authorScreenName());

            long requests = sandbox.counters().requests();
            int i = sealed.length() / 2;
            String tampered = sealed.substring(0, i) + (sealed.charAt(i) == 'A' ? 'B' : 'A') + sealed.substring(i + 1);
            ch.basicPublish(
                    "",
                    queues.requestQueue(),
                    json,
                    ("{\"id\":\"p-2\",\"command\":\"upload_post\",\"sealed_token\":\"" + tampered
                                    + "\",\"text\":\"must not post\"}")
                            .getBytes(StandardCharsets.UTF_8));
            String refused = replies.poll(30, TimeUnit.SECONDS);
            assertNotNull(refused, "a reply");
            assertTrue(refused.contains("\"code\":\"invalid_token\""), refused);
            assertEquals(requests, sandbox.counters().requests(), "X saw nothing");
            assertEquals(1, sandbox.posts().all().size());
        }
    }
}
