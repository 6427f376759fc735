package io.twtbridge.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Every refused range, at its edges, and public addresses just outside them. */
class AddressPolicyTest {

    private static Optional<String> refusal(String literal) throws Exception {
        return AddressPolicy.refusal(InetAddress.getByAddress(AddressPolicy.literal(literal)));
    }

    private static void refused(String literal, String reasonPart) throws Exception {
        Optional<String> r = refusal(literal);
        assertTrue(
                r.isPresent() && r.get().contains(reasonPart),
                () -> literal + " should be refused as " + reasonPart + ", got " + r);
    }

    private static void allowed(String literal) throws Exception {
        assertEquals(Optional.empty(), refusal(literal), literal);
    }

    @Test
    void ipv4SpecialRangesAreRefusedAtBothEnds() throws Exception {
        Map<String, String[]> ranges = Map.ofEntries(
                Map.entry("this network", new String[] {"0.0.0.0", "0.255.255.255"}),
                Map.entry("private", new String[] {
                    "10.0.0.0", "10.255.255.255", "172.16.0.0", "172.31.255.255", "192.168.0.0", "192.168.255.255"
                }),
                Map.entry("CGNAT", new String[] {"100.64.0.0", "100.127.255.255"}),
                Map.entry("loopback", new String[] {"127.0.0.1", "127.255.255.255"}),
                Map.entry("link-local", new String[] {"169.254.0.0", "169.254.169.254", "169.254.255.255"}),
                Map.entry("IETF protocol assignments", new String[] {"192.0.0.0", "192.0.0.255"}),
                Map.entry("documentation", new String[] {"192.0.2.1", "198.51.100.255", "203.0.113.0"}),
                Map.entry("6to4 relay", new String[] {"192.88.99.1"}),
                Map.entry("benchmarking", new String[] {"198.18.0.0", "198.19.255.255"}),
                Map.entry("multicast", new String[] {"224.0.0.1", "239.255.255.255"}),
                Map.entry("reserved", new String[] {"240.0.0.0", "255.255.255.255"}));
        for (var e : ranges.entrySet()) {
            for (String a : e.getValue()) {
                refused(a, e.getKey());
            }
        }
        for (String a : new String[] {
            "1.1.1.1",
            "8.8.8.8",
            "9.255.255.255",
            "11.0.0.0",
            "100.63.255.255",
            "100.128.0.0",
            "126.255.255.255",
            "128.0.0.0",
            "169.253.255.255",
            "169.255.0.0",
            "172.15.255.255",
            "172.32.0.0",
            "192.0.1.0",
            "192.88.98.255",
            "192.167.255.255",
            "192.169.0.0",
            "198.17.255.255",
            "198.20.0.0",
            "223.255.255.255"
        }) {
            allowed(a);
        }
    }

    @Test
    void ipv6OutsideGlobalUnicastAndTunnelsAreRefused() throws Exception {
        refused("::", "unspecified");
        refused("::1", "loopback");
        refused("64:ff9b::7f00:1", "not global unicast"); // NAT64 of 127.0.0.1
        refused("64:ff9b::808:808", "not global unicast"); // NAT64 well-known prefix, any v4
        refused("64:ff9b:1::1", "not global unicast"); // local-use NAT64
        refused("100::1", "not global unicast"); // discard-only
        refused("fc00::1", "not global unicast");
        refused("fdff:ffff::1", "not global unicast"); // unique local
        refused("fe80::1", "not global unicast"); // link-local
        refused("fec0::1", "not global unicast"); // site-local
        refused("ff02::1", "not global unicast"); // multicast
        refused("2001::1", "Teredo"); // Teredo 2001::/32
        refused("2001:0:ffff:ffff::1", "Teredo");
        refused("2001:1ff:ffff::1", "IETF"); // end of 2001::/23
        refused("2001:db8::1", "documentation");
        refused("2002:7f00:1::1", "6to4"); // 6to4 of 127.0.0.1
        refused("2002:ffff::1", "6to4");
        refused("3fff::1", "documentation");
        allowed("2001:200::1");
        allowed("2001:4860:4860::8888");
        allowed("2003::1");
        allowed("2a00:1450:4001::1");
        allowed("3ffe:ffff::1");
    }

    @Test
    void ipv4MappedAndCompatibleIpv6AreRefusedInBothForms() throws Exception {
        // Java turns ::ffff:a.b.c.d into an IPv4 address: then the IPv4 rules apply.
        refused("::ffff:127.0.0.1", "loopback");
        refused("::ffff:10.1.2.3", "private");
        refused("::ffff:169.254.169.254", "link-local");
        // An Inet6Address holding the mapped or compatible form as such is refused whatever the IPv4 address.
        byte[] mapped = HexFormat.of().parseHex("00000000000000000000ffff08080808");
        assertEquals(
                Optional.of("IPv4-mapped or -compatible IPv6"),
                AddressPolicy.refusal(Inet6Address.getByAddress(null, mapped, -1)));
        byte[] compatible = HexFormat.of().parseHex("00000000000000000000000008080808");
        assertEquals(
                Optional.of("IPv4-mapped or -compatible IPv6"),
                AddressPolicy.refusal(Inet6Address.getByAddress(null, compatible, -1)));
    }
}
