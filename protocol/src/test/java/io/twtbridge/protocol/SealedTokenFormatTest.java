package io.twtbridge.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@code sealed_token} in the JSON format, and a sealed token in the legacy format's access-token field. */
class SealedTokenFormatTest {
    private static final String SEALED = "tb1.k1.AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8";

    private static Decoded json(String s) {
        return JsonQueueFormat.INSTANCE.decode(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void jsonRequestsAndRepliesCarrySealedTokenByteExact() {
        String request =
                "{\"id\":\"1\",\"command\":\"upload_post\",\"sealed_token\":\"" + SEALED + "\",\"text\":\"hi\"}";
        Request.Post p =
                (Request.Post) assertInstanceOf(Decoded.Ok.class, json(request)).request();
        assertEquals(Tokens.sealed(SEALED), p.user());
        assertTrue(p.user().isSealed());
        assertEquals(request, new String(JsonQueueFormat.INSTANCE.encodeRequest(p), StandardCharsets.UTF_8));
        assertEquals(
                "{\"id\":\"7\",\"command\":\"verify_pin\",\"status\":\"verified\",\"sealed_token\":\"" + SEALED
                        + "\",\"user_id\":\"42\",\"screen_name\":\"someone\"}",
                new String(
                        JsonQueueFormat.INSTANCE.encodeReply(
                                "7",
                                Command.VERIFY_PIN,
                                new Outcome.PinVerified(Tokens.sealed(SEALED), "42", "someone")),
                        StandardCharsets.UTF_8));
    }

    @Test
    void sealedTokenWithTheRawPairOrNotSealedIsRefused() {
        Decoded both = json("{\"id\":\"1\",\"command\":\"upload_post\",\"sealed_token\":\"" + SEALED
                + "\",\"access_token\":\"a\",\"access_token_secret\":\"b\",\"text\":\"hi\"}");
        assertEquals(
                Problem.INVALID_FIELD,
                assertInstanceOf(Decoded.Malformed.class, both).problem());
        Decoded notSealed =
                json("{\"id\":\"1\",\"command\":\"upload_post\",\"sealed_token\":\"plain\",\"text\":\"hi\"}");
        assertEquals(
                Problem.INVALID_FIELD,
                assertInstanceOf(Decoded.Malformed.class, notSealed).problem());
        Decoded tooLong = json("{\"id\":\"1\",\"command\":\"upload_post\",\"sealed_token\":\"tb1."
                + "A".repeat(Limits.MAX_TOKEN_CHARS) + "\",\"text\":\"hi\"}");
        assertEquals(
                Problem.FIELD_TOO_LONG,
                assertInstanceOf(Decoded.Malformed.class, tooLong).problem());
        assertEquals(ErrorCode.INVALID_TOKEN, Problem.INVALID_TOKEN.errorCode());
    }

    @Test
    void legacyCarriesASealedTokenInTheAccessTokenFieldWithAnEmptySecret() {
        Request.Post p = new Request.Post("9", Tokens.sealed(SEALED), "hi", List.of(), Optional.empty());
        byte[] wire = LegacyQueueFormat.INSTANCE.encodeRequest(p);
        assertEquals("9ÿupload_postÿ" + SEALED + "ÿÿhiÿ", new String(wire, StandardCharsets.UTF_8));
        assertEquals(p, ((Decoded.Ok) LegacyQueueFormat.INSTANCE.decode(wire)).request());
        // An empty secret without a sealed token is still refused.
        byte[] plain = "9ÿupload_postÿtokenÿÿhiÿ".getBytes(StandardCharsets.UTF_8);
        assertInstanceOf(Decoded.Malformed.class, LegacyQueueFormat.INSTANCE.decode(plain));
    }
}
