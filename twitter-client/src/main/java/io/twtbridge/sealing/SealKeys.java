package io.twtbridge.sealing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The AES-256 keys that seal and open, each with an id. The first key of the text form seals; every key opens, so
 * a rotation adds the new key in front and drops the old one once nothing sealed with it is in use any more.
 * Text form: {@code id:base64key[,id:base64key...]} (ids {@code [a-z0-9-]{1,16}}, keys 32 bytes). {@link #toString()}
 * shows the ids only.
 */
public record SealKeys(String primaryId, Map<String, SecretKey> keys) {
    static final Pattern ID = Pattern.compile("[a-z0-9-]{1,16}");
    private static final SecureRandom RANDOM = new SecureRandom();

    public SealKeys {
        Objects.requireNonNull(primaryId, "primaryId");
        keys = Map.copyOf(keys);
        if (!keys.containsKey(primaryId)) {
            throw new IllegalArgumentException("the primary key id is not among the keys");
        }
    }

    /** Parses the text form; the message of the exception never holds key material. */
    public static SealKeys parse(String text) {
        Map<String, SecretKey> keys = new LinkedHashMap<>();
        String primary = null;
        for (String entry : text.strip().split("[,\\s]+")) {
            int colon = entry.indexOf(':');
            String id = colon < 0 ? "" : entry.substring(0, colon);
            if (!ID.matcher(id).matches()) {
                throw new IllegalArgumentException(
                        "sealing keys: each entry is id:base64key with an id of [a-z0-9-]{1,16}");
            }
            byte[] raw;
            try {
                raw = Base64.getDecoder().decode(entry.substring(colon + 1));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("sealing keys: key " + id + " is not base64");
            }
            if (raw.length != 32) {
                throw new IllegalArgumentException("sealing keys: key " + id + " is not 32 bytes");
            }
            if (keys.putIfAbsent(id, new SecretKeySpec(raw, "AES")) != null) {
                throw new IllegalArgumentException("sealing keys: key id " + id + " appears twice");
            }
            primary = primary == null ? id : primary;
        }
        return new SealKeys(primary, keys);
    }

    /** A new random key with this id, in text form (what {@code create-secrets.sh} and {@link #fromFile} write). */
    public static String generate(String id) {
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("key id must match [a-z0-9-]{1,16}");
        }
        byte[] raw = new byte[32];
        RANDOM.nextBytes(raw);
        return id + ":" + Base64.getEncoder().encodeToString(raw);
    }

    /** Reads the keys from {@code file}, first writing a new key there (owner-only) when the file does not exist: local use. */
    public static SealKeys fromFile(Path file) throws IOException {
        if (!Files.exists(file)) {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, ".sealing", ".tmp");
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system
            }
            Files.writeString(tmp, generate("local-1") + "\n", StandardCharsets.US_ASCII);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                Files.deleteIfExists(tmp); // another process wrote it first
            }
        }
        return parse(Files.readString(file, StandardCharsets.US_ASCII));
    }

    @Override
    public String toString() {
        return "SealKeys[primary=" + primaryId + ", ids=" + keys.keySet() + "]";
    }
}
