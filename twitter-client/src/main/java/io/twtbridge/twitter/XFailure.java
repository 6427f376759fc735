package io.twtbridge.twitter;

import io.twtbridge.protocol.Outcome;
import java.time.Instant;

/**
 * Why a call to X did not succeed. Details are X's words or ours, never a token or secret. Which answer of X is which
 * failure, and what each means to a client, is {@code XFailures}.
 */
public sealed interface XFailure {

    /** This failure as the protocol's answer: a stable code and a message for people, never a secret ({@code XFailures}). */
    default Outcome.Failed toOutcome() {
        return XFailures.outcome(this);
    }

    /** 401: the user's token is invalid or revoked (or the app's credentials are refused). */
    record InvalidToken(String detail) implements XFailure {}

    /** 403 with X's duplicate-content detail. */
    record Duplicate(String detail) implements XFailure {}

    /** 403 for any other reason (suspended, not permitted). */
    record Forbidden(String detail) implements XFailure {}

    /** Which limit a 429 hit. */
    enum Scope {
        /** The user's per-window limit for the endpoint. */
        USER,
        /** The user's 24-hour posting limit. */
        USER_24H,
        /** The app's 24-hour limit: every user is affected. */
        APP
    }

    /** 429: wait until {@code reset}. */
    record RateLimited(Instant reset, Scope scope) implements XFailure {
        public boolean appWide() {
            return scope == Scope.APP;
        }
    }

    /**
     * 400 or another 4xx: X rejected the request as it is; or, checked before any call, a post with neither text nor
     * media ({@code bad_request}, as the protocol's own check answers it).
     */
    record Rejected(String detail) implements XFailure {}

    /** 5xx, timeout or connection failure: retryable. */
    record Unavailable(String detail) implements XFailure {}

    /**
     * Like {@link Unavailable}, but after the post itself was sent ({@code POST /2/tweets}): X may have created it.
     * Retryable only where X would refuse a repeat (a post with text).
     */
    record Uncertain(String detail) implements XFailure {}

    /** The PIN (oauth_verifier) is wrong for this request token. */
    record WrongPin() implements XFailure {}

    /** The request token is unknown, expired or already used. */
    record RequestTokenInvalid() implements XFailure {}

    /**
     * The text is over {@code limit} weighted characters: checked before any call, or, for a long post, refused by X
     * ({@code detail} non-empty: X's words), when the user may not post that long.
     */
    record TextTooLong(int weightedLength, int limit, String detail) implements XFailure {
        public TextTooLong(int weightedLength) {
            this(weightedLength, TextCheck.MAX_WEIGHTED, "");
        }

        /** Whether X refused it (rather than the check before the call). */
        public boolean byX() {
            return !detail.isEmpty();
        }
    }

    /** Checked before any upload: not JPEG/PNG/GIF/WEBP/MP4, a broken MP4 or one of the wrong duration, or the mix is not allowed. */
    record MediaInvalid(String detail) implements XFailure {}

    /** Checked before any upload: an image or video is over X's size limit. */
    record MediaTooLarge(String detail) implements XFailure {}

    /** X took the upload (a video or GIF) and its processing ended {@code failed}: X will not post it. */
    record MediaProcessingFailed(String detail) implements XFailure {}
}
