package io.twtbridge.twitter;

import io.helidon.common.tls.Tls;
import io.helidon.webclient.api.ClientConnection;
import io.helidon.webclient.api.ConnectionKey;
import io.helidon.webclient.api.HttpClientConfig;
import io.helidon.webclient.api.TcpClientConnection;
import io.helidon.webclient.api.WebClient;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.function.LongSupplier;

/**
 * The connections to X one client keeps open between calls: at most {@code kept} idle ones, the most recently used
 * handed out first. Each call takes one ({@link #take()}), and Helidon gives it back when the answer has been read to
 * its end (or closes it, after {@code Connection: close} or a failure).
 *
 * <p>Instead of Helidon's own connection cache, which watches every idle connection from a virtual thread of its own
 * that wakes every 101 ms for a timed socket read ending in an exception (helidon-io/helidon#11799): three wake-ups
 * per call when X takes 300 ms, five thousand a second for a worker's 512 idle connections; switched off in an
 * experiment, the worker spent a fifth less CPU with X answering at once (benchmarks/README.md). Here an idle
 * connection costs nothing. What the watch was for, noticing that X closed a connection while it was idle, is done
 * the way HTTP clients commonly do it (Apache HttpClient's {@code validateAfterInactivity}, OkHttp's health check):
 * <ul>
 *   <li>a connection idle for longer than {@link #MAX_IDLE} is closed rather than reused, well inside the idle time
 *       any HTTP server keeps a connection for (5 s at the least of the common ones);
 *   <li>one idle for longer than {@link #CHECK_AFTER} is checked when taken: a read that waits
 *       {@link #CHECK_WAIT} must find nothing. One X closed reads its end instead (or what X sent before closing),
 *       and is closed and not used: a post sent on it would fail with no way to know whether X had it.
 * </ul>
 * A connection used again within {@link #CHECK_AFTER}, as under load, is not checked.
 */
final class XConnections {
    /** The longest a connection is left idle and still used again. */
    static final Duration MAX_IDLE = Duration.ofSeconds(4);
    /** A connection idle longer than this is checked before it is used again. */
    static final Duration CHECK_AFTER = Duration.ofSeconds(1);
    /** How long the check waits for a sign that X closed the connection. */
    static final Duration CHECK_WAIT = Duration.ofMillis(1);

    private static final List<String> HTTP_1_1 = List.of("http/1.1");

    private record Idle(TcpClientConnection connection, long since) {}

    private final WebClient client;
    private final ConnectionKey key;
    private final LinkedBlockingDeque<Idle> idle;
    private final LongSupplier nanoClock;
    private final long maxIdleNanos;
    private final long checkAfterNanos;

    XConnections(WebClient client, HttpClientConfig config, URI base, int kept, LongSupplier nanoClock) {
        boolean https = "https".equals(base.getScheme());
        int port = base.getPort() >= 0 ? base.getPort() : https ? 443 : 80;
        this.client = client;
        this.key = ConnectionKey.create(
                base.getScheme(),
                base.getHost(),
                port,
                https ? config.tls() : Tls.builder().enabled(false).build(),
                config.dnsResolver(),
                config.dnsAddressLookup(),
                config.proxy());
        this.idle = new LinkedBlockingDeque<>(kept);
        this.nanoClock = nanoClock;
        this.maxIdleNanos = MAX_IDLE.toNanos();
        this.checkAfterNanos = CHECK_AFTER.toNanos();
    }

    /** A connection for one call: the most recently used idle one, or a new one (connecting may throw). */
    ClientConnection take() {
        long now = nanoClock.getAsLong();
        for (Idle i; (i = idle.pollFirst()) != null; ) {
            long idleFor = now - i.since();
            if (idleFor <= maxIdleNanos && (idleFor <= checkAfterNanos || stillOpen(i.connection()))) {
                closeExpired(now);
                return i.connection();
            }
            i.connection().closeResource(); // expired (and then the rest are older still) or closed by X
        }
        return TcpClientConnection.create(client, key, HTTP_1_1, this::giveBack, c -> {})
                .connect();
    }

    /**
     * Whether X still holds this idle connection open: a read that waits {@link #CHECK_WAIT} times out. (Helidon sets
     * the read timeout again for each call.)
     */
    private static boolean stillOpen(TcpClientConnection connection) {
        if (!connection.isConnected()) {
            return false;
        }
        try {
            connection.readTimeout(CHECK_WAIT);
            connection.helidonSocket().get(); // its end (null), or bytes X sent unasked: either way not usable
            return false;
        } catch (UncheckedIOException e) {
            return e.getCause() instanceof SocketTimeoutException;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** How many connections are idle now. */
    int idle() {
        return idle.size();
    }

    /** Called by Helidon once a call's answer was read: false (no room) makes Helidon close the connection. */
    private boolean giveBack(TcpClientConnection connection) {
        return idle.offerFirst(new Idle(connection, nanoClock.getAsLong()));
    }

    /** Closes the least recently used connection if it has been idle too long (one per call keeps the list short). */
    private void closeExpired(long now) {
        Idle oldest = idle.peekLast();
        if (oldest != null && now - oldest.since() > maxIdleNanos && idle.removeLastOccurrence(oldest)) {
            oldest.connection().closeResource();
        }
    }
}
