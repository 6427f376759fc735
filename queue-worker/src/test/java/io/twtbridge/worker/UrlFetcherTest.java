package io.twtbridge.worker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.helidon.webclient.api.DnsAddressLookup;
import io.twtbridge.protocol.ErrorCode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

/** URL fetches against real HTTP servers that misbehave: trickling, lying about types, endless, redirecting. */
class UrlFetcherTest {
    private static final long MIB = 1 << 20;
    /** The deadline in the deadline tests; the others get a generous one (a first fetch in a cold JVM is slow). */
    private static final Duration TIMEOUT = Duration.ofSeconds(1);

    private final List<ServerSocket> servers = new ArrayList<>();
    private final List<Thread> handlers = new CopyOnWriteArrayList<>();

    private static WorkerConfig.MediaFetch fetch() {
        return fetch(Duration.ofSeconds(20));
    }

    private static WorkerConfig.MediaFetch fetch(Duration timeout) {
        return WorkerConfig.MediaFetch.builder()
                .maxBytes(15 * MIB)
                .timeout(timeout)
                .maxRedirects(3)
                .allowPrivateAddresses()
                .allowHttp()
                .budgetBytes(64 * MIB)
                .build();
    }

    /** What a server saw. */
    static final class Served {
        final AtomicLong bytes = new AtomicLong();
        final CountDownLatch closedEarly = new CountDownLatch(1);
        final AtomicInteger requests = new AtomicInteger();
    }

    /** Writes one response by hand (status line, headers, body) to a request whose path is given. */
    private interface Response {
        void write(String path, OutputStream out, Served s) throws IOException, InterruptedException;
    }

