package io.twtbridge.localstack;

import io.helidon.config.Config;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.twtbridge.broker.EmbeddedBroker;
import io.twtbridge.gateway.Gateway;
import io.twtbridge.gateway.GatewayConfig;
import io.twtbridge.sandbox.TwitterSandbox;
import io.twtbridge.twitter.ConfigKeys;
import io.twtbridge.twitter.XClientConfig;
import io.twtbridge.worker.Worker;
import io.twtbridge.worker.WorkerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The whole system in one JVM: an embedded AMQP broker (unless {@code AMQP_URI} points at a RabbitMQ), the X sandbox
 * (unless {@code TWITTER_API_BASE_URL} points at X), the queue-worker, the auth-gateway and a demo page playing the
 * main server. {@link #close()} stops everything, in reverse order.
 */
public final class LocalStack implements AutoCloseable {
    private final List<AutoCloseable> parts = new ArrayList<>();
    private final Settings settings;
    private URI amqp;
    private URI demo;
    private URI gateway;
    private URI x;
    private boolean sandboxed;
    private boolean embeddedBroker;
    private Path uploads;

    /**
     * What to start: {@link #defaults()} with what differs, e.g. {@code defaults().withDemoPort(0)}. Ports 0 pick free
     * ones. Empty {@code amqpUri}: the embedded broker; empty {@code xBaseUri}: the sandbox.
     */
    public record Settings(
            int demoPort,
            int gatewayPort,
            int sandboxPort,
            int brokerPort,
            Optional<URI> amqpUri,
            Optional<URI> xBaseUri,
            Optional<String> consumerKey,
            Optional<String> consumerSecret) {

        /**
         * The demo on 8080, the embedded broker on 5673 (the local stack's own), the gateway and the sandbox on their
         * processes' ports (each one's application.yaml: 12345, 8081).
         */
        public static Settings defaults() {
            int gatewayPort = ConfigKeys.applicationYaml(GatewayConfig.class, Map.of())
                    .get("server.port")
                    .asInt()
                    .get();
            int sandboxPort = TwitterSandbox.Settings.packaged().port();
            return new Settings(
                    8080,
                    gatewayPort,
                    sandboxPort,
                    5673,
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty());
        }

        /** From the environment, over {@link #defaults()}: LOCAL_DEMO_PORT, LOCAL_GATEWAY_PORT, LOCAL_SANDBOX_PORT,
         * LOCAL_BROKER_PORT, AMQP_URI, TWITTER_API_BASE_URL, TWITTER_CONSUMER_KEY, TWITTER_CONSUMER_SECRET. */
        public static Settings fromEnvironment(Map<String, String> env) {
            Settings d = defaults();
            return d.withDemoPort(port(env, "LOCAL_DEMO_PORT", d.demoPort()))
                    .withGatewayPort(port(env, "LOCAL_GATEWAY_PORT", d.gatewayPort()))
                    .withSandboxPort(port(env, "LOCAL_SANDBOX_PORT", d.sandboxPort()))
                    .withBrokerPort(port(env, "LOCAL_BROKER_PORT", d.brokerPort()))
                    .withAmqpUri(nonBlank(env, "AMQP_URI").map(URI::create))
                    .withXBaseUri(nonBlank(env, "TWITTER_API_BASE_URL").map(URI::create))
                    .withConsumerKey(nonBlank(env, "TWITTER_CONSUMER_KEY"))
                    .withConsumerSecret(nonBlank(env, "TWITTER_CONSUMER_SECRET"));
        }

        public Settings withDemoPort(int demoPort) {
            return new Settings(
                    demoPort, gatewayPort, sandboxPort, brokerPort, amqpUri, xBaseUri, consumerKey, consumerSecret);
        }

        public Settings withGatewayPort(int gatewayPort) {
            return new Settings(
                    demoPort, gatewayPort, sandboxPort, brokerPort, amqpUri, xBaseUri, consumerKey, consumerSecret);
        }

        public Settings withSandboxPort(int sandboxPort) {
            return new Settings(
                    demoPort, gatewayPort, sandboxPort, brokerPort, amqpUri, xBaseUri, consumerKey, consumerSecret);
        }

        public Settings withBrokerPort(int brokerPort) {
            return new Settings(
                    demoPort, gatewayPort, sandboxPort, brokerPort, amqpUri, xBaseUri, consumerKey, consumerSecret);
        }

        /** A RabbitMQ to use instead of the embedded broker (empty: the embedded one). */
        public Settings withAmqpUri(Optional<URI> amqpUri) {
            return new Settings(
                    demoPort, gatewayPort, sandboxPort, brokerPort, amqpUri, xBaseUri, consumerKey, consumerSecret);
        }

        /** An X to use instead of the sandbox (empty: the sandbox); it needs the consumer key and secret. */
        public Settings withXBaseUri(Optional<URI> xBaseUri) {
            return new Settings(
                    demoPort, gatewayPort, sandboxPort, brokerPort, amqpUri, xBaseUri, consumerKey, consumerSecret);
        }

        public Settings withConsumerKey(Optional<String> consumerKey) {
            return new Settings(
                    demoPort, gatewayPort, sandboxPort, brokerPort, amqpUri, xBaseUri, consumerKey, consumerSecret);
        }

        public Settings withConsumerSecret(Optional<String> consumerSecret) {
            return new Settings(
                    demoPort, gatewayPort, sandboxPort, brokerPort, amqpUri, xBaseUri, consumerKey, consumerSecret);
        }

        private static int port(Map<String, String> env, String name, int fallback) {
            return nonBlank(env, name).map(Integer::parseInt).orElse(fallback);
        }

        private static Optional<String> nonBlank(Map<String, String> env, String name) {
            return Optional.ofNullable(env.get(name)).map(String::trim).filter(s -> !s.isEmpty());
        }
    }

    private LocalStack(Settings settings) {
        this.settings = settings;
    }

    /** Starts everything; on any failure, stops what had started and throws. */
    public static LocalStack start(Settings settings) {
        LocalStack stack = new LocalStack(settings);
        try {
            stack.startAll();
            return stack;
        } catch (RuntimeException | IOException e) {
            stack.close();
            throw e instanceof RuntimeException r ? r : new UncheckedIOException((IOException) e);
        }
    }

    @SuppressWarnings("checkstyle:RegexpSinglelineJava") // two classes named Main: the gateway's is written out
    private void startAll() throws IOException {
        uploads = Files.createTempDirectory("twt-local-uploads");
        String brokerProfile;
        if (settings.amqpUri().isPresent()) {
            amqp = settings.amqpUri().get();
            brokerProfile = "rabbitmq";
        } else {
            EmbeddedBroker broker = EmbeddedBroker.start(free(settings.brokerPort()));
            parts.add(broker);
            amqp = broker.amqpUri();
            brokerProfile = "plain";
            embeddedBroker = true;
        }

        // X for both processes, as their application.yaml's twitter node (timeouts and the rest from the files)
        Map<String, String> twitter = new HashMap<>();
        if (settings.xBaseUri().isPresent()) {
            x = settings.xBaseUri().get();
            twitter.put(
                    "twitter.consumer.key",
                    settings.consumerKey()
                            .orElseThrow(() -> new IllegalStateException(
                                    "TWITTER_CONSUMER_KEY is required with TWITTER_API_BASE_URL")));
            twitter.put(
                    "twitter.consumer.secret",
                    settings.consumerSecret()
                            .orElseThrow(() -> new IllegalStateException(
                                    "TWITTER_CONSUMER_SECRET is required with TWITTER_API_BASE_URL")));
        } else {
            TwitterSandbox sandbox =
                    TwitterSandbox.start(TwitterSandbox.Settings.defaults().withPort(free(settings.sandboxPort())));
            parts.add(sandbox);
            x = sandbox.baseUri();
            sandboxed = true;
            twitter.put("twitter.consumer.key", TwitterSandbox.DEFAULT_CONSUMER_KEY);
            twitter.put("twitter.consumer.secret", TwitterSandbox.DEFAULT_CONSUMER_SECRET);
        }
        twitter.put("twitter.api.base.url", x.toString());
        twitter.put("twitter.oauth.callback", "oob");

        Map<String, String> worker = new HashMap<>(twitter);
        worker.put("amqp.uri", amqp.toString());
        worker.put("worker.broker.profile", brokerProfile);
        worker.put("worker.prefetch", "100");
        worker.put("worker.shutdown-grace", "PT5S");
        worker.put("media.allowed.dir", uploads.toString());
        Config workerConfig = ConfigKeys.applicationYaml(WorkerConfig.class, worker);
        WorkerConfig queues = WorkerConfig.from(workerConfig);
        Worker w = new Worker(queues, XClientConfig.from(workerConfig.get("twitter")));
        parts.add(w);
        w.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!w.ready()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "the queue-worker did not connect to " + amqp.getHost() + ":" + amqp.getPort());
            }
            sleep(50);
        }

        int demoPort = free(settings.demoPort());
        int gatewayPort = free(settings.gatewayPort());
        String origins = String.join(
                ",",
                "http://localhost:" + demoPort,
                "http://127.0.0.1:" + demoPort,
                "http://localhost:" + gatewayPort,
                "http://127.0.0.1:" + gatewayPort);
        Map<String, String> gatewaySettings = new HashMap<>(twitter);
        // Every page of a local stack comes from one address: the per-address limits are the whole gateway's.
        gatewaySettings.putAll(Map.of(
                "gateway.allowed.origins",
                origins,
                "gateway.idle-timeout",
                "PT10M",
                "gateway.connections-per-address",
                "50",
                "gateway.x-calls-per-address-per-minute",
                ConfigKeys.applicationYaml(GatewayConfig.class, Map.of())
                        .get("gateway.x-calls-per-minute")
                        .asString()
                        .get()));
        Config gatewayConfig = ConfigKeys.applicationYaml(GatewayConfig.class, gatewaySettings);
        WebServerConfig.Builder gatewayServer = WebServer.builder()
                .config(gatewayConfig.get("server"))
                .host("127.0.0.1")
                .port(gatewayPort);
        Gateway g = io.twtbridge.gateway.Main.setup(gatewayServer, gatewayConfig);
        parts.add(g);
        WebServer gatewayWeb = gatewayServer.build().start();
        parts.add(gatewayWeb::stop);
        gateway = URI.create("ws://localhost:" + gatewayWeb.port() + "/");

        DemoServer demoServer = new DemoServer(
                amqp,
                queues.requestQueue(),
                queues.replyQueue(),
                uploads,
                gateway,
                sandboxed ? Optional.of(x) : Optional.empty());
        parts.add(demoServer);
        WebServer demoWeb = WebServer.builder()
                .host("127.0.0.1")
                .port(demoPort)
                .maxPayloadSize(DemoServer.MAX_BODY_BYTES)
                .routing(r -> r.register("/", demoServer))
                .build()
                .start();
        parts.add(demoWeb::stop);
        demo = URI.create("http://localhost:" + demoWeb.port() + "/");
    }

    /** The one short banner printed at start-up. */
    public String banner() {
        return String.join(
                System.lineSeparator(),
                "",
                "twt-bridge local stack is up",
                "  Demo (you are the main server):  " + demo,
                "  Login page of the auth-gateway:  " + URI.create("http://localhost:" + gateway.getPort() + "/"),
                "  X:                               " + x
                        + (sandboxed ? "  (sandbox; PIN page opens from the demo)" : "  (real X)"),
                "  Broker:                          " + amqp.getHost() + ":" + amqp.getPort()
                        + (embeddedBroker ? "  (embedded Qpid Broker-J, in memory)" : "  (RabbitMQ)"),
                "Ctrl-C stops everything.",
                "");
    }

    public URI demoUri() {
        return demo;
    }

    public URI gatewayUri() {
        return gateway;
    }

    public URI xUri() {
        return x;
    }

    /** Stops everything that started, newest first. */
    @Override
    public void close() {
        for (int i = parts.size() - 1; i >= 0; i--) {
            try {
                parts.get(i).close();
            } catch (Exception e) {
                System.err.println("local-stack: stopping a part failed: " + e.getMessage());
            }
        }
        parts.clear();
        if (uploads != null) {
            try (Stream<Path> files = Files.walk(uploads)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                System.err.println("local-stack: could not delete " + uploads);
            }
        }
    }

    private static int free(int port) throws IOException {
        if (port != 0) {
            return port;
        }
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting");
        }
    }
}
