package io.twtbridge.gateway;

import io.helidon.config.Config;
import io.helidon.config.ConfigException;
import io.helidon.logging.common.LogConfig;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.twtbridge.sealing.Sealer;
import io.twtbridge.sealing.SealingConfig;
import io.twtbridge.twitter.XClientConfig;
import java.time.Duration;
import java.util.Optional;

/**
 * Runs the auth-gateway: {@code java -jar auth-gateway/target/auth-gateway.jar}. Its configuration is
 * {@code application.yaml} (every default, once) under environment variables; {@link #setup} is the one place that
 * reads it, for this process and for the tests.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        LogConfig.configureRuntime();
        Config config = Config.create();
        WebServerConfig.Builder server = WebServer.builder().config(config.get("server"));
        Gateway gateway;
        try {
            gateway = setup(server, config);
        } catch (IllegalStateException | ConfigException e) { // a missing setting, or a value of the wrong type
            System.err.println("auth-gateway: " + e.getMessage());
            System.exit(2);
            return;
        }
        WebServer web = server.build().start();
        System.out.println("auth-gateway on http://localhost:" + web.port() + "/ (WebSocket at ws://localhost:"
                + web.port() + "/)");
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            try {
                                gateway.shutdown(Duration.ofSeconds(5));
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                            web.stop();
                            gateway.close();
                        },
                        "twt-gateway-shutdown"));
    }

    /**
     * Reads the {@code twitter}, {@code sealing} and {@code gateway} nodes of {@code config} and puts the gateway on
     * {@code server} ({@link Gateway#setup}); the {@code server} node (port, host, use-nio) is the caller's to apply.
     * Returns the gateway, to {@link Gateway#shutdown} and {@link Gateway#close} once the server stops.
     *
     * @throws IllegalStateException in one line, naming the setting, when the configuration cannot work
     */
    public static Gateway setup(WebServerConfig.Builder server, Config config) {
        XClientConfig x = XClientConfig.from(config.get("twitter"));
        Optional<Sealer> sealing = SealingConfig.keys(config.get("sealing")).map(Sealer::new);
        GatewayConfig gatewayConfig = GatewayConfig.from(config);
        if (gatewayConfig.sealedTokens() != TokenSealing.Mode.OFF && sealing.isEmpty()) {
            throw new IllegalStateException("GATEWAY_SEALED_TOKENS needs SEALING_KEY_RING or SEALING_KEY_FILE");
        }
        if (CallbackSettings.isUrl(x.callback()) && sealing.isEmpty()) {
            throw new IllegalStateException("TWITTER_OAUTH_CALLBACK is a URL: the callback login needs SEALING_KEY_RING"
                    + " (the same on every replica) or SEALING_KEY_FILE");
        }
        Gateway gateway = new Gateway(gatewayConfig, x, sealing);
        gateway.setup(server);
        return gateway;
    }
}
