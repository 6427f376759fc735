package io.twtbridge.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The sandbox's own RFC 5849 implementation against published vectors. */
class OAuthVerifierTest {

    @Test
    void rfc5849Section3411BaseString() {
        // RFC 5849 section 3.4.1.1: POST /request?b5=%3D%253D&a3=a&c%40=&a2=r%20b, body c2&a3=2+q
        List<OAuthVerifier.Param> params = new ArrayList<>();
        params.addAll(OAuthVerifier.parseForm("b5=%3D%253D&a3=a&c%40=&a2=r%20b"));
        params.addAll(OAuthVerifier.parseForm("c2&a3=2+q"));
        params.add(new OAuthVerifier.Param("oauth_consumer_key", "9djdj82h48djs9d2"));
        params.add(new OAuthVerifier.Param("oauth_token", "kkk9d7dh3k39sjv7"));
        params.add(new OAuthVerifier.Param("oauth_signature_method", "HMAC-SHA1"));
        params.add(new OAuthVerifier.Param("oauth_timestamp", "137131201"));
        params.add(new OAuthVerifier.Param("oauth_nonce", "7d8f3e4a"));
        assertEquals(
                "POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D%253D%25253D%26"
                        + "c%2540%3D%26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26"
                        + "oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk9d7dh3k39sjv7",
                OAuthVerifier.baseString("POST", OAuthVerifier.baseUri("http", "EXAMPLE.COM:80", "/request"), params));
    }

    @Test
    void oauthCore10AppendixASignature() {
        // OAuth Core 1.0 Appendix A.5 (photos.example.net), the vector RFC 5849's predecessor published.
        String base =
                "GET&http%3A%2F%2Fphotos.example.net%2Fphotos&file%3Dvacation.jpg%26oauth_consumer_key%3Ddpf43f3p2l4k3l03"
                        + "%26oauth_nonce%3Dkllo9940pd9333jh%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1191242096"
                        + "%26oauth_token%3Dnnch734d00sl2jdk%26oauth_version%3D1.0%26size%3Doriginal";
        List<OAuthVerifier.Param> params = new ArrayList<>(OAuthVerifier.parseForm("file=vacation.jpg&size=original"));
        params.add(new OAuthVerifier.Param("oauth_consumer_key", "dpf43f3p2l4k3l03"));
        params.add(new OAuthVerifier.Param("oauth_token", "nnch734d00sl2jdk"));
        params.add(new OAuthVerifier.Param("oauth_signature_method", "HMAC-SHA1"));
        params.add(new OAuthVerifier.Param("oauth_timestamp", "1191242096"));
        params.add(new OAuthVerifier.Param("oauth_nonce", "kllo9940pd9333jh"));
        params.add(new OAuthVerifier.Param("oauth_version", "1.0"));
        assertEquals(base, OAuthVerifier.baseString("GET", "http://photos.example.net/photos", params));
        assertEquals(
                "tR3+Ty81lMeYAr/Fid0kMTYa/WM=", OAuthVerifier.hmacSha1(base, "kd94hf93k423kf44", "pfkkdhi9sl3r4s00"));
    }

    @Test
    void xCreatingASignatureExample() {
        // X's "Creating a signature" page: its base string and signing key. The page prints the signature
        // tnnArxj06cWHq44gCs1OSKk/jLY=, which its own base string and key do not produce; HMAC-SHA1 of them
        // (checked with `openssl dgst -sha1 -hmac`) is hCtSmYh+iHYCEqBWrE7C7hYmtUk=.
        List<OAuthVerifier.Param> params = new ArrayList<>();
        params.add(new OAuthVerifier.Param("status", "Hello Ladies + Gentlemen, a signed OAuth request!"));
        params.add(new OAuthVerifier.Param("include_entities", "true"));
        params.add(new OAuthVerifier.Param("oauth_consumer_key", "xvz1evFS4wEEPTGEFPHBog"));
        params.add(new OAuthVerifier.Param("oauth_nonce", "kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg"));
        params.add(new OAuthVerifier.Param("oauth_signature_method", "HMAC-SHA1"));
        params.add(new OAuthVerifier.Param("oauth_timestamp", "1318622958"));
        params.add(new OAuthVerifier.Param("oauth_token", "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb"));
        params.add(new OAuthVerifier.Param("oauth_version", "1.0"));
        String base = OAuthVerifier.baseString("POST", "https://api.twitter.com/1.1/statuses/update.json", params);
        assertEquals(
                "POST&https%3A%2F%2Fapi.twitter.com%2F1.1%2Fstatuses%2Fupdate.json&include_entities%3Dtrue%26"
                        + "oauth_consumer_key%3Dxvz1evFS4wEEPTGEFPHBog%26oauth_nonce%3DkYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg%26"
                        + "oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1318622958%26oauth_token%3D370773112-"
                        + "GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb%26oauth_version%3D1.0%26status%3DHello%2520Ladies%2520%252B%2520"
                        + "Gentlemen%252C%2520a%2520signed%2520OAuth%2520request%2521",
                base);
        assertEquals(
                "hCtSmYh+iHYCEqBWrE7C7hYmtUk=",
                OAuthVerifier.hmacSha1(
                        base,
                        "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw",
                        "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE"));
    }

    @Test
    void parsesAuthorizationHeader() {
        Map<String, String> p = OAuthVerifier.parseHeader(
                        "OAuth realm=\"Example\", oauth_consumer_key=\"9djdj82h48djs9d2\","
                                + " oauth_signature=\"bYT5CMsGcbgUdFHObYMEfcx6bsw%3D\"")
                .orElseThrow();
        assertEquals("bYT5CMsGcbgUdFHObYMEfcx6bsw=", p.get("oauth_signature"));
        assertEquals("9djdj82h48djs9d2", p.get("oauth_consumer_key"));
        assertTrue(OAuthVerifier.parseHeader("Bearer abc").isEmpty());
        assertTrue(OAuthVerifier.parseHeader("OAuth a=\"1\", a=\"2\"").isEmpty());
    }
}
