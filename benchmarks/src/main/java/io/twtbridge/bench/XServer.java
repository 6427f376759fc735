package io.twtbridge.bench;

import io.helidon.common.tls.Tls;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.twtbridge.sandbox.TwitterSandbox;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * The X sandbox for a benchmark, over plain HTTP or, as X is reached, over TLS ({@code -Dx.tls=true}): then with a
 * self-signed certificate for 127.0.0.1 and localhost (Helidon's client checks the name it resolves the address to) made
 * by the JDK's keytool, which the workers trust through
 * {@link #workerJavaOptions()}.
 */
record XServer(TwitterSandbox sandbox, WebServer server, URI baseUri, String workerJavaOptions)
        implements AutoCloseable {
    private static final String PASSWORD = "benchmark";

    static XServer start(boolean tls) throws Exception {
        WebServerConfig.Builder builder = WebServer.builder().host("127.0.0.1").port(0);
        String options = "";
        if (tls) {
            Path store = Files.createTempDirectory("twt-bench-tls").resolve("x.p12");
            keytool(store);
            builder.tls(Tls.builder().sslContext(sslContext(store)).build());
            options = " -Djavax.net.ssl.trustStore=" + store + " -Djavax.net.ssl.trustStorePassword=" + PASSWORD
                    + " -Djavax.net.ssl.trustStoreType=PKCS12";
        }
        TwitterSandbox sandbox = TwitterSandbox.setup(builder, TwitterSandbox.Settings.defaults());
        WebServer server = builder.build().start();
        URI base = URI.create((tls ? "https" : "http") + "://127.0.0.1:" + server.port());
        return new XServer(sandbox, server, base, options);
    }

    private static void keytool(Path store) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of(
                        Path.of(System.getProperty("java.home"), "bin", "keytool")
                                .toString(),
                        "-genkeypair",
                        "-alias",
                        "x",
                        "-keyalg",
                        "EC",
                        "-groupname",
                        "secp256r1",
                        "-dname",
                        "CN=127.0.0.1",
                        "-ext",
                        "SAN=ip:127.0.0.1,dns:localhost",
                        "-validity",
                        "2",
                        "-storetype",
                        "PKCS12",
                        "-keystore",
                        store.toString(),
                        "-storepass",
                        PASSWORD,
                        "-keypass",
                        PASSWORD))
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("keytool failed: " + out);
        }
    }

    private static SSLContext sslContext(Path store) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, PASSWORD.toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, PASSWORD.toCharArray());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        return ctx;
    }

    @Override
    public void close() {
        server.stop();
    }
}
