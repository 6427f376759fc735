/**
 * Every message of twt-bridge's two channels, byte-exact, with no I/O: the legacy queue format
 * ({@link io.twtbridge.protocol.LegacyQueueFormat}), the JSON queue format
 * ({@link io.twtbridge.protocol.JsonQueueFormat}) and the legacy WebSocket format
 * ({@link io.twtbridge.protocol.LegacySocketFormat}). All of them decode to the same
 * {@link io.twtbridge.protocol.Request} types and encode the same {@link io.twtbridge.protocol.Outcome} types.
 */
module io.twtbridge.protocol {
    requires jakarta.json;

    exports io.twtbridge.protocol;
}
