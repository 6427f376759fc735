package io.twtbridge.sealing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twtbridge.protocol.Tokens;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class SealerTest {
    private static final byte[] SECRET = "token-123\nsecret-456".getBytes(StandardCharsets.UTF_8);

    @Test
    void roundTripIsRandomizedAndOpaque() {
        Sealer s = new Sealer(SealKeys.parse(SealKeys.generate("k1")));
        String a = s.seal("access", SECRET);
        String b = s.seal("access", SECRET);
        assertNotEquals(a, b);
        assertTrue(a.startsWith("tb1.k1."), a);
        assertFalse(a.contains("token-123"));
        assertArrayEquals(SECRET, s.open("access", a).orElseThrow());
        assertArrayEquals(SECRET, s.open("access", b).orElseThrow());
    }

    @Test
    void everyChangedCharacterAndEveryTruncationIsRefused() {
        Sealer s = new Sealer(SealKeys.parse(SealKeys.generate("k1")));
        String t = s.seal("access", SECRET);
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            String changed = t.substring(0, i) + (c == 'A' ? 'B' : 'A') + t.substring(i + 1);
            assertTrue(s.open("access", changed).isEmpty(), "changed at " + i);
            assertTrue(s.open("access", t.substring(0, i)).isEmpty(), "truncated to " + i);
        }
        assertTrue(s.open("access", t + "A").isEmpty());
        assertTrue(s.open("access", "x".repeat(Sealer.MAX_SEALED_CHARS + 1)).isEmpty());
        assertTrue(s.open("access", null).isEmpty());
    }

    @Test
    void aPurposeNeverOpensAnother() {
        Sealer s = new Sealer(SealKeys.parse(SealKeys.generate("k1")));
        assertTrue(s.open("callback", s.seal("access", SECRET)).isEmpty());
    }

    @Test
    void rotationOldKeyStillOpensNewKeySeals() {
        String k1 = SealKeys.generate("k1");
        String k2 = SealKeys.generate("k2");
        String old = new Sealer(SealKeys.parse(k1)).seal("access", SECRET);
        Sealer rotated = new Sealer(SealKeys.parse(k2 + "," + k1));
        assertArrayEquals(SECRET, rotated.open("access", old).orElseThrow());
        String fresh = rotated.seal("access", SECRET);
        assertEquals("k2", Sealer.keyId(fresh).orElseThrow());
        // once k1 is dropped, what it sealed no longer opens
        assertTrue(new Sealer(SealKeys.parse(k2)).open("access", old).isEmpty());
        assertArrayEquals(
                SECRET, new Sealer(SealKeys.parse(k2)).open("access", fresh).orElseThrow());
    }

    @Test
    void anotherDeploymentsTokenIsRefusedEvenWithTheSameKeyId() {
        String theirs = new Sealer(SealKeys.parse(SealKeys.generate("k1"))).seal("access", SECRET);
        assertTrue(new Sealer(SealKeys.parse(SealKeys.generate("k1")))
                .open("access", theirs)
                .isEmpty());
        assertTrue(new Sealer(SealKeys.parse(SealKeys.generate("k9")))
                .open("access", theirs)
                .isEmpty());
    }

    @Test
    void badKeyTextIsRefusedWithoutEchoingTheKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SealKeys.parse("k1:c2hvcnQ="));
        assertFalse(e.getMessage().contains("c2hvcnQ"));
        assertThrows(IllegalArgumentException.class, () -> SealKeys.parse("K1:" + "A".repeat(44)));
        String text = SealKeys.generate("k1");
        assertFalse(SealKeys.parse(text).toString().contains(text.substring(3, 20)));
    }

    @Test
    void theExampleInRpcFormatOpens() {
        SealedTokens t =
                new SealedTokens(new Sealer(SealKeys.parse("k1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")));
        SealedTokens.Opened o = t.open(Tokens.sealed("tb1.k1.A22zOmLqLQtJY71K445ytttEKnicqMIGxrmYtNItoOY82zGXF4NI"))
                .orElseThrow();
        assertEquals("42", o.userId());
        assertEquals(new Tokens("42-at", "as"), o.accessToken());
    }

    @Test
    void aLocalFileIsGeneratedOnceAndReused() throws Exception {
        Path file = Files.createTempDirectory("sealing").resolve("sealing.keys");
        SealKeys first = SealKeys.fromFile(file);
        String sealed = new Sealer(first).seal("access", SECRET);
        assertArrayEquals(
                SECRET,
                new Sealer(SealKeys.fromFile(file)).open("access", sealed).orElseThrow());
    }
}
