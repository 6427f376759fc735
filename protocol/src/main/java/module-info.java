/**
 * Every message of twt-bridge's two channels, byte-exact, with no I/O: the legacy queue format
 * ({@link io.twtbridge.protocol.LegacyQueueFormat}), the JSON queue format
 * ({@link io.twtbridge.protocol.JsonQueueFormat}) and the legacy WebSocket format
 * ({@link io.twtbridge.protocol.LegacySocketFormat}), with {@link io.twtbridge.protocol.SocketFormat} choosing between
 * it and JSON for each WebSocket frame. All of them decode to the same {@link io.twtbridge.protocol.Request} types and
 * encode the same {@link io.twtbridge.protocol.Outcome} types. What is kept in the dead-letter queue, and why, is a
 * {@link io.twtbridge.protocol.DeadLetter}.
 */
module io.twtbridge.protocol {
    requires jakarta.json;

    exports io.twtbridge.protocol;
}
