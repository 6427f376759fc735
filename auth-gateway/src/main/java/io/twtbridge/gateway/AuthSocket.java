package io.twtbridge.gateway;

import io.helidon.common.buffers.BufferData;
import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.http.RequestException;
import io.helidon.websocket.WsCloseCodes;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;
import io.twtbridge.protocol.Decoded;
import io.twtbridge.protocol.ErrorCode;
import io.twtbridge.protocol.JsonQueueFormat;
import io.twtbridge.protocol.LegacySocketFormat;
import io.twtbridge.protocol.Outcome;
import io.twtbridge.protocol.Problem;

import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;

/**
 * One WebSocket connection. Reads frames on Helidon's connection thread, enforces the limits there, and runs each
 * request (a call to X) on a virtual thread, one at a time and in order for this connection.
 */
final class AuthSocket implements WsListener {
    private static final System.Logger LOG = System.getLogger(AuthSocket.class.getName());

    private final GatewayConfig config;
    private final LoginService login;
    private final GatewayMetrics metrics;
    private final Connections connections;
    private final ExecutorService executor;
    private final StringBuilder message = new StringBuilder();
    private int messageBytes;
    private String address;
    private volatile WsSession session;
    private volatile long lastActivity = System.nanoTime();
    private volatile boolean closed;
    private long windowStart = System.nanoTime();
    private int windowCount;
    private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);

    AuthSocket(GatewayConfig config, LoginService login, GatewayMetrics metrics, Connections connections, ExecutorService executor) {
        this.config = config;
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
            throw RequestException.builder().type(DirectHandler.EventType.FORBIDDEN).message("Origin header required").build();
        }
        if (!config.clientAddressHeader().isEmpty()) {
            address = headers.first(HeaderNames.create(config.clientAddressHeader()))
                    .map(v -> v.split(",")[0].trim()).filter(v -> !v.isEmpty()).orElse(null);
        }
        return Optional.empty();
    }

    @Override
    public void onOpen(WsSession session) {
        this.session = session;
        if (address == null) {
            address = session.socketContext().remotePeer().address() instanceof InetSocketAddress a
                    ? a.getAddress().getHostAddress() : "unknown";
        }
        if (!connections.register(this, address)) {
            metrics.breach("connections");
            close(WsCloseCodes.TRY_AGAIN_LATER, "too many connections from this address");
        }
    }

    @Override
    public void onMessage(WsSession session, String text, boolean last) {
        lastActivity = System.nanoTime();
        messageBytes += text.getBytes(StandardCharsets.UTF_8).length;
        if (messageBytes > config.maxMessageBytes()) {
            metrics.breach("message_size");
            close(WsCloseCodes.TOO_BIG, "message larger than " + config.maxMessageBytes() + " bytes");
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
            metrics.breach("rate");
            close(WsCloseCodes.VIOLATED_POLICY, "more than " + config.messagesPerMinute() + " messages a minute");
            return;
        }
        tail = tail.thenRunAsync(() -> answer(frame), executor);
    }

    @Override
    public void onMessage(WsSession session, BufferData buffer, boolean last) {
        metrics.breach("binary");
        close(WsCloseCodes.CANNOT_ACCEPT, "text frames only");
    }

    @Override
    public void onClose(WsSession session, int status, String reason) {
        closed = true;
        connections.unregister(this, address);
    }

    @Override
    public void onError(WsSession session, Throwable t) {
        LOG.log(Level.DEBUG, () -> "WebSocket error: " + t.getClass().getSimpleName());
        closed = true;
        connections.unregister(this, address);
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
        String reply;
        try {
            reply = frame.startsWith("{") ? answerJson(frame) : answerLegacy(frame);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "failed to answer a frame (" + e.getClass().getSimpleName() + ")");
            reply = LegacySocketFormat.encodeReply(Optional.empty(), Outcome.Failed.of(ErrorCode.BAD_REQUEST, "internal error"));
        }
        if (!closed) {
            try {
                session.send(reply, true);
            } catch (RuntimeException e) {
                LOG.log(Level.DEBUG, "reply not sent: connection gone");
            }
        }
    }

    private String answerLegacy(String frame) {
        return switch (LegacySocketFormat.decode(frame)) {
            case Decoded.Ok ok -> LegacySocketFormat.encodeReply(Optional.of(ok.request().command()), login.handle(ok.request()));
            case Decoded.Malformed m -> LegacySocketFormat.encodeReply(m.command(), m.failure());
        };
    }

    /** The JSON variant (frames starting with '{'): the JSON queue format's auth and verify_pin, with ids. */
    private String answerJson(String frame) {
        byte[] bytes = frame.getBytes(StandardCharsets.UTF_8);
        return switch (JsonQueueFormat.INSTANCE.decode(bytes)) {
            case Decoded.Ok ok -> new String(JsonQueueFormat.INSTANCE.encodeReply(ok.request().id(), ok.request().command(),
                    login.handle(ok.request())), StandardCharsets.UTF_8);
            case Decoded.Malformed m when m.id().isPresent() && m.command().isPresent() ->
                    new String(JsonQueueFormat.INSTANCE.encodeReply(m.id().get(), m.command().get(), m.failure()), StandardCharsets.UTF_8);
            case Decoded.Malformed m -> LegacySocketFormat.encodeReply(Optional.empty(),
                    m.problem() == Problem.UNKNOWN_COMMAND ? m.failure()
                            : Outcome.Failed.of(ErrorCode.BAD_REQUEST, m.detail()));
        };
    }

    long lastActivity() {
        return lastActivity;
    }

    void closeIdle() {
        metrics.breach("idle");
        close(WsCloseCodes.GOING_AWAY, "idle timeout");
    }

    private void close(int code, String reason) {
        if (!closed) {
            closed = true;
            WsSession s = session;
            if (s != null) {
                try {
                    s.close(code, reason);
                } catch (RuntimeException e) {
                    LOG.log(Level.DEBUG, "close failed");
                }
            }
            connections.unregister(this, address);
        }
    }
}
