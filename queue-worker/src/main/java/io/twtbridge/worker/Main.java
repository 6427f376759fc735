package io.twtbridge.worker;

import io.helidon.config.Config;
import io.helidon.health.HealthCheckResponse;
import io.helidon.health.HealthCheckType;
import io.helidon.logging.common.LogConfig;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.observe.ObserveFeature;
import io.helidon.webserver.observe.health.HealthObserver;
import io.helidon.webserver.observe.metrics.MetricsObserver;
import io.twtbridge.twitter.XClientConfig;

/** Runs the queue-worker: {@code java -jar queue-worker/target/queue-worker.jar}. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        LogConfig.configureRuntime();
        Config config = Config.create();
        XClientConfig x;
        try {
            x = XClientConfig.from(config.get("twitter"));
        } catch (IllegalStateException e) {
            System.err.println("queue-worker: " + e.getMessage());
            System.exit(2);
            return;
        }
        Worker worker = new Worker(WorkerConfig.from(config), x);
        // Connecting to the broker and starting the web server overlap: consuming begins as soon as it can.
        worker.start(message -> {
            System.err.println("queue-worker: " + message);
            System.exit(1);
        });
        WebServerConfig.Builder server = WebServer.builder().config(config.get("server"));
        setup(server, worker);
        WebServer web = server.build().start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            worker.close();
            web.stop();
        }, "twt-worker-shutdown"));
    }

    /**
     * Health and metrics for a worker: {@code /observe/health/ready} (connected to the broker),
     * {@code /observe/health/live} (consuming as it should, see {@link Worker#live()}), {@code /observe/metrics}.
     */
    public static void setup(WebServerConfig.Builder server, Worker worker) {
        server.addFeature(ObserveFeature.builder()
                .addObserver(HealthObserver.builder()
                        .details(true)
                        .addCheck(() -> HealthCheckResponse.builder()
                                .status(worker.ready())
                                .detail("in_flight", worker.inFlight())
                                .detail("shards", worker.ownedShards().size())
                                .detail("routing", worker.routing())
                                .build(), HealthCheckType.READINESS, "rabbitmq")
                        .addCheck(() -> HealthCheckResponse.builder()
                                .status(worker.live())
                                .build(), HealthCheckType.LIVENESS, "consuming")
                        .build())
                .addObserver(MetricsObserver.create())
                .build());
    }
}
