package io.twtbridge.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * Hostile messages: decoding never throws and does bounded work. The JSON library's tree reader threw on several
 * of these (NumberFormatException "Exponent overflow", RuntimeException "Input is too deeply nested").
 */
class HostileInputPropertiesTest {
    /** Generous: a decode of at most ~2 MB that takes this long is doing something quadratic. */
    private static final long MAX_DECODE_MS = 3_000;

    static final String AUTH_PREFIX = "{\"id\":\"x\",\"command\":\"auth\",\"n\":";

    @Test
    void hugeNumbersAreNeverConvertedAndAreIgnoredAsUnknownMembers() {
        for (String n : new String[] {
            "1e9999999999", "-1E-9999999999", "1" + "0".repeat(200_000), "0." + "9".repeat(200_000) + "e99999"
        }) {
            Decoded d = decode(AUTH_PREFIX + n + "}");
            assertEquals(new Decoded.Ok(new Request.Auth("x")), d);
        }
    }

    @Test
    void aNumberWhereAStringBelongsIsAFieldError() {
        Decoded.Malformed m = assertInstanceOf(
                Decoded.Malformed.class,
                decode(
                        "{\"id\":\"x\",\"command\":\"verify_pin\",\"pin\":1e9999999999,\"request_token\":\"a\",\"request_token_secret\":\"b\"}"));
        assertEquals(Problem.INVALID_FIELD, m.problem());
        assertEquals(Optional.of("x"), m.id());
    }

    @Test
    void deepNestingIsRefusedAndAnsweredWhenTheIdCameFirst() {
        for (int depth : new int[] {JsonTree.MAX_DEPTH, 1_000, 100_000, 1_000_000}) {
            Decoded.Malformed m = assertInstanceOf(
                    Decoded.Malformed.class, decode(AUTH_PREFIX + "[".repeat(depth) + "]".repeat(depth) + "}"));
            assertEquals(Problem.INVALID_JSON, m.problem());
            assertEquals(Optional.of("x"), m.id(), "the id was read before the refusal");
            assertEquals(Optional.of(Command.AUTH), m.command());
            assertTrue(m.detail().contains("nested deeper"), m.detail());
        }
        // Nested just within the limit is fine (an unknown member).
        int ok = JsonTree.MAX_DEPTH - 1;
        assertEquals(
                new Decoded.Ok(new Request.Auth("x")), decode(AUTH_PREFIX + "[".repeat(ok) + "]".repeat(ok) + "}"));
        // Unclosed, and before the id: refused without an id (dead-lettered).
        Decoded.Malformed m = assertInstanceOf(Decoded.Malformed.class, decode("{\"a\":" + "{\"b\":".repeat(500_000)));
        assertEquals(Optional.empty(), m.id());
    }

    @Test
    void duplicateKeysTakeTheLastOneAsTheLibraryDid() {
        assertEquals(new Decoded.Ok(new Request.Auth("b")), decode("{\"id\":\"a\",\"command\":\"auth\",\"id\":\"b\"}"));
    }

    @Property(tries = 300)
    void hostileJsonNeverThrowsAndIsBounded(@ForAll("hostileJson") String body) {
        decodeBounded(body.getBytes(StandardCharsets.UTF_8));
    }

