package io.twtbridge.worker;

import io.twtbridge.protocol.Outcome;
import io.twtbridge.protocol.PostOptions;
import io.twtbridge.protocol.Request;
import io.twtbridge.twitter.XClient;
import io.twtbridge.twitter.XFailure;
import io.twtbridge.twitter.XResult;

/** One attempt at a request: load its media, call X, and decide what the answer is. No AMQP here. */
final class PostingService {
    private final XClient x;
    private final MediaLoader media;
    /** Every post is a long post (worker.long-posts, WORKER_LONG_POSTS). */
    private final boolean longPosts;

    PostingService(XClient x, MediaLoader media, boolean longPosts) {
        this.x = x;
        this.media = media;
        this.longPosts = longPosts;
    }

    /**
     * @param earlierAttempt whether this request may already have reached X before (a redelivery or a retry): a
     *                       "duplicate content" answer then means our own earlier attempt posted it
     */
    Decision attempt(Request request, boolean earlierAttempt) {
        return switch (request) {
            case Request.Post p -> post(p, earlierAttempt);
            case Request.Delete del -> switch (x.delete(del.user(), del.tweetId())) {
                case XResult.Ok<Boolean> ok -> new Decision.Answer(new Outcome.Deleted(del.tweetId(), ok.value()));
                case XResult.Failed<Boolean> f -> decide(f.failure(), false);
            };
            case Request.Auth a -> switch (x.requestToken()) {
                case XResult.Ok<XClient.AuthorizationStart> ok ->
                        new Decision.Answer(new Outcome.AuthStarted(ok.value().authorizeUrl(), ok.value().requestToken()));
                case XResult.Failed<XClient.AuthorizationStart> f -> decide(f.failure(), false);
            };
            case Request.VerifyPin v -> switch (x.accessToken(v.requestToken(), v.pin())) {
                case XResult.Ok<XClient.AccessGrant> ok -> new Decision.Answer(
                        new Outcome.PinVerified(ok.value().accessToken(), ok.value().userId(), ok.value().screenName()));
                case XResult.Failed<XClient.AccessGrant> f -> decide(f.failure(), false);
            };
        };
    }

    private Decision post(Request.Post p, boolean earlierAttempt) {
        MediaLoader.Loaded loaded = media.load(p.media());
        if (loaded instanceof MediaLoader.Loaded.Failed f) {
            return new Decision.Answer(f.failure());
        }
        if (loaded instanceof MediaLoader.Loaded.Interrupted) {
            return new Decision.Retry("interrupted while loading the images", false);
        }
        // The images' bytes stay reserved in the media budget until X has them.
        try (var files = (MediaLoader.Loaded.Files) loaded) {
            PostOptions options = longPosts ? p.options().withLongPost(true) : p.options();
            return switch (x.post(p.user(), p.text(), files.files(), p.replyToTweetId(), options)) {
                case XResult.Ok<String> ok -> new Decision.Answer(Outcome.Posted.of(ok.value(), XClient.tweetUrl(ok.value())));
                case XResult.Failed<String> f -> decide(f.failure(), earlierAttempt);
            };
        }
    }

    /** The decision for a failure of X's: retry, wait, or answer. */
    static Decision decide(XFailure failure, boolean earlierAttempt) {
        return switch (failure) {
            case XFailure.Unavailable u -> new Decision.Retry(u.detail(), false);
            case XFailure.Uncertain u -> new Decision.Retry(u.detail(), true);
            case XFailure.RateLimited r -> new Decision.WaitUntil(r.reset(), r.appWide());
            // On a redelivery or a retry, "duplicate content" means our own earlier attempt posted it.
            case XFailure.Duplicate d when earlierAttempt -> new Decision.Answer(Outcome.Posted.earlier());
            default -> new Decision.Answer(failure.toOutcome());
        };
    }
}
