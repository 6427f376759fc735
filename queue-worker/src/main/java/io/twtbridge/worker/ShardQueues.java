package io.twtbridge.worker;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Which shard a request belongs to. A post's shard is decided by its user (the access token, the same in both
 * formats), so one user's requests always land in the same shard queue; a request without a user (auth,
 * verify_pin, a malformed one) goes to any shard. Users are named outside memory only by {@link #userHash}.
 */
final class ShardQueues {
    private ShardQueues() {}

    /** The shard of a key, in {@code [0, shards)}: the first 8 bytes of its SHA-256, modulo the count. */
    static int shardOf(byte[] key, int shards) {
        byte[] h = sha256(key);
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (h[i] & 0xff);
        }
        return (int) Math.floorMod(v, (long) shards);
    }

    static int shardOf(String key, int shards) {
        return shardOf(key.getBytes(StandardCharsets.UTF_8), shards);
    }

    /** A user as the shard state names it: 32 hex digits of the SHA-256 of the token, never the token. */
    static String userHash(String token) {
        return HexFormat.of().formatHex(sha256(token.getBytes(StandardCharsets.UTF_8)), 0, 16);
    }

    /** A request's fingerprint (its body), to recognise it when it is delivered again. */
    static String fingerprint(byte[] body) {
        return HexFormat.of().formatHex(sha256(body), 0, 16);
    }

    /** Looked up once; each use takes a copy ({@code getInstance} searches the security providers on every call). */
    private static final MessageDigest SHA_256;

    static {
        try {
            SHA_256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] sha256(byte[] b) {
        try {
            return ((MessageDigest) SHA_256.clone()).digest(b);
        } catch (CloneNotSupportedException e) {
            try {
                return MessageDigest.getInstance("SHA-256").digest(b);
            } catch (NoSuchAlgorithmException impossible) {
                throw new IllegalStateException(impossible);
            }
        }
    }
}
