package io.twtbridge.gateway;

import io.twtbridge.sandbox.TwitterSandbox;
import io.twtbridge.sealing.SealKeys;
import io.twtbridge.sealing.Sealer;

import java.util.Optional;

/**
 * Two gateway replicas sharing the sealing keys, as behind an ingress without sticky sessions. X's callback URL
 * points at replica {@link #b}, so a login started on {@link #a} always finishes on the other replica.
 */
final class CallbackReplicas implements AutoCloseable {
    final GatewayFixture a;
    final GatewayFixture b;
    final String callbackUrl;

    CallbackReplicas(TwitterSandbox sandbox, String keyRing) throws Exception {
        Sealer shared = new Sealer(SealKeys.parse(keyRing));
        int portB = GatewayFixture.freePort();
        callbackUrl = "http://127.0.0.1:" + portB + "/callback";
        GatewayConfig config = GatewayFixture.config("allowed.origins", "");
        b = new GatewayFixture(sandbox, config, portB, callbackUrl, Optional.of(shared));
        a = new GatewayFixture(sandbox, config, 0, callbackUrl, Optional.of(new Sealer(SealKeys.parse(keyRing))));
    }

    @Override
    public void close() {
        a.close();
        b.close();
    }
}
