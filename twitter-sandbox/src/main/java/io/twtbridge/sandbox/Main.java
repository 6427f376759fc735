package io.twtbridge.sandbox;

import io.helidon.config.Config;
import io.helidon.logging.common.LogConfig;

/** Runs the X sandbox on its own: {@code java -jar twitter-sandbox/target/twitter-sandbox.jar}. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        LogConfig.configureRuntime();
        Config config = Config.create();
        TwitterSandbox sandbox = TwitterSandbox.start(TwitterSandbox.Settings.from(config));
        System.out.println("X sandbox on " + sandbox.baseUri() + " (consumer key "
                + TwitterSandbox.Settings.from(config).consumerKey() + "; control API under /sandbox)");
    }
}
