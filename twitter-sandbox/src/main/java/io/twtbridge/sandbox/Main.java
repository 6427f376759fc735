package io.twtbridge.sandbox;

import io.helidon.config.Config;
import io.helidon.logging.common.LogConfig;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;

/**
 * Runs the X sandbox on its own: {@code java -jar twitter-sandbox/target/twitter-sandbox.jar}. Its configuration is
 * {@code application.yaml} (every default, once) under environment variables.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        LogConfig.configureRuntime();
        Config config = Config.create();
        TwitterSandbox.Settings settings = TwitterSandbox.Settings.from(config);
        WebServerConfig.Builder server =
                WebServer.builder().host(settings.host()).port(settings.port());
        TwitterSandbox.setup(server, settings);
        WebServer web = server.build().start();
        System.out.println("X sandbox on http://127.0.0.1:" + web.port() + " (consumer key " + settings.consumerKey()
                + "; control API under /sandbox)");
    }
}
