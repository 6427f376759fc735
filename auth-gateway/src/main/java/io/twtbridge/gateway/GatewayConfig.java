package io.twtbridge.gateway;

import io.helidon.config.Config;
import io.twtbridge.twitter.ConfigKeys;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The gateway's limits and origin policy, from the {@code gateway} config node (see application.yaml for each key
 * and its environment variable). Only {@link #from(Config)} makes one, in the process ({@link Main#setup}) and in
 * every test, bench and the local stack alike (a test sets what differs as application.yaml keys over the file,
 * {@link ConfigKeys#applicationYaml}); nothing calls the canonical constructor by position.
 *
 * @param allowedOrigins      origins whose pages may open the WebSocket (e.g. {@code https://app.example.com});
 *                            empty means same-origin only (the Origin must match the Host the gateway sees)
 * @param allowMissingOrigin  whether a handshake without an Origin header (not a browser) is accepted
 * @param maxMessageBytes     largest text message; larger closes with 1009
 * @param idleTimeout         a connection with no message for this long closes with 1001
 * @param messagesPerMinute   messages one connection may send per minute; more closes with 1008
 * @param connectionsPerAddress open connections one client address may hold; more closes with 1013
 * @param clientAddressHeader the header our proxies append the client's address to (X-Forwarded-For)
 * @param trustedProxies      which hops in front of the gateway are ours; none means the socket's peer is the client
 * @param pingInterval        how often an open connection is pinged; one unanswered for this long closes it
 * @param xCallsPerMinute     calls to X the whole gateway may make per minute (also the burst)
 * @param xCallsPerMinutePerAddress calls to X made for one client address per minute, across its connections
 * @param sealedTokens        whether logins answer a sealed token ({@link TokenSealing}): off, json or all
 * @param callbackPendingTtl  the callback login: how long a started login may wait for X's redirect (at most 15 min)
 * @param callbackMaxPending  the callback login: finished logins a replica remembers; more in flight are refused
 */
public record GatewayConfig(
        Set<String> allowedOrigins,
        boolean allowMissingOrigin,
        int maxMessageBytes,
        Duration idleTimeout,
        int messagesPerMinute,
        int connectionsPerAddress,
        String clientAddressHeader,
        TrustedProxies trustedProxies,
        Duration pingInterval,
        int xCallsPerMinute,
        int xCallsPerMinutePerAddress,
        TokenSealing.Mode sealedTokens,
        Duration callbackPendingTtl,
        int callbackMaxPending) {

    /**
     * Reads the {@code gateway} node of the gateway's configuration: its application.yaml (every default is there,
     * and only there) under environment variables in Main, or under a test's overrides
     * ({@link ConfigKeys#applicationYaml}).
     */
    public static GatewayConfig from(Config config) {
        Config gateway = config.get("gateway");
        return new GatewayConfig(
                Arrays.stream(string(gateway, "allowed.origins").split(","))
                        .map(String::trim)
                        .filter(s -> !s.isEmpty())
                        .collect(Collectors.toUnmodifiableSet()),
                ConfigKeys.require(gateway, "allow-missing-origin").asBoolean().get(),
                integer(gateway, "max-message-bytes"),
                ConfigKeys.requireDuration(gateway, "idle-timeout"),
                integer(gateway, "messages-per-minute"),
                integer(gateway, "connections-per-address"),
                nonBlank(gateway, "client-address-header"),
                TrustedProxies.parse(string(gateway, "trusted-proxies")),
                ConfigKeys.requireDuration(gateway, "ping-interval"),
                integer(gateway, "x-calls-per-minute"),
                integer(gateway, "x-calls-per-address-per-minute"),
                TokenSealing.Mode.parse(string(gateway, "sealed-tokens")),
                CallbackSettings.checkPendingTtl(ConfigKeys.requireDuration(gateway, "callback.pending-ttl")),
                CallbackSettings.checkMaxPending(integer(gateway, "callback.max-pending")));
    }

    private static String string(Config parent, String key) {
        return ConfigKeys.require(parent, key).asString().get();
    }

    private static String nonBlank(Config parent, String key) {
        String value = string(parent, key);
        if (value.isBlank()) {
            throw new IllegalStateException(parent.key() + "." + key + " must not be empty");
        }
        return value;
    }

    private static int integer(Config parent, String key) {
        return ConfigKeys.require(parent, key).asInt().get();
    }
}
