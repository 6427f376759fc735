package io.twtbridge.twitter;

import io.helidon.common.tls.Tls;
import io.helidon.webclient.api.ClientConnection;
import io.helidon.webclient.api.ConnectionKey;
import io.helidon.webclient.api.HttpClientConfig;
import io.helidon.webclient.api.TcpClientConnection;
import io.helidon.webclient.api.WebClient;
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
 * connection costs nothing. What the watch was for, noticing
 * that X closed a connection while it was idle, is replaced the way HTTP clients commonly do it: a connection idle
 * for longer than {@link #MAX_IDLE} is closed rather than reused, well inside the idle time any HTTP server keeps a
 * connection for (5 s at the least of the common ones), so a post is not sent on a connection X has dropped.
 */
final class XConnections {
    /** The longest a connection is left idle and still used again. */
    static final Duration MAX_IDLE = Duration.ofSeconds(4);

    private static final List<String> HTTP_1_1 = List.of("http/1.1");

    private record Idle(TcpClientConnection connection, long since) {}

    private final WebClient client;
    private final ConnectionKey key;
    private final LinkedBlockingDeque<Idle> idle;
    private final LongSupplier nanoClock;
    private final long maxIdleNanos;

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
    }

    /** A connection for one call: the most recently used idle one, or a new one (connecting may throw). */
    ClientConnection take() {
        long now = nanoClock.getAsLong();
        for (Idle i; (i = idle.pollFirst()) != null; ) {
            if (now - i.since() <= maxIdleNanos) {
                closeExpired(now);
                return i.connection();
            }
            i.connection().closeResource(); // the rest are older still
        }
        return TcpClientConnection.create(client, key, HTTP_1_1, this::giveBack, c -> {})
                .connect();
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
