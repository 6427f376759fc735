package io.twtbridge.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twtbridge.protocol.Tokens;
import io.twtbridge.sandbox.TwitterSandbox;
import io.twtbridge.sealing.SealKeys;
import io.twtbridge.sealing.SealedTokens;
import io.twtbridge.sealing.Sealer;
import io.twtbridge.twitter.XClient;
import io.twtbridge.twitter.XResult;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * GATEWAY_SEALED_TOKENS: the gateway answers one sealed token; the worker's opener (the same {@link SealedTokens})
 * gets the user's real tokens back, which post on X (the sandbox).
 */
class SealedTokenGatewayTest {
    private static final String RING = SealKeys.generate("k1");
    private static TwitterSandbox sandbox;

    @BeforeAll
    static void start() {
        sandbox = TwitterSandbox.start(TwitterSandbox.Settings.defaults());
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    private static GatewayFixture gateway(String mode) {
        return new GatewayFixture(sandbox, GatewayFixture.config("sealed-tokens", mode), 0, "oob", Optional.of(RING));
    }

    /** A PIN login over one connection; {@code json} chooses the frames. Answers the verify_pin reply. */
    private static String login(GatewayFixture g, boolean json, String screenName) throws Exception {
        WsClient ws = g.connect();
        try {
            String started = ws.call(json ? "{\"id\":\"1\",\"command\":\"auth\"}" : "auth");
            Matcher m = Pattern.compile(
                            json
                                    ? "\"request_token\":\"([^\"]+)\",\"request_token_secret\":\"([^\"]+)\""
                                    : "ÿ([^ÿ]+)ÿ([^ÿ]+)$")
                    .matcher(started);
            assertTrue(m.find(), started);
            String pin = sandbox.users().authorize(m.group(1), screenName).orElseThrow();
            return ws.call(
                    json
                            ? "{\"id\":\"2\",\"command\":\"verify_pin\",\"pin\":\"" + pin + "\",\"request_token\":\""
                                    + m.group(1) + "\",\"request_token_secret\":\"" + m.group(2) + "\"}"
                            : "verify_pinÿ" + pin + "ÿ" + m.group(1) + "ÿ" + m.group(2));
        } finally {
            ws.close();
        }
    }

    private static void postsAs(Tokens tokens, String screenName) {
        XClient x = GatewayFixture.x(sandbox);
        assertInstanceOf(
                XResult.Ok.class, x.post(tokens, "via a sealed token " + screenName, List.of(), Optional.empty()));
        assertEquals(screenName, sandbox.posts().all().getLast().authorScreenName());
    }

    @Test
    void jsonFramesAnswerASealedTokenThatTheWorkerOpens() throws Exception {
        sandbox.reset();
        try (GatewayFixture g = gateway("json")) {
            String reply = login(g, true, "sealed_json");
            assertFalse(reply.contains("access_token"), reply);
            Matcher m = Pattern.compile("\"sealed_token\":\"(tb1\\.k1\\.[A-Za-z0-9_-]+)\"")
                    .matcher(reply);
            assertTrue(m.find(), reply);
            Tokens opened = new SealedTokens(new Sealer(SealKeys.parse(RING)))
                    .open(Tokens.sealed(m.group(1)))
                    .orElseThrow()
                    .accessToken();
            postsAs(opened, "sealed_json");
            // Legacy frames are unchanged in the json mode: the token and its secret.
            String legacy = login(g, false, "legacy_raw");
            String[] fields = legacy.split("ÿ", -1);
            assertEquals(4, fields.length, legacy);
            assertFalse(fields[2].startsWith("tb1.") || fields[3].isEmpty(), legacy);
            postsAs(new Tokens(fields[2], fields[3]), "legacy_raw");
        }
    }

    @Test
    void inTheAllModeLegacyFramesCarryTheSealedTokenWithAnEmptySecret() throws Exception {
        sandbox.reset();
        try (GatewayFixture g = gateway("all")) {
            String legacy = login(g, false, "legacy_sealed");
            String[] fields = legacy.split("ÿ", -1);
            assertEquals(4, fields.length, legacy);
            assertTrue(fields[2].startsWith("tb1.k1.") && fields[3].isEmpty(), legacy);
            Tokens opened = new SealedTokens(new Sealer(SealKeys.parse(RING)))
                    .open(Tokens.sealed(fields[2]))
                    .orElseThrow()
                    .accessToken();
            postsAs(opened, "legacy_sealed");
            // Another deployment's keys do not open it.
            assertTrue(new SealedTokens(new Sealer(SealKeys.parse(SealKeys.generate("k1"))))
                    .open(Tokens.sealed(fields[2]))
                    .isEmpty());
        }
    }
}
