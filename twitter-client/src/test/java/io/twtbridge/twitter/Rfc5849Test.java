package io.twtbridge.twitter;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The signing strings built without scribejava's encoder: RFC 5849's own examples. */
class Rfc5849Test {

    @Test
    void percentEncodingIsRfc3986OverUtf8() {
        assertEquals("Ladies%20%2B%20Gentlemen", Rfc5849.percentEncode("Ladies + Gentlemen"));
        assertEquals("An%20encoded%20string%21", Rfc5849.percentEncode("An encoded string!"));
        assertEquals("Dogs%2C%20Cats%20%26%20Mice", Rfc5849.percentEncode("Dogs, Cats & Mice"));
        assertEquals("%E2%98%83", Rfc5849.percentEncode("\u2603"));
        assertEquals("-._~azAZ09", Rfc5849.percentEncode("-._~azAZ09"));
        assertEquals("%2A%27%28%29", Rfc5849.percentEncode("*'()"));
        // unreserved first, then the rest; a character outside the BMP (four UTF-8 bytes); U+0080-U+00FF as UTF-8
        assertEquals("abc%3D1%26%C3%A9t%C3%A9%F0%9F%98%80", Rfc5849.percentEncode("abc=1&\u00e9t\u00e9\uD83D\uDE00"));
        assertEquals("%25%2520", Rfc5849.percentEncode("%%20"));
        assertEquals("", Rfc5849.percentEncode(""));
        // not UTF-8-encodable (a lone surrogate): encoded as the JDK's UTF-8 encoder replaces it, never an exception
        assertEquals("x%3Fy", Rfc5849.percentEncode("x\uD800y"));
    }

    /** Every character of the first 0x3000, alone, against the JDK's URL encoder (form encoding, mapped to RFC 3986). */
    @Test
    void percentEncodingAgreesWithTheJdkForEveryCharacter() {
        for (char c = 0; c < 0x3000; c++) {
            if (Character.isSurrogate(c)) {
                continue;
            }
            String s = "x" + c + "y";
            String jdk = URLEncoder.encode(s, StandardCharsets.UTF_8)
                    .replace("+", "%20")
                    .replace("*", "%2A")
                    .replace("%7E", "~");
            assertEquals(jdk, Rfc5849.percentEncode(s), "U+" + Integer.toHexString(c));
        }
    }

    @Test
    void baseStringUriAsSection3412() {
        assertEquals("http://example.com/r%20v/X", Rfc5849.baseUri("HTTP://EXAMPLE.COM:80/r%20v/X?id=123"));
        assertEquals("https://www.example.net:8080/", Rfc5849.baseUri("https://www.example.net:8080/?q=1"));
        assertEquals("https://api.x.com/2/tweets", Rfc5849.baseUri("https://api.x.com:443/2/tweets"));
        // the last answer is kept for the same URL only
        assertEquals("https://api.x.com/2/tweets", Rfc5849.baseUri("https://api.x.com:443/2/tweets"));
        assertEquals("https://api.x.com/2/media/upload", Rfc5849.baseUri("https://API.x.com/2/media/upload"));
    }
}
