package io.twtbridge.worker;

import com.rabbitmq.client.ConnectionFactory;
import io.helidon.config.Config;
import io.helidon.config.ConfigException;
import io.helidon.health.HealthCheckResponse;
import io.helidon.health.HealthCheckType;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.logging.common.LogConfig;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.observe.ObserveFeature;
import io.helidon.webserver.observe.health.HealthObserver;
import io.helidon.webserver.observe.metrics.MetricsObserver;
import io.twtbridge.protocol.JsonQueueFormat;
import io.twtbridge.protocol.LegacyQueueFormat;
import io.twtbridge.protocol.Outcome;
import io.twtbridge.protocol.QueueFormat;
import io.twtbridge.protocol.Request;
import io.twtbridge.protocol.Tokens;
import io.twtbridge.twitter.XClient;
import io.twtbridge.twitter.XClientConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Optional;

/**
 * Runs the queue-worker: {@code java -jar queue-worker/target/queue-worker.jar}. Its configuration is
 * {@code application.yaml} (every default, once) under environment variables; {@link #setup} is the one place that
 * reads it, for this process and for the tests.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        LogConfig.configureRuntime();
        Config config = Config.create();
        WebServerConfig.Builder server = WebServer.builder().config(config.get("server"));
        Worker worker;
        try {
            worker = setup(server, config); // e.g. an invalid SEALING_KEY_RING: one line, never the key
        } catch (IllegalStateException | ConfigException e) { // a missing setting, or a value of the wrong type
            System.err.println("queue-worker: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (List.of(args).contains(TRAINING_RUN)) {
            trainingRun(server.port(0), XClientConfig.from(config.get("twitter")));
            return;
        }
        // Connecting to the broker and starting the web server overlap: consuming begins as soon as it can.
        worker.start(message -> {
            System.err.println("queue-worker: " + message);
            System.exit(1);
        });
        WebServer web = server.build().start();
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            worker.close();
                            web.stop();
                        },
                        "twt-worker-shutdown"));
    }

    /**
     * Reads the {@code twitter}, {@code amqp}, {@code worker}, {@code media} and {@code sealing} nodes of
     * {@code config}, makes the worker and puts its health and metrics on {@code server}; the {@code server} node
     * (port, host) is the caller's to apply. Returns the worker, not started: {@link Worker#start()} connects to the
     * broker; close it when the server stops.
     *
     * @throws IllegalStateException in one line, naming the setting, when the configuration cannot work
     */
    public static Worker setup(WebServerConfig.Builder server, Config config) {
        XClientConfig x = XClientConfig.from(config.get("twitter"));
        Worker worker = new Worker(WorkerConfig.from(config), x);
        observe(server, worker);
        return worker;
    }

    /**
     * {@value #TRAINING_RUN}: loads what a worker loads to start (configuration, X client, web server, health and
     * metrics, one request to them) and runs what it runs for every post, {@value #TRAINING_POSTS} times (a legacy and
     * a JSON request decoded, their replies encoded, a post signed and sent to X's endpoint as served here), tries
     * the AMQP client once, and exits, without a broker. The image build runs it once to record the ahead-of-time
     * cache ({@code -XX:AOTCacheOutput}): each real start finds those classes loaded and linked, and the methods the
     * training compiled are compiled again as soon as they are first counted (JDK 25's training data), instead of
     * after the thresholds a start's long compile queue raises.
     */
    static final String TRAINING_RUN = "--training-run";

    /** Posts of the training run: enough that what runs once per post or less is compiled during it. */
    static final int TRAINING_POSTS = 10_000;

    private static void trainingRun(WebServerConfig.Builder server, XClientConfig x) {
        server.routing(r -> r.post("/2/tweets", (req, res) -> {
            req.content().consume();
            res.status(Status.CREATED_201)
                    .header(HeaderNames.CONTENT_TYPE, "application/json")
                    .send("{\"data\":{\"id\":\"1\",\"text\":\"training\"}}");
        }));
        WebServer web = server.build().start();
        URI local = URI.create("http://127.0.0.1:" + web.port());
        try {
            HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(local.resolve("/observe/health"))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding());
        } catch (IOException | InterruptedException e) {
            System.err.println("queue-worker: training run could not reach its own health endpoint");
        }
        try {
            XClient client = new XClient(XClientConfig.builder()
                    .baseUri(local)
                    .consumer(x.consumerKey(), x.consumerSecret())
                    .callback(x.callback())
                    .connectTimeout(x.connectTimeout())
                    .readTimeout(x.readTimeout())
                    .mediaProcessingMaxWait(x.mediaProcessingMaxWait())
                    .build());
            for (int i = 0; i < TRAINING_POSTS; i++) {
                Request.Post post = new Request.Post(
                        "training-" + i,
                        new Tokens("training", "training"),
                        "training post " + i,
                        List.of(),
                        Optional.empty());
                for (QueueFormat format : List.of(LegacyQueueFormat.INSTANCE, JsonQueueFormat.INSTANCE)) {
                    format.decode(format.encodeRequest(post));
                    format.encodeReply(post.id(), post.command(), Outcome.Posted.of("1", XClient.tweetUrl("1")));
                }
                client.post(post.user(), post.text(), List.of(), Optional.empty());
            }
            ConnectionFactory amqp =
                    Worker.connectionFactory(URI.create("amqp://training:training@127.0.0.1:" + web.port()));
            amqp.setConnectionTimeout(2_000);
            amqp.setHandshakeTimeout(2_000);
            amqp.newConnection("training").abort(); // refused: the web server speaks no AMQP
        } catch (Exception e) {
            // expected for the AMQP attempt; the cache holds whatever got loaded
        }
        web.stop();
        System.exit(0);
    }

    /**
     * Health and metrics for a worker: {@code /observe/health/ready} (connected to the broker),
     * {@code /observe/health/live} (consuming as it should, see {@link Worker#live()}), {@code /observe/metrics}.
     */
    static void observe(WebServerConfig.Builder server, Worker worker) {
        server.addFeature(ObserveFeature.builder()
                .addObserver(HealthObserver.builder()
                        .details(true)
                        .addCheck(
                                () -> HealthCheckResponse.builder()
                                        .status(worker.ready())
                                        .detail("in_flight", worker.inFlight())
                                        .detail("shards", worker.ownedShards().size())
                                        .detail("routing", worker.routing())
                                        .build(),
                                HealthCheckType.READINESS,
                                "rabbitmq")
                        .addCheck(
                                () -> HealthCheckResponse.builder()
                                        .status(worker.live())
                                        .build(),
                                HealthCheckType.LIVENESS,
                                "consuming")
                        .build())
                .addObserver(MetricsObserver.create())
                .build());
    }
}
