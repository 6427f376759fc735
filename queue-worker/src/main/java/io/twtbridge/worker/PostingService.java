package io.twtbridge.worker;

import io.twtbridge.protocol.ErrorCode;
import io.twtbridge.protocol.Outcome;
import io.twtbridge.protocol.PostOptions;
import io.twtbridge.protocol.Request;
import io.twtbridge.twitter.XClient;
import io.twtbridge.twitter.XFailure;
import io.twtbridge.twitter.XResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

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
            case Request.Thread t -> throw new IllegalArgumentException("a thread is posted with thread()");
            case Request.Delete del ->
                switch (x.delete(del.user(), del.tweetId())) {
                    case XResult.Ok<Boolean> ok -> new Decision.Answer(new Outcome.Deleted(del.tweetId(), ok.value()));
                    case XResult.Failed<Boolean> f -> decide(f.failure(), false);
                };
            case Request.Auth a -> login(x.requestToken());
            case Request.VerifyPin v -> login(x.accessToken(v.requestToken(), v.pin()));
        };
    }

    /** A login step: X's answer is the reply (the gateway gives the same ones), or its failure is decided like any other. */
    private static Decision login(XResult<? extends Outcome> result) {
        return switch (result) {
            case XResult.Ok<? extends Outcome> ok -> new Decision.Answer(ok.value());
            case XResult.Failed<? extends Outcome> f -> decide(f.failure(), false);
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
                case XResult.Ok<String> ok ->
                    new Decision.Answer(Outcome.Posted.of(ok.value(), XClient.tweetUrl(ok.value())));
                case XResult.Failed<String> f -> decide(f.failure(), earlierAttempt);
            };
        }
    }

    /**
     * Records that the next part of a thread is on X with this id, before the next part is posted; false when it
     * could not be recorded, or no more may be done (nothing may be answered then: the request goes back to its
     * shard).
     */
    @FunctionalInterface
    interface ThreadRecorder {
        boolean posted(String tweetId);
    }

    /**
     * One attempt at a single post, recorded as a thread of one part: when X answers with the post's id,
     * {@code recorder} records it before the post is answered, so that a delivery of the same request again (its
     * answer was not committed) is answered {@code already_posted} with that id instead of being posted again.
     */
    Decision single(Request.Post p, boolean earlierAttempt, Consumer<String> recorder) {
        Decision d = post(p, earlierAttempt);
        if (d instanceof Decision.Answer a && a.outcome() instanceof Outcome.Posted posted && !posted.alreadyPosted()) {
            recorder.accept(posted.tweetId().orElseThrow());
        }
        return d;
    }

    /**
     * One attempt at a thread: posts its parts after the {@code done} ones (ids of parts already on X, in order), each
     * replying to the one before, recording each id before the next part. The first {@code earlierParts} of {@code done}
     * were posted by an earlier attempt of the request (answered {@code already_posted}).
     */
    Decision thread(
            Request.Thread t, List<String> done, int earlierParts, boolean earlierAttempt, ThreadRecorder recorder) {
        List<String> ids = new ArrayList<>(done);
        for (int i = ids.size(); i < t.parts().size(); i++) {
            Request.Thread.Part part = t.parts().get(i);
            Optional<String> replyTo = i == 0 ? t.replyToTweetId() : Optional.of(ids.get(i - 1));
            Decision d = post(new Request.Post(t.id(), t.user(), part.text(), part.media(), replyTo), earlierAttempt);
            switch (d) {
                case Decision.Answer a
                when a.outcome() instanceof Outcome.Posted p && p.tweetId().isPresent() -> {
                    if (!recorder.posted(p.tweetId().get())) {
                        return new Decision.Abandoned();
                    }
                    ids.add(p.tweetId().get());
                }
                case Decision.Answer a
                when a.outcome() instanceof Outcome.Posted p -> {
                    // X: "duplicate content" on a retry. This part is on X, but its id is not known: the next part
                    // cannot reply to it.
                    boolean last = i == t.parts().size() - 1;
                    Optional<Outcome.Failed> failure = last
                            ? Optional.empty()
                            : Optional.of(Outcome.Failed.of(
                                    ErrorCode.OUTCOME_UNKNOWN,
                                    "post " + (i + 1)
                                            + " of the thread was posted by an earlier attempt and X did not say its id;"
                                            + " the posts after it were not sent"));
                    return new Decision.Answer(threadOutcome(t, ids, earlierParts, Optional.of(p), failure));
                }
                case Decision.Answer a
                when a.outcome() instanceof Outcome.Failed f -> {
                    return new Decision.Answer(threadOutcome(t, ids, earlierParts, Optional.empty(), Optional.of(f)));
                }
                case Decision.Answer a ->
                    throw new IllegalStateException(
                            "a post answered " + a.outcome().getClass().getSimpleName());
                default -> {
                    return d; // retry or wait: the parts on X are recorded, the next attempt continues after them
                }
            }
        }
        return new Decision.Answer(threadOutcome(t, ids, earlierParts, Optional.empty(), Optional.empty()));
    }

    /** The parts on X ({@code ids}), then {@code extra} (a part on X without its id), then the failed part and the rest not sent. */
    static Outcome.ThreadPosted threadOutcome(
            Request.Thread t,
            List<String> ids,
            int earlierParts,
            Optional<Outcome.Posted> extra,
            Optional<Outcome.Failed> failure) {
        List<Outcome.ThreadPart> parts = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            String id = ids.get(i);
            parts.add(new Outcome.ThreadPart.Sent(
                    i < earlierParts
                            ? Outcome.Posted.earlier(id, XClient.tweetUrl(id))
                            : Outcome.Posted.of(id, XClient.tweetUrl(id))));
        }
        extra.ifPresent(p -> parts.add(new Outcome.ThreadPart.Sent(p)));
        if (failure.isPresent() && extra.isEmpty()) {
            parts.add(new Outcome.ThreadPart.Failed());
        }
        while (parts.size() < t.parts().size()) {
            parts.add(new Outcome.ThreadPart.NotSent());
        }
        return new Outcome.ThreadPosted(parts, failure);
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
