package io.twtbridge.sandbox;

import io.helidon.common.media.type.MediaTypes;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.HttpRouting;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The X sandbox: a Helidon SE server emulating the part of X that twt-bridge uses. Start one with
 * {@link #start(Settings)}, or put it on a server of your own with {@link #setup} (as {@link Main} and the sandbox's
 * {@code @ServerTest}s do); point a client at {@link #baseUri()}; set it up and inspect it per resource
 * ({@link #users()}, {@link #tokens()}, {@link #posts()}, {@link #media()}, {@link #limits(Limits)},
 * {@link #faults()}, {@link #counters()}) or through the {@code /sandbox} HTTP endpoints.
 */
public final class TwitterSandbox implements AutoCloseable {
    /** Consumer key registered by default: the sandbox's application.yaml's {@code twitter.consumer.key}. */
    public static final String DEFAULT_CONSUMER_KEY = Settings.defaults().consumerKey();
    /** Consumer secret registered by default: the sandbox's application.yaml's {@code twitter.consumer.secret}. */
    public static final String DEFAULT_CONSUMER_SECRET = Settings.defaults().consumerSecret();

    private final SandboxState state;
    private final Settings settings;
    /** The server {@link #start} started; {@code null} after {@link #setup}, whose server is the caller's. */
    private volatile WebServer server;

    private TwitterSandbox(SandboxState state, Settings settings) {
        this.state = state;
        this.settings = settings;
    }

    /** What the sandbox starts with. {@code port} 0 picks a free port. */
    public record Settings(int port, String host, String consumerKey, String consumerSecret, Limits limits) {
        /**
         * The sandbox's application.yaml as it is packed (no environment variables), on port 0 (a free one): what
         * tests, benchmarks and the local stack start.
         */
        public static Settings defaults() {
            return packaged().withPort(0);
        }

        /**
         * The sandbox's application.yaml as it is packed, without environment variables: what {@code java -jar
         * twitter-sandbox.jar} starts with when none is set (port 8081).
         */
        public static Settings packaged() {
            return from(applicationYaml());
        }

        /**
         * From config: {@code server.port}, {@code server.host}, {@code twitter.consumer.key/secret}, whose defaults
         * are in the sandbox's application.yaml only.
         */
        public static Settings from(Config config) {
            return new Settings(
                    config.get("server.port").asInt().get(),
                    config.get("server.host").asString().get(),
                    config.get("twitter.consumer.key").asString().get(),
                    config.get("twitter.consumer.secret").asString().get(),
                    Limits.defaults());
        }

        /** These settings on another port (0: a free one). */
        public Settings withPort(int port) {
            return new Settings(port, host, consumerKey, consumerSecret, limits);
        }

        /**
         * The application.yaml packed with the sandbox, found next to this class's file (the worker's and the
         * gateway's files may be on the same class path).
         */
        private static Config applicationYaml() {
            String classFile = TwitterSandbox.class.getName().replace('.', '/') + ".class";
            String self = String.valueOf(TwitterSandbox.class.getResource("/" + classFile));
            if (!self.endsWith(classFile)) {
                throw new IllegalStateException("cannot locate the class file of " + TwitterSandbox.class.getName());
            }
            URI yaml = URI.create(self.substring(0, self.length() - classFile.length()) + "application.yaml");
            try (InputStream in = yaml.toURL().openStream()) {
                return Config.just(ConfigSources.create(
                        new String(in.readAllBytes(), StandardCharsets.UTF_8), MediaTypes.APPLICATION_X_YAML));
            } catch (IOException e) {
                throw new UncheckedIOException("no application.yaml next to the sandbox's classes (" + yaml + ")", e);
            }
        }
    }

    /** Starts a sandbox on {@code settings}' host and port ({@link #setup} on a server of its own). */
    public static TwitterSandbox start(Settings settings) {
        WebServerConfig.Builder server =
                WebServer.builder().host(settings.host()).port(settings.port());
        TwitterSandbox sandbox = setup(server, settings);
        sandbox.server = server.build().start();
        return sandbox;
    }

    /**
     * Puts a sandbox with fresh state on {@code server}: its routing, with {@code settings}' registered app and limits.
     * The server (host, port, starting and stopping it) is the caller's, and {@code settings}' host and port are not
     * used; {@link #baseUri()} and {@link #port()} are known only for a sandbox from {@link #start}.
     */
    public static TwitterSandbox setup(WebServerConfig.Builder server, Settings settings) {
        SandboxState state = SandboxState.create(Clock.systemUTC(), settings.limits(), settings.consumerKey());
        state.tokens().registerConsumer(settings.consumerKey(), settings.consumerSecret());
        server.routing(routing -> routing(routing, state, settings));
        return new TwitterSandbox(state, settings);
    }

    private static void routing(HttpRouting.Builder routing, SandboxState state, Settings settings) {
        routing.addFilter((chain, req, res) -> {
            String path = req.path().rawPath();
            if (path.startsWith("/sandbox")) {
                chain.proceed();
                return;
            }
            state.counters().enter(req.socketId());
            try {
                Faults.Network f = state.faults().network();
                if (f.latencyMs() > 0) {
                    try {
                        Thread.sleep(f.latencyMs());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                if (f.dropRate() > 0 && ThreadLocalRandom.current().nextDouble() < f.dropRate()) {
                    state.counters().injectedErrors.incrementAndGet();
                    // Promise a body, send part of it, then fail: the server closes the connection mid-response.
                    res.header("Content-Length", "1000");
                    var out = res.outputStream();
                    try {
                        out.write("{\"partial\":".getBytes());
                        out.flush();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    throw new IllegalStateException("sandbox: injected connection drop");
                }
                if (f.errorRate() > 0 && ThreadLocalRandom.current().nextDouble() < f.errorRate()) {
                    state.counters().injectedErrors.incrementAndGet();
                    int status = f.errorStatus();
                    SandboxJson.send(
                            res,
                            Status.create(status),
                            SandboxJson.problem(
                                    status == 503 ? "Service Unavailable" : "Internal Error",
                                    status,
                                    "Injected by the sandbox",
                                    "about:blank"));
                    return;
                }
                chain.proceed();
            } finally {
                state.counters().exit();
            }
        });
        routing.register("/oauth", new OAuthEndpoints(state))
                .register("/2", new PostEndpoints(state), new MediaEndpoints(state))
                .register("/sandbox", new ControlEndpoints(state, settings.consumerKey(), settings.limits()));
    }

    /** Where clients send requests, e.g. {@code http://127.0.0.1:41234}. */
    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + port());
    }

    /** The port of the server {@link #start} started. */
    public int port() {
        WebServer s = server;
        if (s == null) {
            throw new IllegalStateException(
                    "this sandbox was put on a server of the caller's (setup): ask that server");
        }
        return s.port();
    }

    /** The users, to create one with an access token, approve a request token, suspend or make premium. */
    public Users users() {
        return state.users();
    }

    /** The OAuth tokens, to revoke an access token. */
    public OAuthTokens tokens() {
        return state.tokens();
    }

    /** The posts made so far, deleted or not. */
    public Posts posts() {
        return state.posts();
    }

    /** The media uploaded so far: type and processing state. */
    public Media media() {
        return state.media();
    }

    /** The faults to inject: latency, errors, dropped connections, refused posts or media, failing videos. */
    public Faults faults() {
        return state.faults();
    }

    /** The thresholds in force. */
    public Limits limits() {
        return state.limits();
    }

    /** New thresholds, e.g. {@code limits(Limits.defaults().withUserPostLimit(1))}; every rate-limit window starts afresh. */
    public void limits(Limits limits) {
        state.rateLimits().limits(limits);
    }

    /** What happened so far. */
    public Counters counters() {
        return state.counters();
    }

    /** Forgets users, tokens, posts, media, faults and counters, and goes back to the limits it started with. */
    public void reset() {
        state.reset(settings.limits());
    }

    /** Stops the server {@link #start} started; after {@link #setup}, stopping the server is the caller's. */
    @Override
    public void close() {
        WebServer s = server;
        if (s != null) {
            s.stop();
        }
    }
}
