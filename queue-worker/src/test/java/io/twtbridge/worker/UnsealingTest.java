package io.twtbridge.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twtbridge.protocol.Decoded;
import io.twtbridge.protocol.JsonQueueFormat;
import io.twtbridge.protocol.PostOptions;
import io.twtbridge.protocol.Request;
import io.twtbridge.protocol.Tokens;
import io.twtbridge.sealing.SealKeys;
import io.twtbridge.sealing.SealedTokens;
import io.twtbridge.sealing.Sealer;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A sealed token opens for every request that carries a user (post, thread, delete), through the JSON format. */
class UnsealingTest {
    private static final SealedTokens TOKENS = new SealedTokens(new Sealer(SealKeys.parse(SealKeys.generate("k1"))));
    private static final Tokens USER = new Tokens("123-token", "its-secret");
    private static final Unsealing UNSEALING = new Unsealing(Optional.of(TOKENS));

    private static Request roundTrip(Request r) {
        byte[] body = JsonQueueFormat.INSTANCE.encodeRequest(r);
        assertTrue(new String(body).contains("\"sealed_token\":\"tb1.k1."), new String(body));
        return assertInstanceOf(Decoded.Ok.class, UNSEALING.open(JsonQueueFormat.INSTANCE.decode(body)))
                .request();
    }

    @Test
    void aSealedPostKeepsItsOptions() {
        Tokens sealed = TOKENS.seal(USER, "1");
        PostOptions longPost = new PostOptions(true, Optional.empty(), Optional.empty(), Optional.empty());
        var opened = assertInstanceOf(
                Request.Post.class,
                roundTrip(new Request.Post("p", sealed, "long", List.of(), Optional.empty(), longPost)));
        assertEquals(USER, opened.user());
        assertTrue(opened.options().longPost(), "long_post survives the opening");
    }

    @Test
    void sealedThreadsAndDeletesOpenToo() {
        Tokens sealed = TOKENS.seal(USER, "1");
        var thread = assertInstanceOf(
                Request.Thread.class,
                roundTrip(new Request.Thread(
                        "t",
                        sealed,
                        List.of(new Request.Thread.Part("one", List.of()), new Request.Thread.Part("two", List.of())),
                        Optional.empty())));
        assertEquals(USER, thread.user());
        var delete = assertInstanceOf(Request.Delete.class, roundTrip(new Request.Delete("d", sealed, "1850")));
        assertEquals(USER, delete.user());
    }

    @Test
    void aTamperedSealedDeleteIsAnInvalidToken() {
        String token = TOKENS.seal(USER, "1").token();
        Tokens tampered = Tokens.sealed(token.substring(0, token.length() - 2) + (token.endsWith("A") ? "BB" : "AA"));
        byte[] body = JsonQueueFormat.INSTANCE.encodeRequest(new Request.Delete("d", tampered, "1850"));
        var m = assertInstanceOf(Decoded.Malformed.class, UNSEALING.open(JsonQueueFormat.INSTANCE.decode(body)));
        assertEquals("invalid_token", m.failure().code().wireName());
    }
}
