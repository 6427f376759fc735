package io.twtbridge.gateway;

import io.helidon.health.HealthCheckResponse;
import io.helidon.health.HealthCheckType;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.observe.ObserveFeature;
import io.helidon.webserver.observe.health.HealthObserver;
import io.helidon.webserver.observe.metrics.MetricsObserver;
import io.helidon.webserver.websocket.WsConfig;
import io.helidon.webserver.websocket.WsRouting;
import io.twtbridge.sealing.SealedTokens;
import io.twtbridge.sealing.Sealer;
import io.twtbridge.twitter.XClient;
import io.twtbridge.twitter.XClientConfig;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The gateway's parts, wired onto a web server by {@link #setup(WebServerConfig.Builder)}. */
public final class Gateway implements AutoCloseable {
    private final GatewayConfig config;
    private final GatewayMetrics metrics = new GatewayMetrics();
    private final LoginService login;
    private final Connections connections;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private volatile boolean stopping;

    private final Optional<CallbackLogin> callback;
    private final TokenSealing tokenSealing;

    /** The PIN login only, whatever {@code x}'s callback says. */
    public Gateway(GatewayConfig config, XClientConfig x) {
        this(config, x, Optional.empty());
    }

    /**
     * With {@code sealing} present and {@code x}'s callback an http(s) URL, the gateway also runs the callback login
     * ({@link CallbackLogin}); the WebSocket's {@code auth} always asks X for a PIN ({@code oob}), as the pages expect.
     */
    public Gateway(GatewayConfig config, XClientConfig x, Optional<Sealer> sealing) {
        this.config = config;
        this.tokenSealing = new TokenSealing(config.sealedTokens(), sealing.map(SealedTokens::new));
        XBudget budget = new XBudget(config.xCallsPerMinute(), config.xCallsPerMinutePerAddress());
        XClientConfig pin = x.withCallback("oob");
        this.login = new LoginService(new XClient(pin, metrics::xCall), budget, metrics);
        this.callback = sealing.filter(s -> CallbackSettings.isUrl(x.callback()))
                .map(s -> new CallbackLogin(
                        new CallbackSettings(
                                URI.create(x.callback()), s, config.callbackPendingTtl(), config.callbackMaxPending()),
                        new XClient(x, metrics::xCall),
                        budget,
                        metrics,
                        config,
                        tokenSealing,
                        Clock.systemUTC()));
        this.connections = new Connections(config);
        connections.every(Duration.ofMinutes(1), budget::forgetFullBuckets);
        metrics.openConnections(connections::open);
    }

    /**
     * The WebSocket endpoint at {@code /} (origins and frame size through Helidon's own WebSocket settings), the
     * sample page at {@code GET /}, the callback login's {@code /login}, callback path and {@code /login/result}
     * when it is on, and {@code /observe/health} and {@code /observe/metrics}.
     */
    public void setup(WebServerConfig.Builder server) {
        server.addProtocol(WsConfig.builder()
                        .name("websocket")
                        .origins(config.allowedOrigins())
                        .maxFrameLength(config.maxMessageBytes())
                        .build())
                .addRouting(WsRouting.builder()
                        .endpoint(
                                "/", () -> new AuthSocket(config, login, metrics, connections, executor, tokenSealing)))
                .routing(routing -> {
                    routing.register("/", new PageService(callback.isPresent()));
                    callback.ifPresent(c -> routing.register("/", c));
                })
                .addFeature(ObserveFeature.builder()
                        .addObserver(HealthObserver.builder()
                                .details(true)
                                .addCheck(
                                        () -> HealthCheckResponse.builder()
                                                .status(!stopping)
                                                .detail("open_connections", connections.open())
                                                .build(),
                                        HealthCheckType.READINESS,
                                        "gateway")
                                .build())
                        .addObserver(MetricsObserver.create())
                        .build());
    }

    /** Open WebSocket connections now. */
    public int openConnections() {
        return connections.open();
    }

    /**
     * Before the server stops: not ready any more, every open connection closed with 1001 "server restarting" (the
     * page then reconnects, through the ingress, to another replica), and up to {@code wait} for the close frames to
     * be sent. In Kubernetes this runs after the pod's preStop pause, once the ingress has stopped routing to it.
     */
    public void shutdown(Duration wait) throws InterruptedException {
        stopping = true;
        try {
            connections.goAway(executor).get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // a peer that stopped reading: the server's stop drops it
        }
    }

    @Override
    public void close() {
        connections.close();
        executor.shutdownNow();
    }
}
