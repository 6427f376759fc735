package io.twtbridge.twitter;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.scribejava.core.builder.ServiceBuilder;
import com.github.scribejava.core.model.OAuth1AccessToken;
import com.github.scribejava.core.model.OAuthRequest;
import com.github.scribejava.core.model.Verb;
import com.github.scribejava.core.services.TimestampService;
import org.junit.jupiter.api.Test;

/** The client's signing path (our DefaultApi10a + scribejava) against published vectors. */
class SignatureVectorsTest {

    private static TimestampService fixed(String timestamp, String nonce) {
        return new TimestampService() {
            @Override
            public String getTimestampInSeconds() {
                return timestamp;
            }

            @Override
            public String getNonce() {
                return nonce;
            }
        };
    }

    private static String authorization(
            String consumerKey,
            String consumerSecret,
            String token,
            String tokenSecret,
            TimestampService ts,
            OAuthRequest request) {
        XApi.Signer signer = (XApi.Signer)
                new ServiceBuilder(consumerKey).apiSecret(consumerSecret).build(new XApi("https://api.x.com", ts));
        signer.signRequest(new OAuth1AccessToken(token, tokenSecret), request);
        return request.getHeaders().get("Authorization");
    }

    @Test
    void xCreatingASignatureExample() {
        // X's "Creating a signature" page. It prints tnnArxj06cWHq44gCs1OSKk/jLY=, which its own base string and
        // signing key do not produce; their HMAC-SHA1 (checked with openssl) is hCtSmYh+iHYCEqBWrE7C7hYmtUk=.
        OAuthRequest r =
                new OAuthRequest(Verb.POST, "https://api.twitter.com/1.1/statuses/update.json?include_entities=true");
        r.addBodyParameter("status", "Hello Ladies + Gentlemen, a signed OAuth request!");
        String header = authorization(
                "xvz1evFS4wEEPTGEFPHBog",
                "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw",
                "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb",
                "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE",
                fixed("1318622958", "kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg"),
                r);
        assertTrue(header.contains("oauth_signature=\"hCtSmYh%2BiHYCEqBWrE7C7hYmtUk%3D\""), header);
        assertTrue(header.startsWith("OAuth "), header);
    }

    @Test
    void oauthCore10AppendixA() {
        // OAuth Core 1.0 Appendix A.5, the photos.example.net vector (RFC 5849's predecessor).
        OAuthRequest r = new OAuthRequest(Verb.GET, "http://photos.example.net/photos?file=vacation.jpg&size=original");
        String header = authorization(
                "dpf43f3p2l4k3l03",
                "kd94hf93k423kf44",
                "nnch734d00sl2jdk",
                "pfkkdhi9sl3r4s00",
                fixed("1191242096", "kllo9940pd9333jh"),
                r);
        assertTrue(header.contains("oauth_signature=\"tR3%2BTy81lMeYAr%2FFid0kMTYa%2FWM%3D\""), header);
    }
}