    @Property(tries = 300)
    void hostileJsonWithInvalidUtf8NeverThrows(
            @ForAll("hostileJson") String body, @ForAll("badBytes") byte[] bad, @ForAll double where) {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        int at = (int) (Math.abs(where) % 1.0 * b.length);
        byte[] out = new byte[b.length + bad.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(bad, 0, out, at, bad.length);
        System.arraycopy(b, at, out, at + bad.length, b.length - at);
        Decoded d = decodeBounded(out);
        assertInstanceOf(Decoded.Malformed.class, d);
    }

    @Property(tries = 300)
    void hostileLegacyNeverThrowsAndIsBounded(@ForAll("hostileLegacy") byte[] body) {
        long start = System.nanoTime();
        assertNotNull(LegacyQueueFormat.INSTANCE.decode(body));
        assertTrue((System.nanoTime() - start) / 1_000_000 < MAX_DECODE_MS);
    }

    static Decoded decode(String s) {
        return decodeBounded(s.getBytes(StandardCharsets.UTF_8));
    }

    static Decoded decodeBounded(byte[] body) {
        long start = System.nanoTime();
        Decoded d = JsonQueueFormat.INSTANCE.decode(body);
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertNotNull(d);
        assertTrue(ms < MAX_DECODE_MS, () -> "decoding " + body.length + " bytes took " + ms + " ms");
        return d;
    }

    @Provide
    Arbitrary<byte[]> badBytes() {
        return Arbitraries.of(
                new byte[] {(byte) 0xFF},
                new byte[] {(byte) 0xC3},
                new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
                new byte[] {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80},
                new byte[] {(byte) 0xC0, (byte) 0xAF});
    }

    /** Generated hostile JSON: values from the list below, put where the request's members go. */
    @Provide
    Arbitrary<String> hostileJson() {
        Arbitrary<String> value = hostileValue();
        Arbitrary<String> key = Arbitraries.of(
                "id",
                "command",
                "access_token",
                "access_token_secret",
                "text",
                "media",
                "pin",
                "request_token",
                "request_token_secret",
                "reply_to_tweet_id",
                "path",
                "url",
                "data",
                "alt_text",
                "zz");
        Arbitrary<String> member = Combinators.combine(key, value).as((k, v) -> "\"" + k + "\":" + v);
        Arbitrary<String> object = member.list().ofMaxSize(12).map(l -> "{" + String.join(",", l) + "}");
        Arbitrary<String> withRequest = Combinators.combine(
                        Arbitraries.of("auth", "upload_post", "verify_pin", "dance"),
                        member.list().ofMaxSize(8))
                .as((c, l) -> "{\"id\":\"h-1\",\"command\":\"" + c + "\""
                        + (l.isEmpty() ? "" : "," + String.join(",", l)) + "}");
        Arbitrary<String> truncated = Combinators.combine(
                        withRequest, Arbitraries.integers().between(0, 1000))
                .as((s, n) -> s.substring(0, Math.min(s.length(), n)));
        return Arbitraries.oneOf(object, withRequest, truncated, value);
    }

    private static Arbitrary<String> hostileValue() {
        Arbitrary<Integer> big = Arbitraries.integers().between(1, 300_000);
        return Arbitraries.oneOf(
                big.map(n -> "[".repeat(n) + "]".repeat(n)),
                big.map(n -> "[".repeat(n)),
                big.map(n -> "{\"a\":".repeat(n) + "1" + "}".repeat(n)),
                big.map(n -> "1" + "0".repeat(n)),
                big.map(n -> "1e" + "9".repeat(Math.min(n, 40))),
                big.map(n -> "-0." + "0".repeat(n) + "1E-" + n),
                big.map(n -> "\"" + "a".repeat(n) + "\""),
                big.map(n -> "\"" + "\\u0000".repeat(n / 6 + 1) + "\""),
                Arbitraries.of(
                        "\"\\ud800\"",
                        "\"\\uZZZZ\"",
                        "\"\\",
                        "tru",
                        "nul",
                        "NaN",
                        "Infinity",
                        "-",
                        "01",
                        "1.",
                        ".5",
                        "1e",
                        "\"\u0000\"",
                        "true",
                        "false",
                        "null",
                        "{}",
                        "[]",
                        "{\"path\":\"/a\"}",
                        "[{\"url\":5}]",
                        "[{\"data\":\"////\"}]",
                        "[" + "{\"data\":\"AA==\"},".repeat(10) + "{}]",
                        "{\"id\":\"y\"}",
                        "\"x\""),
                Arbitraries.strings()
                        .ofMaxLength(50)
                        .map(s -> "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\""));
    }

    @Provide
    Arbitrary<byte[]> hostileLegacy() {
        Arbitrary<String> field = Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(40),
                Arbitraries.integers().between(0, 300_000).map("a."::repeat),
                Arbitraries.of("upload_post", "auth", "verify_pin", "", "\u00FF", "\u0000"));
        return field.list().ofMaxSize(10).map(l -> String.join("\u00FF", l).getBytes(StandardCharsets.UTF_8));
    }
}
