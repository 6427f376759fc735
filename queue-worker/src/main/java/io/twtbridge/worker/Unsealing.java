package io.twtbridge.worker;

import io.twtbridge.protocol.Decoded;
import io.twtbridge.protocol.Problem;
import io.twtbridge.protocol.Request;
import io.twtbridge.sealing.SealedTokens;

import java.util.Optional;

/**
 * Opens a post's sealed token right after decoding, before routing and before anything else looks at the user: the
 * shard is then chosen by the opened access token (sealing is randomized, the token inside is stable), so one
 * user's posts land in one shard whether they came sealed or not. A sealed token that does not open (or any sealed
 * token when this worker has no keys) becomes an answerable {@link Problem#INVALID_TOKEN}: answered
 * {@code invalid_token}, never sent to X. The opened token lives only in memory: a dead-lettered message is the
 * body as it came, still sealed.
 */
record Unsealing(Optional<SealedTokens> tokens) {
    Decoded open(Decoded decoded) {
        if (!(decoded instanceof Decoded.Ok ok && ok.request() instanceof Request.Post p && p.user().isSealed())) {
            return decoded;
        }
        return tokens.flatMap(t -> t.open(p.user()))
                .<Decoded>map(o -> new Decoded.Ok(new Request.Post(p.id(), o.accessToken(), p.text(), p.media(), p.replyToTweetId())))
                .orElseGet(() -> new Decoded.Malformed(Problem.INVALID_TOKEN, Optional.of(p.id()), Optional.of(p.command()),
                        "the sealed token is not valid"));
    }
}
