package io.twtbridge.twitter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.HotSpotDiagnosticMXBean;
import io.helidon.webclient.api.ClientConnection;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;
import io.helidon.webclient.api.WebClientConfig;
import io.helidon.webclient.http1.Http1Client;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.twtbridge.sandbox.SelfSignedTls;
import io.twtbridge.sandbox.TwitterSandbox;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The connections an X client keeps, over real HTTP to the sandbox (which counts the connections it is called on). */
class XConnectionsTest {
    private static TwitterSandbox sandbox;
    private static WebClient web;
    private static Http1Client http;

    @BeforeAll
    static void start() {
        sandbox = TwitterSandbox.start(TwitterSandbox.Settings.defaults());
        web = WebClient.builder().baseUri(sandbox.baseUri()).build();
        http = web.client(Http1Client.PROTOCOL);
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    @BeforeEach
    void reset() {
        sandbox.reset();
    }

    /** One call on {@code connection} (the sandbox answers 404), read to the end (which gives the connection back). */
    private static void call(ClientConnection connection) {
        call(http, connection);
    }

    private static void call(Http1Client client, ClientConnection connection) {
        try (HttpClientResponse res =
                client.get("/2/users/me").connection(connection).request()) {
            res.entity().consume();
        }
    }

    @Test
    void aConnectionIsReusedWhileFreshAndClosedOnceIdleLongerThanMaxIdle() {
        AtomicLong now = new AtomicLong();
        XConnections pool = new XConnections(web, http.prototype(), sandbox.baseUri(), 4, now::get);

        ClientConnection first = pool.take();
        call(first);
        assertEquals(1, pool.idle());
        now.addAndGet(XConnections.MAX_IDLE.toNanos()); // idle exactly the most it may be: still used
        assertSame(first, pool.take());
        call(first);
        assertEquals(1, sandbox.counters().connections());

        now.addAndGet(XConnections.MAX_IDLE.toNanos() + 1);
        ClientConnection second = pool.take();
        assertNotSame(first, second);
        assertEquals(0, pool.idle());
        call(second);
        assertEquals(2, sandbox.counters().connections());
    }

    @Test
    void theMostRecentlyUsedConnectionIsHandedOutFirstAndTheExtraOnesAreClosed() {
        AtomicLong now = new AtomicLong();
        XConnections pool = new XConnections(web, http.prototype(), sandbox.baseUri(), 2, now::get);
        ClientConnection a = pool.take();
        ClientConnection b = pool.take();
        ClientConnection c = pool.take();
        call(a);
        now.incrementAndGet();
        call(b);
        now.incrementAndGet();
        call(c); // no room: Helidon closes it
        assertEquals(2, pool.idle());
        assertSame(b, pool.take());
        assertSame(a, pool.take());
        assertEquals(3, sandbox.counters().connections());
    }

    /**
     * A connection idle longer than {@link XConnections#CHECK_AFTER} that X has closed meanwhile is not handed out
     * again: here X's server stops, so the pool, finding its connection closed, opens a new one, which is refused.
     * Without the check the pool would hand out the closed connection, and a post sent on it would fail after being
     * written, with no way to know whether X had it. Over plain HTTP and over TLS, as X is reached.
     */
    @ParameterizedTest(name = "tls={0}")
    @ValueSource(booleans = {false, true})
    void aConnectionXClosedWhileIdleIsNotUsedAgain(boolean tls) throws Exception {
        try (Server x = Server.start(tls)) {
            AtomicLong now = new AtomicLong();
            XConnections pool = x.pool(now);
            call(x.http(), pool.take());
            assertEquals(1, pool.idle());
            x.web().stop(); // closes its connections
            now.addAndGet(XConnections.CHECK_AFTER.toNanos() + 1);
            assertThrows(RuntimeException.class, pool::take, "a new connection, refused: nothing listens");
            assertEquals(0, pool.idle(), "the closed connection was closed on our side too");
        }
    }

    /**
     * The check leaves a connection X keeps open usable: taken again after {@link XConnections#CHECK_AFTER} (checked)
     * and used for a call, over plain HTTP and over TLS (a timed-out read must not break the TLS session).
     */
    @ParameterizedTest(name = "tls={0}")
    @ValueSource(booleans = {false, true})
    void aConnectionXKeepsOpenIsCheckedAndUsedAgain(boolean tls) throws Exception {
        try (Server x = Server.start(tls)) {
            AtomicLong now = new AtomicLong();
            XConnections pool = x.pool(now);
            ClientConnection first = pool.take();
            call(x.http(), first);
            now.addAndGet(XConnections.CHECK_AFTER.toNanos() + 1);
            assertSame(first, pool.take());
            call(x.http(), first);
            assertEquals(1, x.sandbox().counters().connections());
        }
    }

    /** A sandbox on a web server of its own, which a test may stop, over plain HTTP or TLS. */
    private record Server(WebServer web, TwitterSandbox sandbox, WebClient client, Http1Client http, URI base)
            implements AutoCloseable {
        static Server start(boolean tls) throws Exception {
            WebServerConfig.Builder builder =
                    WebServer.builder().host("127.0.0.1").port(0);
            WebClientConfig.Builder client = WebClient.builder();
            if (tls) {
                SelfSignedTls certificate = SelfSignedTls.create(Files.createTempDirectory("twt-test-tls"));
                SSLContext server = certificate.server();
                SSLContext trusting = certificate.client();
                builder.tls(t -> t.sslContext(server));
                client.tls(t -> t.sslContext(trusting));
            }
            TwitterSandbox sandbox = TwitterSandbox.setup(builder, TwitterSandbox.Settings.defaults());
            WebServer web = builder.build().start();
            URI base = URI.create((tls ? "https" : "http") + "://127.0.0.1:" + web.port());
            WebClient c = client.baseUri(base).build();
            return new Server(web, sandbox, c, c.client(Http1Client.PROTOCOL), base);
        }

        XConnections pool(AtomicLong now) {
            return new XConnections(client, http.prototype(), base, 4, now::get);
        }

        @Override
        public void close() {
            web.stop();
        }
    }

    /**
     * No thread watches an idle connection. Helidon's own connection cache keeps a virtual thread per idle connection
     * that wakes every 101 ms ({@code IdleInputStream.handle}): first the positive control, which shows how soon a
     * thread dump shows such a thread; then ours, watched for twice that long (at least half a second).
     */
    @Test
    void noThreadWatchesAnIdleConnection() throws Exception {
        WebClient helidonCache = WebClient.builder()
                .baseUri(sandbox.baseUri())
                .shareConnectionCache(false)
                .build();
        long began = System.nanoTime();
        try (HttpClientResponse res = helidonCache.get("/2/users/me").request()) {
            res.entity().consume();
        }
        assertTrue(
                dumpsUntil(true, Duration.ofSeconds(10)),
                "the positive control: Helidon's cache watches its idle connection");
        Duration seen = Duration.ofNanos(System.nanoTime() - began);
        helidonCache.closeResource();
        assertTrue(dumpsUntil(false, Duration.ofSeconds(10)), "Helidon's watch outlived its closed cache");

        XConnections pool = new XConnections(web, http.prototype(), sandbox.baseUri(), 4, System::nanoTime);
        call(pool.take());
        assertEquals(1, pool.idle());
        Duration window = seen.multipliedBy(2).compareTo(Duration.ofMillis(500)) > 0
                ? seen.multipliedBy(2)
                : Duration.ofMillis(500);
        assertFalse(dumpsUntil(true, window), "an idle connection of ours is watched by a thread");
        assertEquals(1, pool.idle());
    }

    /** Thread dumps until one does ({@code watched}) or does not show Helidon's watch, or {@code within} passes. */
    private static boolean dumpsUntil(boolean watched, Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        do {
            if (threadDump().contains("IdleInputStream.handle") == watched) {
                return true;
            }
        } while (System.nanoTime() < deadline);
        return false;
    }

    private static String threadDump() throws Exception {
        Path dump = Files.createTempDirectory("threads").resolve("dump.json");
        ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                .dumpThreads(dump.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
        try {
            return Files.readString(dump);
        } finally {
            Files.delete(dump);
            Files.delete(dump.getParent());
        }
    }
}
