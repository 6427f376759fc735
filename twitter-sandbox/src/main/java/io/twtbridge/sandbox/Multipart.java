package io.twtbridge.sandbox;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** A minimal multipart/form-data reader (RFC 7578): part name to bytes. */
final class Multipart {
    private Multipart() {}

    static Optional<String> boundary(String contentType) {
        if (contentType == null || !contentType.toLowerCase().startsWith("multipart/form-data")) {
            return Optional.empty();
        }
        for (String p : contentType.split(";")) {
            String t = p.trim();
            if (t.toLowerCase().startsWith("boundary=")) {
                String b = t.substring(9);
                if (b.startsWith("\"") && b.endsWith("\"") && b.length() >= 2) {
                    b = b.substring(1, b.length() - 1);
                }
                return Optional.of(b);
            }
        }
        return Optional.empty();
    }

    /** The parts by name; empty when the body is not well-formed. */
    static Optional<Map<String, byte[]>> parse(byte[] body, String boundary) {
        byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        Map<String, byte[]> parts = new HashMap<>();
        int pos = indexOf(body, delimiter, 0);
        if (pos < 0) {
            return Optional.empty();
        }
        while (true) {
            int afterDelim = pos + delimiter.length;
            if (afterDelim + 1 < body.length && body[afterDelim] == '-' && body[afterDelim + 1] == '-') {
                return Optional.of(parts);
            }
            int headersStart = afterDelim + 2; // CRLF
            int headersEnd = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), headersStart);
            if (headersEnd < 0) {
                return Optional.empty();
            }
            String headers = new String(body, headersStart, headersEnd - headersStart, StandardCharsets.UTF_8);
            int next = indexOf(body, ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1), headersEnd + 4);
            if (next < 0) {
                return Optional.empty();
            }
            byte[] content = Arrays.copyOfRange(body, headersEnd + 4, next);
            name(headers).ifPresent(n -> parts.put(n, content));
            pos = next + 2;
        }
    }

    private static Optional<String> name(String headers) {
        for (String line : headers.split("\r\n")) {
            if (line.toLowerCase().startsWith("content-disposition:")) {
                int i = line.indexOf("name=\"");
                if (i >= 0) {
                    int end = line.indexOf('"', i + 6);
                    if (end > 0) {
                        return Optional.of(line.substring(i + 6, end));
                    }
                }
            }
        }
        return Optional.empty();
    }

    private static int indexOf(byte[] hay, byte[] needle, int from) {
        outer:
        for (int i = Math.max(0, from); i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
