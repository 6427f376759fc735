package io.twtbridge.gateway;

import io.helidon.config.Config;
import io.twtbridge.twitter.ConfigKeys;

import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The gateway's limits and origin policy, from the {@code gateway} config node (see application.yaml for each key
 * and its environment variable).
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
 */
public record GatewayConfig(Set<String> allowedOrigins,
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
                            TokenSealing.Mode sealedTokens) {

    public static GatewayConfig from(Config gateway) {
        return new GatewayConfig(
                Arrays.stream(gateway.get("allowed.origins").asString().orElse("").split(","))
                        .map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toUnmodifiableSet()),
                ConfigKeys.get(gateway, "allow-missing-origin").asBoolean().orElse(false),
                ConfigKeys.get(gateway, "max-message-bytes").asInt().orElse(4096),
                ConfigKeys.get(gateway, "idle-timeout").as(Duration.class).orElse(Duration.ofMinutes(5)),
                ConfigKeys.get(gateway, "messages-per-minute").asInt().orElse(30),
                ConfigKeys.get(gateway, "connections-per-address").asInt().orElse(20),
                ConfigKeys.get(gateway, "client-address-header").asString().filter(s -> !s.isBlank()).orElse("X-Forwarded-For"),
                TrustedProxies.parse(ConfigKeys.get(gateway, "trusted-proxies").asString().orElse("")),
                ConfigKeys.get(gateway, "ping-interval").as(Duration.class).orElse(Duration.ofSeconds(30)),
                ConfigKeys.get(gateway, "x-calls-per-minute").asInt().orElse(60),
                ConfigKeys.get(gateway, "x-calls-per-address-per-minute").asInt().orElse(10),
                TokenSealing.Mode.parse(ConfigKeys.get(gateway, "sealed-tokens").asString().orElse("off")));
    }
}
