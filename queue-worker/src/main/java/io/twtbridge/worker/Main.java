package io.twtbridge.worker;

import io.helidon.config.Config;
import io.helidon.config.ConfigException;
import io.helidon.health.HealthCheckResponse;
import io.helidon.health.HealthCheckType;
import io.helidon.logging.common.LogConfig;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.observe.ObserveFeature;
import io.helidon.webserver.observe.health.HealthObserver;
import io.helidon.webserver.observe.metrics.MetricsObserver;
import io.twtbridge.twitter.XClientConfig;

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
