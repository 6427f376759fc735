package io.twtbridge.protocol;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/** What came of a request; every format encodes each of these. */
public sealed interface Outcome {

    /**
     * The post is on X. {@code tweetId} and {@code tweetUrl} are empty only when an earlier attempt of the same
     * request already posted it (X then answers "duplicate content" and does not say which post it was).
     */
    record Posted(Optional<String> tweetId, Optional<String> tweetUrl, boolean alreadyPosted) implements Outcome {
        public Posted {
            Objects.requireNonNull(tweetId, "tweetId");
            Objects.requireNonNull(tweetUrl, "tweetUrl");
            if (tweetId.isEmpty() && !alreadyPosted) {
                throw new IllegalArgumentException("a new post has an id");
            }
        }

        /** Posted now (or earlier, when {@code tweetId} is empty). */
        public Posted(Optional<String> tweetId, Optional<String> tweetUrl) {
            this(tweetId, tweetUrl, tweetId.isEmpty());
        }

        public static Posted of(String tweetId, String tweetUrl) {
            return new Posted(Optional.of(tweetId), Optional.of(tweetUrl), false);
        }

        /** Posted by an earlier attempt of the same request; X did not say which post it was. */
        public static Posted earlier() {
            return new Posted(Optional.empty(), Optional.empty(), true);
        }

        /** Posted by an earlier attempt of the same request, which recorded the post's id. */
        public static Posted earlier(String tweetId, String tweetUrl) {
            return new Posted(Optional.of(tweetId), Optional.of(tweetUrl), true);
        }
    }

    /**
     * {@code delete_post} ended: {@code deleted} when the post is gone (deleted now, or by an earlier request of this
     * user for the same post), {@code false} when X knows no such post ({@code not_found}).
     */
    record Deleted(String tweetId, boolean deleted) implements Outcome {
        public Deleted {
            Objects.requireNonNull(tweetId, "tweetId");
        }
    }

    /**
     * {@code post_thread} ended: one entry per part, in order. {@code failure} is empty when every part is on X;
     * otherwise it is why the first part that is not went wrong, and the parts after it were not sent.
     */
    record ThreadPosted(List<ThreadPart> parts, Optional<Failed> failure) implements Outcome {
        public ThreadPosted {
            parts = List.copyOf(parts);
            Objects.requireNonNull(failure, "failure");
        }
    }

    /** What became of one part of a thread. */
    sealed interface ThreadPart {
        /** On X: posted now, or (when {@code alreadyPosted}) by an earlier attempt of the same request. */
        record Sent(Posted post) implements ThreadPart {
            public Sent {
                Objects.requireNonNull(post, "post");
            }
        }

        /** This part failed: the thread's failure says why. */
        record Failed() implements ThreadPart {}

        /** Not sent, because a part before it failed. */
        record NotSent() implements ThreadPart {}
    }

    /** {@code auth} succeeded: the user opens {@code authorizeUrl} and types the PIN X shows. */
    record AuthStarted(String authorizeUrl, Tokens requestToken) implements Outcome {
        public AuthStarted {
            Objects.requireNonNull(authorizeUrl, "authorizeUrl");
            Objects.requireNonNull(requestToken, "requestToken");
        }
    }

    /** {@code verify_pin} succeeded: the user's access token, secret and identity. */
    record PinVerified(Tokens accessToken, String userId, String screenName) implements Outcome {
        public PinVerified {
            Objects.requireNonNull(accessToken, "accessToken");
            Objects.requireNonNull(userId, "userId");
            Objects.requireNonNull(screenName, "screenName");
        }
    }

    /**
     * The request failed. {@code message} is for people and never holds a secret; {@code retryAfterSeconds}
     * is present for {@link ErrorCode#RATE_LIMITED}.
     */
    record Failed(ErrorCode code, String message, OptionalLong retryAfterSeconds) implements Outcome {
        public Failed {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(message, "message");
            Objects.requireNonNull(retryAfterSeconds, "retryAfterSeconds");
        }

        public static Failed of(ErrorCode code, String message) {
            return new Failed(code, message, OptionalLong.empty());
        }

        public static Failed rateLimited(String message, long retryAfterSeconds) {
            return new Failed(ErrorCode.RATE_LIMITED, message, OptionalLong.of(Math.max(0, retryAfterSeconds)));
        }
    }
}
