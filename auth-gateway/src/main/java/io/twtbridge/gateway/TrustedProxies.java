package io.twtbridge.gateway;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which hops in front of the gateway are ours ({@code GATEWAY_TRUSTED_PROXIES}), and so which entry of
 * X-Forwarded-For is the client: the right-most one that no trusted proxy wrote. The left-most entries are whatever
 * the client sent and are never used while a trusted proxy is to their right.
 */
sealed interface TrustedProxies {
    /** No proxy is trusted: the client is the socket's peer and X-Forwarded-For is ignored. */
    record None() implements TrustedProxies {}

    /** The last {@code count} hops (the socket's peer included) are our proxies, each appending to X-Forwarded-For. */
    record Hops(int count) implements TrustedProxies {}

    /** Hops whose address falls in one of these networks are our proxies. */
    record Networks(List<Cidr> cidrs) implements TrustedProxies {}

    /** {@code ""} (none), a hop count such as {@code 1}, or comma-separated CIDRs such as {@code 10.0.0.0/8,fd00::/8}. */
    static TrustedProxies parse(String value) {
        String v = value.trim();
        if (v.isEmpty() || v.equals("0")) {
            return new None();
        }
        if (v.chars().allMatch(Character::isDigit)) {
            return new Hops(Integer.parseInt(v));
        }
        return new Networks(Arrays.stream(v.split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .map(Cidr::parse)
                .toList());
    }

    /**
     * The client's address.
     *
     * @param forwardedFor the X-Forwarded-For header lines, in order (each may hold several comma-separated entries)
     * @param peer         the socket's peer address
     */
    default String clientAddress(List<String> forwardedFor, String peer) {
        List<String> chain = new ArrayList<>();
        for (String line : forwardedFor) {
            for (String entry : line.split(",")) {
                if (!entry.isBlank()) {
                    chain.add(entry.trim());
                }
            }
        }
        chain.add(peer);
        return switch (this) {
            case None n -> peer;
            case Hops h -> chain.get(Math.max(0, chain.size() - 1 - h.count()));
            case Networks n -> {
                for (int i = chain.size() - 1; i > 0; i--) {
                    String hop = chain.get(i);
                    if (Cidr.address(hop)
                            .filter(a -> n.cidrs().stream().anyMatch(c -> c.contains(a)))
                            .isEmpty()) {
                        yield hop;
                    }
                }
                yield chain.getFirst();
            }
        };
    }

    /**
     * What per-address limits count: an IPv4 address as is, an IPv6 address as its /64 (what one subscriber usually
     * holds, so rotating through it gains nothing), anything else as is.
     */
    static String limitKey(String address) {
        return Cidr.address(address)
                .filter(a -> a.getAddress().length == 16)
                .map(a -> {
                    byte[] b = Arrays.copyOf(a.getAddress(), 16);
                    Arrays.fill(b, 8, 16, (byte) 0);
                    try {
                        return InetAddress.getByAddress(b).getHostAddress() + "/64";
                    } catch (UnknownHostException e) {
                        throw new IllegalStateException(e); // 16 bytes are always an address
                    }
                })
                .orElse(address);
    }

    /** A network such as {@code 10.0.0.0/8}; a bare address is a network of one. */
    record Cidr(byte[] network, int prefix) {
        private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
        private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");

        static Cidr parse(String text) {
            int slash = text.indexOf('/');
            byte[] net = address(slash < 0 ? text : text.substring(0, slash))
                    .orElseThrow(() -> new IllegalArgumentException("not an IP network: " + text))
                    .getAddress();
            int prefix = slash < 0 ? net.length * 8 : Integer.parseInt(text.substring(slash + 1));
            if (prefix < 0 || prefix > net.length * 8) {
                throw new IllegalArgumentException("bad prefix length: " + text);
            }
            return new Cidr(net, prefix);
        }

        boolean contains(InetAddress address) {
            byte[] a = address.getAddress();
            if (a.length != network.length) {
                return false;
            }
            int bits = a.length * 8;
            BigInteger mask = BigInteger.ONE
                    .shiftLeft(bits)
                    .subtract(BigInteger.ONE)
                    .shiftRight(prefix)
                    .not();
            return new BigInteger(1, a).and(mask).equals(new BigInteger(1, network).and(mask));
        }

        /** An IP literal (IPv4, IPv6, optionally in brackets) without any name lookup; empty for anything else. */
        static Optional<InetAddress> address(String text) {
            String t = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
            if (!IPV4.matcher(t).matches() && !IPV6.matcher(t).matches()) {
                return Optional.empty();
            }
            try {
                return Optional.of(InetAddress.getByName(t));
            } catch (UnknownHostException e) {
                return Optional.empty();
            }
        }
    }
}
