package io.twtbridge.worker;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;

/**
 * Which addresses a media URL may be fetched from: public unicast only. Refused: every IPv4 special-purpose block
 * (this network, private, shared CGNAT 100.64.0.0/10, loopback, link-local, IETF protocol assignments,
 * documentation, 6to4 relay, benchmarking, multicast, reserved, broadcast), and for IPv6 everything outside global
 * unicast 2000::/3 (unspecified, loopback, IPv4-mapped and -compatible, NAT64 64:ff9b::/96 and 64:ff9b:1::/48,
 * discard-only, unique-local, link-local, site-local, multicast), and inside it the blocks that reach other
 * networks or are not routed: IETF assignments 2001::/23 (Teredo 2001::/32 among them), documentation
 * 2001:db8::/32 and 3fff::/20, 6to4 2002::/16.
 */
final class AddressPolicy {
    private AddressPolicy() {}

    /** A block of addresses, as the address bytes of its start and a prefix length. */
    private record Block(byte[] start, int prefix, String name) {
        static Block of(String cidr, String name) {
            int slash = cidr.indexOf('/');
            byte[] b = literal(cidr.substring(0, slash));
            return new Block(b, Integer.parseInt(cidr.substring(slash + 1)), name);
        }

        boolean contains(byte[] a) {
            if (a.length != start.length) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (a[i] != start[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xFF << (8 - rest)) & 0xFF;
            return (a[full] & mask) == (start[full] & mask);
        }
    }

    private static final List<Block> V4 = List.of(
            Block.of("0.0.0.0/8", "this network"),
            Block.of("10.0.0.0/8", "private"),
            Block.of("100.64.0.0/10", "shared address space (CGNAT)"),
            Block.of("127.0.0.0/8", "loopback"),
            Block.of("169.254.0.0/16", "link-local"),
            Block.of("172.16.0.0/12", "private"),
            Block.of("192.0.0.0/24", "IETF protocol assignments"),
            Block.of("192.0.2.0/24", "documentation"),
            Block.of("192.88.99.0/24", "6to4 relay"),
            Block.of("192.168.0.0/16", "private"),
            Block.of("198.18.0.0/15", "benchmarking"),
            Block.of("198.51.100.0/24", "documentation"),
            Block.of("203.0.113.0/24", "documentation"),
            Block.of("224.0.0.0/4", "multicast"),
            Block.of("240.0.0.0/4", "reserved"));

    /** Refused inside 2000::/3 (everything outside it is refused). */
    private static final List<Block> V6 = List.of(
            Block.of("2001::/23", "IETF protocol assignments (Teredo among them)"),
            Block.of("2001:db8::/32", "documentation"),
            Block.of("2002::/16", "6to4"),
            Block.of("3fff::/20", "documentation"));

    private static final Block GLOBAL_UNICAST = Block.of("2000::/3", "global unicast");

    /** Why this address may not be fetched from, or empty when it is a public unicast address. */
    static Optional<String> refusal(InetAddress address) {
        byte[] a = address.getAddress();
        if (address instanceof Inet4Address) {
            return V4.stream().filter(b -> b.contains(a)).findFirst().map(Block::name);
        }
        if (address instanceof Inet6Address) {
            if (!GLOBAL_UNICAST.contains(a)) {
                return Optional.of(
                        address.isAnyLocalAddress()
                                ? "unspecified"
                                : address.isLoopbackAddress()
                                        ? "loopback"
                                        : isMappedOrCompatible(a)
                                                ? "IPv4-mapped or -compatible IPv6"
                                                : "not global unicast IPv6");
            }
            return V6.stream().filter(b -> b.contains(a)).findFirst().map(Block::name);
        }
        return Optional.of("unknown address family");
    }

    private static boolean isMappedOrCompatible(byte[] a) {
        for (int i = 0; i < 10; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return (a[10] == 0 && a[11] == 0) || (a[10] == (byte) 0xFF && a[11] == (byte) 0xFF);
    }

    /** The bytes of an address literal (never a name: no lookup). */
    static byte[] literal(String s) {
        try {
            if (!s.contains(":") && !s.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'))) {
                throw new IllegalArgumentException("not an address literal: " + s);
            }
            return InetAddress.getByName(s).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an address literal: " + s, e);
        }
    }
}
