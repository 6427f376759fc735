/**
 * The auth-gateway process: a WebSocket server that walks an end user through X's OAuth 1.0a PIN login, speaking
 * the legacy WebSocket protocol of the existing pages, and serving a sample page at {@code GET /}.
 */
module io.twtbridge.gateway {
    requires io.twtbridge.protocol;
    requires io.twtbridge.twitter;
    requires io.helidon.webserver;
    requires io.helidon.webserver.websocket;
    requires io.helidon.websocket;
    requires io.helidon.webserver.observe;
    requires io.helidon.webserver.observe.health;
    requires io.helidon.webserver.observe.metrics;
    requires io.helidon.health;
    requires io.helidon.metrics.api;
    requires io.helidon.config;
    requires io.helidon.config.yaml;
    requires io.helidon.logging.common;

    exports io.twtbridge.gateway;
}
