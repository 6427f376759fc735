/**
 * Talks to X for both processes: the OAuth 1.0a PIN flow and posting text and images through X API v2.
 * Signs with scribejava, sends with Helidon WebClient, and answers every call with a typed
 * {@link io.twtbridge.twitter.XResult}, never a raw status code. Secrets never reach exceptions, toString() or logs.
 */
module io.twtbridge.twitter {
    requires transitive io.twtbridge.protocol;
    requires transitive io.helidon.config;
    requires io.helidon.webclient;
    requires io.helidon.webclient.api;
    requires io.helidon.http;
    requires io.helidon.common.media.type;
    requires scribejava.core;
    requires twitter.text;
    requires jakarta.json;
    requires java.logging;

    exports io.twtbridge.twitter;
    exports io.twtbridge.sealing;
}