    /** A bare HTTP/1.1 server on a socket: full control over every byte and its timing. */
    private String serve(String host, Response response, Served s) throws IOException {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getByName(host));
        servers.add(server);
        handlers.add(Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try {
                    Socket c = server.accept();
                    handlers.add(Thread.ofVirtual().start(() -> handle(c, response, s)));
                } catch (IOException e) {
                    return; // closed
                }
            }
        }));
        return "http://" + host + ":" + server.getLocalPort();
    }

    private static void handle(Socket c, Response response, Served s) {
        try (c) {
            BufferedReader in =
                    new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.ISO_8859_1));
            String requestLine = in.readLine();
            for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                // headers: not needed
            }
            s.requests.incrementAndGet();
            response.write(requestLine.split(" ")[1], c.getOutputStream(), s);
        } catch (IOException e) {
            s.closedEarly.countDown(); // the client went away mid-response
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @AfterEach
    void stop() throws IOException {
        for (ServerSocket server : servers) {
            server.close();
        }
        handlers.forEach(Thread::interrupt);
    }

    private static void write(OutputStream out, byte[] b, Served s) throws IOException {
        out.write(b);
        out.flush();
        s.bytes.addAndGet(b.length);
    }

    private static void head(OutputStream out, String status, String... headers) throws IOException {
        StringBuilder h = new StringBuilder("HTTP/1.1 " + status + "\r\nConnection: close\r\n");
        for (String header : headers) {
            h.append(header).append("\r\n");
        }
        out.write(h.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    @Test
    void aTricklingServerIsCutOffAtTheDeadline() throws Exception {
        Served s = new Served();
        String base = serve(
                "127.0.0.1",
                (path, out, sv) -> {
                    head(out, "200 OK", "Content-Length: " + (1 << 20));
                    write(out, TestImages.png(), sv);
                    for (int i = 0;
                            i < 600;
                            i++) { // a byte every 100 ms: 60 s, never idle long enough for a read timeout
                        Thread.sleep(100);
                        write(out, new byte[] {0}, sv);
                    }
                },
                s);
        long start = System.nanoTime();
        UrlFetcher.Fetched f = new UrlFetcher(fetch(TIMEOUT)).fetch(URI.create(base + "/slow.png"), 15 * MIB);
        long ms = (System.nanoTime() - start) / 1_000_000;
        UrlFetcher.Fetched.Failed failed = assertInstanceOf(UrlFetcher.Fetched.Failed.class, f);
        assertEquals(ErrorCode.MEDIA_UNREACHABLE, failed.code());
        assertTrue(failed.reason().contains("within 1 s"), failed.reason());
        assertTrue(ms < 10_000, "answered after " + ms + " ms; the server would trickle for 60 s");
        assertTrue(s.closedEarly.await(30, TimeUnit.SECONDS), "the server saw the connection closed");
    }

    @Test
    void slowHeadersAreCutOffAtTheDeadlineToo() throws Exception {
        Served s = new Served();
        String base = serve(
                "127.0.0.1",
                (path, out, sv) -> {
                    byte[] status = "HTTP/1.1 200 OK\r\nContent-Length: 67\r\n".getBytes(StandardCharsets.ISO_8859_1);
                    for (byte b : status) { // headers, a byte every 100 ms: each read gets one before its timeout
                        Thread.sleep(100);
                        write(out, new byte[] {b}, sv);
                    }
                    for (int i = 0; i < 600; i++) {
                        Thread.sleep(100);
                        write(out, "X-Slow: 1\r\n".getBytes(StandardCharsets.ISO_8859_1), sv);
                    }
                },
                s);
        long start = System.nanoTime();
        UrlFetcher.Fetched f = new UrlFetcher(fetch(TIMEOUT)).fetch(URI.create(base + "/late.png"), 15 * MIB);
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertEquals(
                ErrorCode.MEDIA_UNREACHABLE,
                assertInstanceOf(UrlFetcher.Fetched.Failed.class, f).code());
        assertTrue(ms < 10_000, "answered after " + ms + " ms");
    }

    @Test
    void wrongMagicBytesAreRefusedBeforeTheRestIsRead() throws Exception {
        long total = 64 * MIB;
        Served s = new Served();
        String base = serve(
                "127.0.0.1",
                (path, out, sv) -> {
                    head(out, "200 OK", "Content-Length: " + total);
                    byte[] chunk = new byte[64 << 10];
                    Arrays.fill(chunk, (byte) '<'); // an HTML page, say
                    for (long sent = 0; sent < total; sent += chunk.length) {
                        write(out, chunk, sv);
                    }
                },
                s);
        UrlFetcher.Fetched f = new UrlFetcher(fetch()).fetch(URI.create(base + "/page.png"), 15 * MIB);
        UrlFetcher.Fetched.Failed failed = assertInstanceOf(UrlFetcher.Fetched.Failed.class, f);
        assertEquals(ErrorCode.MEDIA_INVALID, failed.code());
        assertTrue(s.closedEarly.await(30, TimeUnit.SECONDS), "the server saw the connection closed");
        assertTrue(s.bytes.get() < total, "served " + s.bytes.get() + " of " + total);
    }

    @Test
    void anEndlessImageIsCutAtItsTypesLimitWhileStreaming() throws Exception {
        Served s = new Served();
        String base = serve(
                "127.0.0.1",
                (path, out, sv) -> {
                    head(out, "200 OK"); // no length announced: the body ends when the connection does
                    write(out, TestImages.png(), sv);
                    byte[] chunk = new byte[64 << 10];
                    for (int i = 0; i < 2_000; i++) { // 125 MiB if read whole
                        write(out, chunk, sv);
                    }
                },
                s);
        UrlFetcher.Fetched f = new UrlFetcher(fetch()).fetch(URI.create(base + "/endless.png"), 15 * MIB);
        UrlFetcher.Fetched.Failed failed = assertInstanceOf(UrlFetcher.Fetched.Failed.class, f);
        assertEquals(ErrorCode.MEDIA_TOO_LARGE, failed.code());
        assertTrue(failed.reason().contains("larger than " + (5 * MIB)), failed.reason()); // PNG: X's 5 MiB
        assertTrue(s.closedEarly.await(30, TimeUnit.SECONDS), "the server saw the connection closed");
        assertTrue(s.bytes.get() < 2_000L * (64 << 10), "served " + s.bytes.get());
    }

    @Test
    void everyRedirectIsCheckedAgainAndARefusedAddressIsNeverContacted() throws Exception {
        Served inside = new Served();
        String refusedBase = serve(
                "127.0.0.2",
                (path, out, sv) -> {
                    head(out, "200 OK", "Content-Length: " + TestImages.png().length);
                    write(out, TestImages.png(), sv);
                },
                inside);
        Served outside = new Served();
        String base = serve(
                "127.0.0.1",
                (path, out, sv) -> {
                    if (path.equals("/img.png")) {
                        head(out, "200 OK", "Content-Length: " + TestImages.png().length);
                        write(out, TestImages.png(), sv);
                    } else {
                        head(out, "302 Found", "Location: " + refusedBase + "/img.png", "Content-Length: 0");
                    }
                },
                outside);
        UrlFetcher fetcher = new UrlFetcher(
                fetch(), a -> a.getHostAddress().equals("127.0.0.2") ? Optional.of("test: refused") : Optional.empty());
        UrlFetcher.Fetched.Image img = assertInstanceOf(
                UrlFetcher.Fetched.Image.class, fetcher.fetch(URI.create(base + "/img.png"), 15 * MIB));
        assertArrayEquals(TestImages.png(), img.bytes());
        UrlFetcher.Fetched.Failed failed =
                assertInstanceOf(UrlFetcher.Fetched.Failed.class, fetcher.fetch(URI.create(base + "/hop"), 15 * MIB));
        assertEquals("the URL points to a private address (test: refused)", failed.reason());
        assertEquals(2, outside.requests.get());
        assertEquals(0, inside.requests.get(), "the refused address was never connected to");
    }

    @Test
    void theResolverRefusesNamesWithAnyPrivateAddress() {
        UrlFetcher.CheckingResolver r = new UrlFetcher.CheckingResolver(AddressPolicy::refusal);
        UrlFetcher.Refused e = Assertions.assertThrows(
                UrlFetcher.Refused.class, () -> r.resolveAddress("localhost", DnsAddressLookup.defaultLookup()));
        assertTrue(e.getMessage().startsWith("the URL points to a private address"), e.getMessage());
        assertEquals(
                "the URL's host is unknown",
                Assertions.assertThrows(
                                UrlFetcher.Refused.class,
                                () -> r.resolveAddress("no-such-host.invalid", DnsAddressLookup.defaultLookup()))
                        .getMessage());
    }
}
