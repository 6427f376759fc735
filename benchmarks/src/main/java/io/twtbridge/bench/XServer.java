package io.twtbridge.bench;

import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.twtbridge.sandbox.SelfSignedTls;
import io.twtbridge.sandbox.TwitterSandbox;
import java.net.URI;
import java.nio.file.Files;

/**
 * The X sandbox for a benchmark, over plain HTTP or, as X is reached, over TLS ({@code -Dx.tls=true}): then with a
 * {@link SelfSignedTls} certificate, which the workers trust through {@link #workerJavaOptions()}.
 */
record XServer(TwitterSandbox sandbox, WebServer server, URI baseUri, String workerJavaOptions)
        implements AutoCloseable {

    static XServer start(boolean tls) throws Exception {
        WebServerConfig.Builder builder = WebServer.builder().host("127.0.0.1").port(0);
        String options = "";
        if (tls) {
            SelfSignedTls certificate = SelfSignedTls.create(Files.createTempDirectory("twt-bench-tls"));
            var context = certificate.server();
            builder.tls(t -> t.sslContext(context));
            options = " " + certificate.trustStoreOptions();
        }
        TwitterSandbox sandbox = TwitterSandbox.setup(builder, TwitterSandbox.Settings.defaults());
        WebServer server = builder.build().start();
        URI base = URI.create((tls ? "https" : "http") + "://127.0.0.1:" + server.port());
        return new XServer(sandbox, server, base, options);
    }

    @Override
    public void close() {
        server.stop();
    }
}
