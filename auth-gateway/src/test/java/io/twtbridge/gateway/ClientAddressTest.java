package io.twtbridge.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpServer;
import io.twtbridge.sandbox.TwitterSandbox;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The client's address: the right-most X-Forwarded-For entry no trusted proxy wrote, never one the client chose. The
 * WebSocket test's gateway (one ingress in front, two connections per address) is set up as the process does it
 * ({@link Main#setup}, on Helidon's test server).
 */
@ServerTest
class ClientAddressTest {
    private static TwitterSandbox sandbox;
    private static Gateway gateway;
    private final URI ws;

    ClientAddressTest(URI base) {
        this.ws = URI.create("ws://" + base.getAuthority() + "/");
    }

    @SetUpServer
    static void server(WebServerConfig.Builder server) {
        sandbox = TwitterSandbox.start(TwitterSandbox.Settings.defaults());
        gateway = Main.setup(
                server,
                GatewayFixture.processConfig(
                        sandbox,
                        GatewayFixture.config("trusted-proxies", "1", "connections-per-address", "2"),
                        "oob",
                        Optional.empty()));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        sandbox.close();
    }

    private WsClient connect(String... forwardedFor) {
        return WsClient.connect(ws, GatewayFixture.ORIGIN, forwardedFor);
    }

    private static String address(String trusted, String peer, String... forwardedFor) {
        return TrustedProxies.parse(trusted).clientAddress(List.of(forwardedFor), peer);
    }

    @Test
    void withoutTrustedProxiesTheHeaderIsIgnored() {
        assertEquals("10.0.0.5", address("", "10.0.0.5", "6.6.6.6"));
    }

    @Test
    void hopCountsTakeTheEntryTheOutermostTrustedProxyWrote() {
        assertEquals("203.0.113.7", address("1", "10.0.0.5", "6.6.6.6, 7.7.7.7, 203.0.113.7"));
        assertEquals("203.0.113.7", address("2", "10.0.0.5", "6.6.6.6, 203.0.113.7", "10.0.0.9"));
        assertEquals("203.0.113.7", address("1", "10.0.0.5", "203.0.113.7"));
        assertEquals(
                "10.0.0.5",
                address("1", "10.0.0.5"),
                "no header: the peer (a misconfiguration, but never a client's value)");
    }

    @Test
    void networksSkipEveryTrustedHopFromTheRight() {
        String trusted = "10.0.0.0/8, 192.168.0.0/16, fd00::/8";
        assertEquals("203.0.113.7", address(trusted, "10.0.0.5", "6.6.6.6, 203.0.113.7, 192.168.1.1"));
        assertEquals("2001:db8::1", address(trusted, "fd00::5", "6.6.6.6, 2001:db8::1"));
        assertEquals("not-an-ip", address(trusted, "10.0.0.5", "6.6.6.6, not-an-ip, 10.1.1.1"));
        assertEquals("203.0.113.9", address(trusted, "203.0.113.9", "6.6.6.6"), "an untrusted peer is the client");
    }

    @Test
    void limitsCountAnIpv6ClientByItsSlash64() {
        assertEquals("2001:db8:1:2:0:0:0:0/64", TrustedProxies.limitKey("2001:db8:1:2:aaaa:bbbb:cccc:dddd"));
        assertEquals("2001:db8:1:2:0:0:0:0/64", TrustedProxies.limitKey("[2001:db8:1:2::1]"));
        assertEquals("203.0.113.7", TrustedProxies.limitKey("203.0.113.7"));
    }

    @Test
    void badSettingsStopStartUp() {
        assertThrows(IllegalArgumentException.class, () -> TrustedProxies.parse("10.0.0.0/33"));
        assertThrows(IllegalArgumentException.class, () -> TrustedProxies.parse("ingress.local"));
    }

    /** Over real WebSockets: forged left-most entries do not spread one client over many addresses. */
    @Test
    void forgedLeftMostEntriesAreAttributedToTheRealAddress() throws Exception {
        // Each counted before the next connects: the gateway counts a connection once it is open, after the client
        // has its handshake answer, so under load a later connection could be counted first and another one closed.
        int before = gateway.openConnections();
        WsClient a = connect("1.1.1.1, 203.0.113.7");
        GatewayFixture.await("the first connection counted", () -> gateway.openConnections() == before + 1);
        WsClient b = connect("2.2.2.2", "203.0.113.7");
        GatewayFixture.await("the second connection counted", () -> gateway.openConnections() == before + 2);
        WsClient c = connect("3.3.3.3, 203.0.113.7");
        assertEquals(1013, c.closeCode(), "the third connection of 203.0.113.7, whatever it claims to be");
        WsClient other = connect("3.3.3.3, 198.51.100.1");
        assertEquals(5, other.call("auth").split("ÿ", -1).length);
        assertFalse(a.closed.isDone() || b.closed.isDone());
        List.of(a, b, other).forEach(WsClient::close);
    }
}
