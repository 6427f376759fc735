package io.twtbridge.protocol;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The field layer of the legacy format: fields separated by U+00FF. Output always writes U+00FF in UTF-8
 * ({@code C3 BF}); input also accepts a lone raw {@code FF} byte.
 */
final class LegacyFields {
    /** The separator character, U+00FF ('ÿ'). */
    static final char SEPARATOR = '\u00FF';

    static final String SEPARATOR_STRING = String.valueOf(SEPARATOR);

    private LegacyFields() {}

    /** The raw byte slices between separators, before any decoding. */
    static List<byte[]> splitBytes(byte[] body) {
        List<byte[]> parts = new ArrayList<>();
        int start = 0;
        int i = 0;
        while (i < body.length) {
            int b = body[i] & 0xFF;
            if (b == 0xC3 && i + 1 < body.length && (body[i + 1] & 0xFF) == 0xBF) {
                parts.add(Arrays.copyOfRange(body, start, i));
                i += 2;
                start = i;
            } else if (b == 0xFF) {
                parts.add(Arrays.copyOfRange(body, start, i));
                i += 1;
                start = i;
            } else {
                i += 1;
            }
        }
        parts.add(Arrays.copyOfRange(body, start, body.length));
        return parts;
    }

    /** Splits text on U+00FF, keeping empty fields (also trailing ones). */
    static List<String> splitText(String text) {
        List<String> parts = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == SEPARATOR) {
                parts.add(text.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(text.substring(start));
        return parts;
    }

    /** Joins fields with U+00FF. A field that holds U+00FF itself is a programming error. */
    static String joinText(List<String> fields) {
        for (String f : fields) {
            if (f.indexOf(SEPARATOR) >= 0) {
                throw new IllegalArgumentException("a legacy field cannot contain U+00FF");
            }
        }
        return String.join(SEPARATOR_STRING, fields);
    }

    static byte[] join(List<String> fields) {
        return joinText(fields).getBytes(StandardCharsets.UTF_8);
    }
}
