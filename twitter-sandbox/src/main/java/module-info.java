/**
 * A runnable fake of the part of X that twt-bridge uses: OAuth 1.0a (request token, authorize page with a PIN,
 * access token), {@code POST /2/tweets}, the v2 media endpoints, rate limits, duplicates, revoked tokens, and
 * a {@code /sandbox} control API for tests, demos and benchmarks. See the module's README.md.
 */
module io.twtbridge.sandbox {
    requires io.helidon.webserver;
    requires io.helidon.config;
    requires io.helidon.config.yaml;
    requires io.helidon.common.media.type;
    requires io.helidon.logging.common;
    requires jakarta.json;
    requires twitter.text;
    requires java.logging;

    exports io.twtbridge.sandbox;
}
