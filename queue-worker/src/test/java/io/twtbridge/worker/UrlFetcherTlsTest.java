package io.twtbridge.worker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.helidon.webclient.api.DnsAddressLookup;
import io.twtbridge.protocol.ErrorCode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * https through the checking resolver: the client connects to the address the resolver checked, yet TLS still checks
 * the certificate against the URL's host name. (JSSE takes the peer host, and the SNI it sends, from the name the
 * checked address was looked up by; it sends no SNI for a name without a dot such as {@code localhost}, the only name
 * a test can count on resolving to this machine, so SNI itself is not asserted here.)
 */
class UrlFetcherTlsTest {
    private static final char[] PASSWORD = "changeit".toCharArray();
    private final List<SSLServerSocket> servers = new ArrayList<>();

    @TempDir
    Path dir;

    /** A PKCS12 key store with one self-signed certificate for {@code san}, made by the JDK's keytool. */
    private KeyStore keyStore(String san) throws Exception {
        Path file = dir.resolve(san + ".p12");
        Processes.succeed(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair",
                "-alias",
                "s",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=" + san,
                "-ext",
                "SAN=dns:" + san,
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                file.toString(),
                "-storepass",
                new String(PASSWORD),
                "-keypass",
                new String(PASSWORD));
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(file)) {
            ks.load(in, PASSWORD);
        }
        return ks;
    }

    /** An https server with a certificate for {@code san}, on the address "localhost" resolves to first. */
    private String serve(KeyStore ks) throws Exception {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, PASSWORD);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        InetAddress local = DnsAddressLookup.defaultLookup().filter(InetAddress.getAllByName("localhost"))[0];
        SSLServerSocket server = (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket(0, 50, local);
        servers.add(server);
        Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try (SSLSocket c = (SSLSocket) server.accept()) {
                    c.startHandshake();
                    BufferedReader in =
                            new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.ISO_8859_1));
                    for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                        // request line and headers
                    }
                    OutputStream out = c.getOutputStream();
                    out.write(("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: " + TestImages.png().length
                                    + "\r\n\r\n")
                            .getBytes(StandardCharsets.ISO_8859_1));
                    out.write(TestImages.png());
                    out.flush();
                } catch (Exception e) {
                    // a refused handshake, or the server closed
                }
            }
        });
        return "https://localhost:" + server.getLocalPort();
    }

    private static SSLContext trusting(KeyStore ks) throws Exception {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    @AfterEach
    void stop() throws Exception {
        for (SSLServerSocket s : servers) {
            s.close();
        }
    }

    private static WorkerConfig.MediaFetch fetch() {
        return WorkerConfig.MediaFetch.builder() // https only, as in production
                .maxBytes(15L << 20)
                .timeout(Duration.ofSeconds(5))
                .maxRedirects(3)
                .allowPrivateAddresses()
                .budgetBytes(64L << 20)
                .build();
    }

    @Test
    void thePinnedAddressIsReachedAndTheCertificateCheckedAgainstTheName() throws Exception {
        KeyStore ks = keyStore("localhost");
        String base = serve(ks);
        AtomicInteger checked = new AtomicInteger();
        UrlFetcher fetcher = new UrlFetcher(
                fetch(),
                a -> {
                    checked.incrementAndGet();
                    return Optional.empty();
                },
                Optional.of(trusting(ks)));
        UrlFetcher.Fetched.Image img = assertInstanceOf(
                UrlFetcher.Fetched.Image.class, fetcher.fetch(URI.create(base + "/img.png"), 15L << 20));
        assertArrayEquals(TestImages.png(), img.bytes());
        assertTrue(checked.get() > 0, "the address was checked by our resolver");
    }

    @Test
    void aCertificateForAnotherNameIsRefused() throws Exception {
        KeyStore other = keyStore("other.example");
        String base = serve(other);
        UrlFetcher fetcher = new UrlFetcher(fetch(), a -> Optional.empty(), Optional.of(trusting(other)));
        UrlFetcher.Fetched.Failed failed = assertInstanceOf(
                UrlFetcher.Fetched.Failed.class, fetcher.fetch(URI.create(base + "/img.png"), 15L << 20));
        assertEquals(ErrorCode.MEDIA_UNREACHABLE, failed.code());
    }
}
