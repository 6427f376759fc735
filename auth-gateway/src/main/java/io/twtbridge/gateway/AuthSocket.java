package io.twtbridge.gateway;

import io.helidon.common.buffers.BufferData;
import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.http.RequestException;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.websocket.WsCloseCodes;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;
import io.twtbridge.protocol.SocketFormat;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One WebSocket connection. Reads frames on Helidon's connection thread, enforces the limits and RFC 6455's frame
 * rules there (as far as Helidon lets a listener see them, see HELIDON_UPSTREAM.md), and runs each request (a call to
 * X) on a virtual thread, one at a time and in order for this connection. Nothing here throws into Helidon's thread,
 * and no exception's message ever reaches the client.
 */
final class AuthSocket implements WsListener {
    private static final System.Logger LOG = System.getLogger(AuthSocket.class.getName());
    /** RFC 6455 §5.5: control frames carry at most 125 bytes (a close frame: a 2-byte code and a 123-byte reason). */
    private static final int MAX_CONTROL_PAYLOAD = 125;
    /** What Helidon decodes an invalid UTF-8 sequence to; it does not tell the listener otherwise. */
    private static final char REPLACEMENT = '\uFFFD';

    private final GatewayConfig config;
    private final LoginService login;
    private final GatewayMetrics metrics;
    private final Connections connections;
    private final ExecutorService executor;
    private final TokenSealing sealing;
    private final StringBuilder message = new StringBuilder();
    private final AtomicBoolean closed = new AtomicBoolean();
    private int messageBytes;
    private List<String> forwardedFor = List.of();
    private String address;
    private volatile WsSession session;
    private volatile long lastMessage = System.nanoTime();
    private volatile long lastHeard = System.nanoTime();
    private volatile long pingSent;
    private volatile boolean peerClosed;
    private long windowStart = System.nanoTime();
    private int windowCount;
    private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);

    AuthSocket(
            GatewayConfig config,
            LoginService login,
            GatewayMetrics metrics,
            Connections connections,
            ExecutorService executor,
            TokenSealing sealing) {
        this.config = config;
        this.sealing = sealing;
        this.login = login;
        this.metrics = metrics;
        this.connections = connections;
        this.executor = executor;
    }

    @Override
    public Optional<Headers> onHttpUpgrade(HttpPrologue prologue, Headers headers) {
        // Helidon has already checked a present Origin against the allowed origins (403 otherwise).
        if (!headers.contains(HeaderNames.ORIGIN) && !config.allowMissingOrigin()) {
            metrics.breach("origin");
            throw RequestException.builder()
                    .type(DirectHandler.EventType.FORBIDDEN)
                    .message("Origin header required")
                    .build();
        }
        HeaderName forwarded = HeaderNames.create(config.clientAddressHeader());
        if (headers.contains(forwarded)) {
            forwardedFor = headers.get(forwarded).allValues();
        }
        return Optional.empty();
    }

    @Override
    public void onOpen(WsSession session) {
        this.session = session;
        String peer = session.socketContext().remotePeer().address() instanceof InetSocketAddress a
                ? a.getAddress().getHostAddress()
                : "unknown";
        address = TrustedProxies.limitKey(config.trustedProxies().clientAddress(forwardedFor, peer));
        if (!connections.register(this, address)) {
            closeForBreach(WsCloseCodes.TRY_AGAIN_LATER, "too many connections from this address", "connections");
        }
    }

    @Override
    public void onMessage(WsSession session, String text, boolean last) {
        long now = System.nanoTime();
        lastHeard = now;
        lastMessage = now;
        if (closed.get()) {
            return;
        }
        if (text.indexOf(REPLACEMENT) >= 0) {
            closeForBreach(WsCloseCodes.NOT_CONSISTENT, "text is not valid UTF-8", "protocol");
            return;
        }
        messageBytes += text.getBytes(StandardCharsets.UTF_8).length;
        if (messageBytes > config.maxMessageBytes()) {
            closeForBreach(
                    WsCloseCodes.TOO_BIG, "message larger than " + config.maxMessageBytes() + " bytes", "message_size");
            return;
        }
        message.append(text);
        if (!last) {
            return;
        }
        String frame = message.toString();
        message.setLength(0);
        messageBytes = 0;
        if (!withinRate()) {
            closeForBreach(
                    WsCloseCodes.VIOLATED_POLICY,
                    "more than " + config.messagesPerMinute() + " messages a minute",
                    "rate");
            return;
        }
        tail = tail.thenRunAsync(() -> answer(frame), executor);
    }

    @Override
    public void onMessage(WsSession session, BufferData buffer, boolean last) {
        lastHeard = System.nanoTime();
        closeForBreach(WsCloseCodes.CANNOT_ACCEPT, "text frames only", "binary");
    }

    @Override
    public void onPing(WsSession session, BufferData buffer) {
        lastHeard = System.nanoTime();
        if (buffer.available() > MAX_CONTROL_PAYLOAD) {
            protocolError("control frame over 125 bytes");
        } else if (!closed.get()) {
            try {
                session.pong(buffer);
            } catch (RuntimeException e) {
                gone();
            }
        }
    }

    @Override
    public void onPong(WsSession session, BufferData buffer) {
        lastHeard = System.nanoTime();
        pingSent = 0;
        if (buffer.available() > MAX_CONTROL_PAYLOAD) {
            protocolError("control frame over 125 bytes");
        }
    }

    /**
     * The peer's close frame. Helidon reports a close without a body as 1000 "normal", and would answer every close
     * with 1000; we answer a valid code with the same code (RFC 6455 §5.5.1), and an invalid one (1005, 1006, 1015,
     * unassigned) or an over-long or invalid reason with 1002 or 1007.
     */
    @Override
    public void onClose(WsSession session, int status, String reason) {
        peerClosed = true;
        if (2 + reason.getBytes(StandardCharsets.UTF_8).length > MAX_CONTROL_PAYLOAD || !validCloseCode(status)) {
            protocolError("invalid close frame");
        } else if (reason.indexOf(REPLACEMENT) >= 0) {
            closeForBreach(WsCloseCodes.NOT_CONSISTENT, "close reason is not valid UTF-8", "protocol");
        } else {
            close(status, "");
        }
    }

    /**
     * Helidon calls this when a frame could not be processed (e.g. a close frame with a 1-byte body), and then closes
     * with 1011 and the exception's message as the reason. Our listener never throws, so this is always the peer's
     * protocol error: we close first, with 1002 and a fixed reason, so that message never reaches the client.
     */
    @Override
    public void onError(WsSession session, Throwable t) {
        LOG.log(Level.DEBUG, () -> "WebSocket error: " + t.getClass().getSimpleName());
        protocolError("protocol error");
    }

    /** RFC 6455 §7.4: the codes an endpoint may send in a close frame. */
    static boolean validCloseCode(int code) {
        return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
    }

    private boolean withinRate() {
        long now = System.nanoTime();
        if (now - windowStart > 60_000_000_000L) {
            windowStart = now;
            windowCount = 0;
        }
        return ++windowCount <= config.messagesPerMinute();
    }

    /** Answers one request frame. Runs on a virtual thread; the frame's content is never logged. */
    private void answer(String frame) {
        if (closed.get()) {
            metrics.frameDropped(); // the client has gone: X is not called for what it left queued
            return;
        }
        String reply;
        try {
            reply = switch (SocketFormat.read(frame)) {
                case SocketFormat.Frame.Ok ok ->
                    ok.reply(sealing.reply(login.handle(ok.request(), address), ok.legacy()));
                case SocketFormat.Frame.Refused r -> r.reply();
            };
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "failed to answer a frame (" + e.getClass().getSimpleName() + ")");
            reply = SocketFormat.internalError();
        }
        if (!closed.get()) {
            try {
                session.send(reply, true);
            } catch (RuntimeException e) {
                LOG.log(Level.DEBUG, "reply not sent: connection gone");
                gone();
            }
        }
    }

    /**
     * One tick of the watchdog: closes the connection when no message came for the idle timeout or when our last ping
     * went unanswered for a ping interval (then the socket is dropped: a dead peer would never answer the close), and
     * otherwise pings a connection that has been silent for a ping interval. Sends happen on a virtual thread, so a
     * peer that stops reading never blocks the watchdog.
     */
    void tick(long now) {
        WsSession s = session;
        if (s == null || closed.get()) {
            return;
        }
        long sent = pingSent;
        if (now - lastMessage > config.idleTimeout().toNanos()) {
            executor.execute(() -> closeForBreach(WsCloseCodes.GOING_AWAY, "idle timeout", "idle"));
        } else if (sent != 0 && now - sent > config.pingInterval().toNanos()) {
            executor.execute(() -> {
                closeForBreach(WsCloseCodes.GOING_AWAY, "no answer to ping", "ping_timeout");
                abort();
            });
        } else if (sent == 0 && now - lastHeard > config.pingInterval().toNanos()) {
            pingSent = now;
            executor.execute(() -> {
                try {
                    s.ping(BufferData.empty());
                } catch (RuntimeException e) {
                    gone();
                }
            });
        }
    }

    /** Server shutdown: close with 1001 so that the page reconnects (to another replica). */
    void goAway() {
        close(WsCloseCodes.GOING_AWAY, "server restarting");
    }

    private void protocolError(String reason) {
        closeForBreach(WsCloseCodes.PROTOCOL_ERROR, reason, "protocol");
    }

    /** Closes for a breached limit or rule, counted (before the client can see the close) only if this call closes. */
    private void closeForBreach(int code, String reason, String limit) {
        if (markClosed()) {
            metrics.breach(limit);
            sendClose(code, reason);
        }
    }

    /** The connection broke without a close handshake. */
    private void gone() {
        markClosed();
    }

    private void close(int code, String reason) {
        if (markClosed()) {
            sendClose(code, reason);
        }
    }

    /** Marks the connection closed, once, and frees its slot; false if it already was. */
    private boolean markClosed() {
        if (!closed.compareAndSet(false, true)) {
            return false;
        }
        connections.unregister(this, address);
        return true;
    }

    /** Sends our close frame; a peer that does not answer it within a ping interval is dropped. */
    private void sendClose(int code, String reason) {
        WsSession s = session;
        if (s == null) {
            return;
        }
        // Scheduled first: the write below may block on a peer that stopped reading.
        connections.later(config.pingInterval(), () -> {
            if (!peerClosed) {
                abort();
            }
        });
        try {
            s.close(code, reason);
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "close failed: connection gone");
        }
    }

    /** Drops the TCP connection: Helidon's reading thread is interrupted, which closes the socket. */
    private void abort() {
        if (session instanceof ServerConnection c) {
            c.close(true);
        }
    }
}
