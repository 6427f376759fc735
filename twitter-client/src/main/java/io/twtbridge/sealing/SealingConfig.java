package io.twtbridge.sealing;

import io.helidon.config.Config;
import io.twtbridge.twitter.ConfigKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where both processes find the sealing keys, in the {@code sealing} config node: {@code key-ring} (env
 * {@code SEALING_KEY_RING}, from the Kubernetes Secret: {@code id:base64key[,id:base64key...]}, the first one seals)
 * or else {@code key-file} (env {@code SEALING_KEY_FILE}: a file in that form, generated with one new key when it
 * does not exist: for local use). Neither set: no keys.
 */
public final class SealingConfig {
    private SealingConfig() {}

    /** The configured keys; {@link IllegalStateException} (naming the setting, never a key) when they are invalid. */
    public static Optional<SealKeys> keys(Config sealing) {
        Optional<String> ring =
                ConfigKeys.get(sealing, "key-ring").asString().asOptional().filter(s -> !s.isBlank());
        Optional<String> file =
                ConfigKeys.get(sealing, "key-file").asString().asOptional().filter(s -> !s.isBlank());
        try {
            if (ring.isPresent()) {
                return Optional.of(SealKeys.parse(ring.get()));
            }
            if (file.isPresent()) {
                return Optional.of(SealKeys.fromFile(Path.of(file.get())));
            }
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("SEALING_KEY_RING / SEALING_KEY_FILE: " + e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException("SEALING_KEY_FILE cannot be read or written", e);
        }
    }
}
