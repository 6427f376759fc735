package io.twtbridge.twitter;

import com.github.scribejava.core.extractors.BaseStringExtractor;
import com.github.scribejava.core.extractors.HeaderExtractor;
import com.github.scribejava.core.model.OAuthConstants;
import com.github.scribejava.core.model.Parameter;
import com.github.scribejava.core.services.SignatureService;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The string-building steps of OAuth 1.0a signing (RFC 5849 §3.4.1 signature base string, §3.4.2 HMAC-SHA1 key,
 * §3.5.1 Authorization header), for scribejava to use instead of its own: the same output, without a regular
 * expression compiled per call (scribejava's percent-encoder runs {@code String.replaceAll} several times for every
 * parameter and, in its HMAC-SHA1 service, for both secrets of every signature).
 */
final class Rfc5849 {
    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);
    /** RFC 5849 §3.6's unreserved characters, by ASCII code. */
    private static final boolean[] UNRESERVED = new boolean[128];

    static {
        for (char c : "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".toCharArray()) {
            UNRESERVED[c] = true;
        }
    }

    private Rfc5849() {}

    /** RFC 5849 §3.6: UTF-8, then every byte outside {@code ALPHA / DIGIT / "-" / "." / "_" / "~"} as {@code %XX}. */
    static String percentEncode(String s) {
        int i = 0;
        while (i < s.length() && unreserved(s.charAt(i))) {
            i++;
        }
        if (i == s.length()) {
            return s;
        }
        // One pass over the UTF-8 bytes into an array of the largest size the result can have (three bytes a byte).
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[utf8.length * 3];
        int o = 0;
        for (byte x : utf8) {
            int c = x & 0xff;
            if (unreserved((char) c)) {
                out[o++] = x;
            } else {
                out[o++] = '%';
                out[o++] = HEX[c >> 4];
                out[o++] = HEX[c & 0xf];
            }
        }
        return new String(out, 0, o, StandardCharsets.US_ASCII);
    }

    private static boolean unreserved(char c) {
        return c < 128 && UNRESERVED[c];
    }

    /** §3.4.1: method, base URL and the sorted, encoded parameters (query, form body, oauth_*), each encoded, joined by {@code &}. */
    static final BaseStringExtractor BASE_STRING = request -> {
        List<String> pairs = new ArrayList<>();
        // scribejava parses the URL (new URL) to list its query; XClient puts every query parameter in the URL and
        // adds none apart, so a URL without "?" has none.
        if (request.getUrl().indexOf('?') >= 0) {
            for (Parameter p : request.getQueryStringParams().getParams()) {
                pairs.add(percentEncode(p.getKey()) + "=" + percentEncode(p.getValue()));
            }
        }
        for (Parameter p : request.getBodyParams().getParams()) {
            pairs.add(percentEncode(p.getKey()) + "=" + percentEncode(p.getValue()));
        }
        for (Map.Entry<String, String> e : request.getOauthParameters().entrySet()) {
            pairs.add(percentEncode(e.getKey()) + "=" + percentEncode(e.getValue()));
        }
        // Sorted by encoded name, then encoded value: "=" sorts below every character an encoded name may hold.
        pairs.sort(null);
        return request.getVerb().name() + "&" + percentEncode(baseUri(request.getUrl())) + "&"
                + percentEncode(String.join("&", pairs));
    };

    /** The last URL {@link #baseUri} was asked for, and its answer: most calls are to one URL. */
    private record BaseUri(String url, String base) {}

    private static volatile BaseUri lastBaseUri = new BaseUri("", "");

    /** §3.4.1.2: scheme and host in lower case, the port only when not the scheme's default, no query or fragment. */
    static String baseUri(String url) {
        BaseUri last = lastBaseUri;
        if (last.url().equals(url)) {
            return last.base();
        }
        URI u = URI.create(url);
        String scheme = u.getScheme().toLowerCase(Locale.ROOT);
        int port = u.getPort();
        boolean defaultPort =
                port == -1 || (scheme.equals("http") && port == 80) || (scheme.equals("https") && port == 443);
        String path = u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
        String base = scheme + "://" + u.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port) + path;
        lastBaseUri = new BaseUri(url, base);
        return base;
    }

    /**
     * An HMAC-SHA1 to copy: {@code Mac.getInstance} searches the security providers on every call, a copy of one
     * made once does not. Keyed with a throwaway key (a copy is keyed again), so that its provider is chosen; null if
     * the provider cannot be copied.
     */
    private static final Mac HMAC_SHA1_PROTOTYPE = hmacSha1Prototype();

    private static Mac hmacSha1Prototype() {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(new byte[] {0}, "HmacSHA1"));
            return (Mac) mac.clone();
        } catch (GeneralSecurityException | CloneNotSupportedException e) {
            return null;
        }
    }

    private static Mac hmacSha1() throws GeneralSecurityException {
        try {
            if (HMAC_SHA1_PROTOTYPE != null) {
                return (Mac) HMAC_SHA1_PROTOTYPE.clone();
            }
        } catch (CloneNotSupportedException e) {
            // not copyable after all: look it up
        }
        return Mac.getInstance("HmacSHA1");
    }

    /** §3.4.2: HMAC-SHA1 keyed with the encoded consumer secret, {@code &}, the encoded token secret; base64. */
    static final SignatureService HMAC_SHA1 = new SignatureService() {
        @Override
        public String getSignature(String baseString, String apiSecret, String tokenSecret) {
            try {
                Mac mac = hmacSha1();
                mac.init(new SecretKeySpec(
                        (percentEncode(apiSecret) + "&" + percentEncode(tokenSecret)).getBytes(StandardCharsets.UTF_8),
                        "HmacSHA1"));
                return Base64.getEncoder().encodeToString(mac.doFinal(baseString.getBytes(StandardCharsets.UTF_8)));
            } catch (GeneralSecurityException e) {
                // the message holds no secret: HmacSHA1 is missing or the key was refused
                throw new IllegalStateException(
                        "HMAC-SHA1 signing failed: " + e.getClass().getSimpleName());
            }
        }

        @Override
        public String getSignatureMethod() {
            return "HMAC-SHA1";
        }
    };

    /** §3.5.1: {@code OAuth name="value", …} with every name and value percent-encoded. */
    static final HeaderExtractor AUTHORIZATION = request -> {
        StringBuilder b = new StringBuilder(256).append("OAuth ");
        boolean first = true;
        for (Map.Entry<String, String> e : request.getOauthParameters().entrySet()) {
            if (!first) {
                b.append(", ");
            }
            first = false;
            b.append(percentEncode(e.getKey()))
                    .append("=\"")
                    .append(percentEncode(e.getValue()))
                    .append('"');
        }
        if (request.getRealm() != null && !request.getRealm().isEmpty()) {
            b.append(", ")
                    .append(OAuthConstants.REALM)
                    .append("=\"")
                    .append(request.getRealm())
                    .append('"');
        }
        return b.toString();
    };
}
