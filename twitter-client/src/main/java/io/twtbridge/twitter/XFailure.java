package io.twtbridge.twitter;

import java.time.Instant;

/** Why a call to X did not succeed. Details are X's words or ours, never a token or secret. */
public sealed interface XFailure {

    /** Whether the same call may succeed later without any change (X unavailable). */
    default boolean retryable() {
        return false;
    }

    /** 401: the user's token is invalid or revoked (or the app's credentials are refused). */
    record InvalidToken(String detail) implements XFailure {
    }

    /** 403 with X's duplicate-content detail. */
    record Duplicate(String detail) implements XFailure {
    }

    /** 403 for any other reason (suspended, not permitted). */
    record Forbidden(String detail) implements XFailure {
    }

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

    /** 400 or another 4xx: X rejected the request as it is. */
    record Rejected(String detail) implements XFailure {
    }

    /** 5xx, timeout or connection failure: retryable. */
    record Unavailable(String detail) implements XFailure {
        @Override
        public boolean retryable() {
            return true;
        }
    }

    /** The PIN (oauth_verifier) is wrong for this request token. */
    record WrongPin() implements XFailure {
    }

    /** The request token is unknown, expired or already used. */
    record RequestTokenInvalid() implements XFailure {
    }

    /** Checked before any call: the text is over 280 weighted characters (or empty without media). */
    record TextTooLong(int weightedLength) implements XFailure {
    }

    /** Checked before any upload: an image is not JPEG/PNG/GIF/WEBP, or the mix is not allowed. */
    record MediaInvalid(String detail) implements XFailure {
    }

    /** Checked before any upload: an image is over X's size limit. */
    record MediaTooLarge(String detail) implements XFailure {
    }
}
