package io.twtbridge.worker;

import io.twtbridge.protocol.Decoded;
import io.twtbridge.protocol.Problem;
import io.twtbridge.protocol.Request;
import io.twtbridge.protocol.Tokens;
import io.twtbridge.sealing.SealedTokens;
import java.util.Optional;

/**
 * Opens the sealed token of a post, a thread or a delete right after decoding, before routing and before anything else looks at the user: the
 * shard is then chosen by the opened access token (sealing is randomized, the token inside is stable), so one
 * user's posts land in one shard whether they came sealed or not. A sealed token that does not open (or any sealed
 * token when this worker has no keys) becomes an answerable {@link Problem#INVALID_TOKEN}: answered
 * {@code invalid_token}, never sent to X. The opened token lives only in memory: a dead-lettered message is the
 * body as it came, still sealed.
 */
record Unsealing(Optional<SealedTokens> tokens) {
    Decoded open(Decoded decoded) {
        if (!(decoded instanceof Decoded.Ok ok)) {
            return decoded;
        }
        Request r = ok.request();
        Tokens sealed = switch (r) {
            case Request.Post p -> p.user();
            case Request.Thread t -> t.user();
            case Request.Delete d -> d.user();
            default -> null;
        };
        if (sealed == null || !sealed.isSealed()) {
            return decoded;
        }
        return tokens.flatMap(t -> t.open(sealed))
                .<Decoded>map(o -> new Decoded.Ok(
                        switch (r) {
                            case Request.Post p ->
                                new Request.Post(
                                        p.id(), o.accessToken(), p.text(), p.media(), p.replyToTweetId(), p.options());
                            case Request.Thread t ->
                                new Request.Thread(t.id(), o.accessToken(), t.parts(), t.replyToTweetId());
                            case Request.Delete d -> new Request.Delete(d.id(), o.accessToken(), d.tweetId());
                            default -> r;
                        }))
                .orElseGet(() -> new Decoded.Malformed(
                        Problem.INVALID_TOKEN,
                        Optional.of(r.id()),
                        Optional.of(r.command()),
                        "the sealed token is not valid"));
    }
}
