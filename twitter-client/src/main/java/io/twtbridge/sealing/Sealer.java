package io.twtbridge.sealing;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * Seals bytes into an opaque, URL- and cookie-safe text, and opens it again: AES-256-GCM from the JDK with a random
 * 96-bit nonce per seal. Envelope: {@code tb1.<key id>.<base64url(nonce ‖ ciphertext ‖ 128-bit tag)>}. The
 * associated data binds the version, the purpose and the key id, so a token sealed for one purpose never opens
 * for another and a key id cannot be swapped. Opening fails closed: too long, malformed, unknown key id, or any
 * changed byte gives empty, never an exception and never a reason that could help an attacker.
 */
public final class Sealer {
    /** The longest sealed text accepted; longer is refused before any decoding. */
    public static final int MAX_SEALED_CHARS = 2048;

    private static final String VERSION = "tb1";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final Pattern SHAPE = Pattern.compile("tb1\\.([a-z0-9-]{1,16})\\.([A-Za-z0-9_-]+)");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SealKeys keys;

    public Sealer(SealKeys keys) {
        this.keys = Objects.requireNonNull(keys, "keys");
    }

    /** Seals {@code plaintext} for {@code purpose} with the primary key. */
    public String seal(String purpose, byte[] plaintext) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        String id = keys.primaryId();
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, keys.keys().get(id), new GCMParameterSpec(TAG_BITS, nonce));
            c.updateAAD(aad(purpose, id));
            byte[] sealed = c.doFinal(plaintext);
            byte[] out = ByteBuffer.allocate(nonce.length + sealed.length)
                    .put(nonce)
                    .put(sealed)
                    .array();
            String text = VERSION + "." + id + "."
                    + Base64.getUrlEncoder().withoutPadding().encodeToString(out);
            if (text.length() > MAX_SEALED_CHARS) {
                throw new IllegalArgumentException("plaintext too large to seal");
            }
            return text;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    /** Opens a text sealed for {@code purpose}; empty when it is not exactly what one of our keys sealed. */
    public Optional<byte[]> open(String purpose, String sealed) {
        if (sealed == null || sealed.length() > MAX_SEALED_CHARS) {
            return Optional.empty();
        }
        var m = SHAPE.matcher(sealed);
        if (!m.matches()) {
            return Optional.empty();
        }
        SecretKey key = keys.keys().get(m.group(1));
        if (key == null) {
            return Optional.empty();
        }
        byte[] raw;
        try {
            raw = Base64.getUrlDecoder().decode(m.group(2));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (raw.length < NONCE_BYTES + TAG_BITS / 8) {
            return Optional.empty();
        }
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, raw, 0, NONCE_BYTES));
            c.updateAAD(aad(purpose, m.group(1)));
            return Optional.of(c.doFinal(raw, NONCE_BYTES, raw.length - NONCE_BYTES));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The key id a sealed text names, when it has the envelope's shape (not a proof that it opens). */
    public static Optional<String> keyId(String sealed) {
        if (sealed == null || sealed.length() > MAX_SEALED_CHARS) {
            return Optional.empty();
        }
        var m = SHAPE.matcher(sealed);
        return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
    }

    private static byte[] aad(String purpose, String keyId) {
        return ("twt-bridge/" + VERSION + "/" + purpose + "/" + keyId).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "Sealer[" + keys + "]";
    }
}
