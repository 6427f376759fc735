package io.twtbridge.sealing;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * The plaintext inside a sealed text: short fields joined by a newline. Fields never hold a newline (the tokens,
 * ids and screen names we seal are printable ASCII); a field with one is refused.
 */
public final class Fields {
    private Fields() {}

    public static byte[] join(String... fields) {
        for (String f : fields) {
            if (f.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("a sealed field holds a newline");
            }
        }
        return String.join("\n", fields).getBytes(StandardCharsets.UTF_8);
    }

    /** The fields of an opened plaintext, when there are exactly {@code count}. */
    public static Optional<List<String>> split(byte[] plaintext, int count) {
        List<String> fields = List.of(new String(plaintext, StandardCharsets.UTF_8).split("\n", -1));
        return fields.size() == count ? Optional.of(fields) : Optional.empty();
    }
}
