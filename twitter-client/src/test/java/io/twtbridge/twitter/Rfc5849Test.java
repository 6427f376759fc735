package io.twtbridge.twitter;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
    }

    @Test
    void baseStringUriAsSection3412() {
        assertEquals("http://example.com/r%20v/X", Rfc5849.baseUri("HTTP://EXAMPLE.COM:80/r%20v/X?id=123"));
        assertEquals("https://www.example.net:8080/", Rfc5849.baseUri("https://www.example.net:8080/?q=1"));
        assertEquals("https://api.x.com/2/tweets", Rfc5849.baseUri("https://api.x.com:443/2/tweets"));
    }
}
