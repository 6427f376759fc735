package io.twtbridge.gateway;

import io.twtbridge.sandbox.TwitterSandbox;
import java.util.Map;
import java.util.Optional;

/**
 * Two gateway replicas sharing the sealing keys, as behind an ingress without sticky sessions. X's callback URL
 * points at replica {@link #b}, so a login started on {@link #a} always finishes on the other replica.
 */
final class CallbackReplicas implements AutoCloseable {
    final GatewayFixture a;
    final GatewayFixture b;
    final String callbackUrl;

    /** {@code config}: gateway settings as key, value pairs, on top of a same-origin page. */
    CallbackReplicas(TwitterSandbox sandbox, String keyRing, String... config) throws Exception {
        int portB = GatewayFixture.freePort();
        callbackUrl = "http://127.0.0.1:" + portB + "/callback";
        String[] settings = new String[config.length + 2];
        settings[0] = "allowed.origins";
        settings[1] = "";
        System.arraycopy(config, 0, settings, 2, config.length);
        Map<String, String> gatewayConfig = GatewayFixture.config(settings);
        b = new GatewayFixture(sandbox, gatewayConfig, portB, callbackUrl, Optional.of(keyRing));
        a = new GatewayFixture(sandbox, gatewayConfig, 0, callbackUrl, Optional.of(keyRing));
    }

    @Override
    public void close() {
        a.close();
        b.close();
    }
}
