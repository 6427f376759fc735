package io.twtbridge.sandbox;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * OAuth 1.0a HMAC-SHA1 signature checking, written from RFC 5849 section 3.4 on its own (it does not call
 * the client's signing library, so the two cannot share a bug).
 */
final class OAuthVerifier {
    private OAuthVerifier() {}

    /** One request parameter, percent-decoded. */
    public record Param(String name, String value) {}

    /**
     * Parses an {@code Authorization: OAuth ...} header (RFC 5849 section 3.5.1) into its decoded parameters,
     * in order. Empty when the header is not an OAuth header or is malformed.
     */
    public static Optional<Map<String, String>> parseHeader(String header) {
        if (header == null || header.length() < 6 || !header.regionMatches(true, 0, "OAuth ", 0, 6)) {
            return Optional.empty();
        }
        Map<String, String> params = new LinkedHashMap<>();
        String rest = header.substring(6).trim();
        int i = 0;
        while (i < rest.length()) {
            int eq = rest.indexOf('=', i);
            if (eq < 0) {
                return Optional.empty();
            }
            String name = rest.substring(i, eq).trim();
            if (eq + 1 >= rest.length() || rest.charAt(eq + 1) != '"') {
                return Optional.empty();
            }
            int end = rest.indexOf('"', eq + 2);
            if (end < 0) {
                return Optional.empty();
            }
            String value = rest.substring(eq + 2, end);
            Optional<String> decodedName = percentDecode(name);
            Optional<String> decodedValue = percentDecode(value);
            if (decodedName.isEmpty() || decodedValue.isEmpty() || params.containsKey(decodedName.get())) {
                return Optional.empty();
            }
            params.put(decodedName.get(), decodedValue.get());
            int comma = rest.indexOf(',', end);
            i = comma < 0 ? rest.length() : comma + 1;
            while (i < rest.length() && rest.charAt(i) == ' ') {
                i++;
            }
        }
        return Optional.of(params);
    }

    /**
     * Parses an {@code application/x-www-form-urlencoded} string or a raw query (RFC 5849 section 3.4.1.3.1):
     * {@code +} is a space, pairs without {@code =} have an empty value.
     */
    public static List<Param> parseForm(String form) {
        List<Param> out = new ArrayList<>();
        if (form == null || form.isEmpty()) {
            return out;
        }
        for (String pair : form.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String n = eq < 0 ? pair : pair.substring(0, eq);
            String v = eq < 0 ? "" : pair.substring(eq + 1);
            out.add(new Param(formDecode(n), formDecode(v)));
        }
        return out;
    }

    private static String formDecode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }

    private static Optional<String> percentDecode(String s) {
        try {
            return Optional.of(URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** RFC 5849 section 3.6: percent-encode everything but ALPHA, DIGIT, '-', '.', '_', '~', in UTF-8. */
    public static String encode(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 16);
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if (c >= 'A' && c <= 'Z'
                    || c >= 'a' && c <= 'z'
                    || c >= '0' && c <= '9'
                    || c == '-'
                    || c == '.'
                    || c == '_'
                    || c == '~') {
                sb.append((char) c);
            } else {
                sb.append('%')
                        .append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
            }
        }
        return sb.toString();
    }

    /**
     * The base string URI (RFC 5849 section 3.4.1.2): lower-case scheme and host, the port only when it is not
     * the scheme's default, the path, no query.
     */
    public static String baseUri(String scheme, String hostHeader, String path) {
        String s = scheme.toLowerCase(Locale.ROOT);
        String host = hostHeader.toLowerCase(Locale.ROOT);
        if (s.equals("http") && host.endsWith(":80")) {
            host = host.substring(0, host.length() - 3);
        } else if (s.equals("https") && host.endsWith(":443")) {
            host = host.substring(0, host.length() - 4);
        }
        return s + "://" + host + (path.isEmpty() ? "/" : path);
    }

    /**
     * The signature base string (RFC 5849 section 3.4.1): method, base string URI and the normalized
     * parameters (section 3.4.1.3.2), each encoded, joined by {@code &}. {@code params} holds the query, the
     * form body and the protocol parameters, without {@code oauth_signature} and {@code realm}.
     */
    public static String baseString(String method, String baseUri, List<Param> params) {
        List<String[]> encoded = new ArrayList<>(params.size());
        for (Param p : params) {
            encoded.add(new String[] {encode(p.name()), encode(p.value())});
        }
        encoded.sort(Comparator.<String[], String>comparing(a -> a[0]).thenComparing(a -> a[1]));
        StringBuilder normalized = new StringBuilder();
        for (String[] p : encoded) {
            if (!normalized.isEmpty()) {
                normalized.append('&');
            }
            normalized.append(p[0]).append('=').append(p[1]);
        }
        return method.toUpperCase(Locale.ROOT) + "&" + encode(baseUri) + "&" + encode(normalized.toString());
    }

    /** HMAC-SHA1 (RFC 5849 section 3.4.2) of the base string, base64. */
    public static String hmacSha1(String baseString, String consumerSecret, String tokenSecret) {
        String key = encode(consumerSecret) + "&" + encode(tokenSecret == null ? "" : tokenSecret);
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(baseString.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA1 unavailable", e);
        }
    }

    /** Constant-time comparison of two signatures. */
    public static boolean sameSignature(String expected, String given) {
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
    }
}
