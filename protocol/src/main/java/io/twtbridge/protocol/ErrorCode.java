package io.twtbridge.protocol;

/** The stable error codes of the JSON format; each has a fixed legacy reply. */
public enum ErrorCode {
    /** The user's token is invalid or revoked: the user must log in again. */
    INVALID_TOKEN("invalid_token"),
    /** X's rate limit was hit and the request could not be posted before its deadline. */
    RATE_LIMITED("rate_limited"),
    /** X refused the text as a duplicate of the user's recent post (and it was not our own earlier try). */
    DUPLICATE("duplicate"),
    /** The text is over 280 weighted characters. */
    TEXT_TOO_LONG("text_too_long"),
    /** An image is not a JPEG, PNG, GIF or WEBP, or the mix of images is not allowed. */
    MEDIA_INVALID("media_invalid"),
    /** An image is over X's size limit. */
    MEDIA_TOO_LARGE("media_too_large"),
    /** An image could not be read: missing file, path outside the upload directory, URL not reachable. */
    MEDIA_UNREACHABLE("media_unreachable"),
    /** X took the upload (a video or GIF) but its processing failed: X will not post it. Legacy: {@code image error}. */
    MEDIA_PROCESSING_FAILED("media_processing_failed"),
    /** The request is malformed, or X rejected it for another reason. */
    BAD_REQUEST("bad_request"),
    /** The command is not one of upload_post, auth, verify_pin. */
    UNKNOWN_COMMAND("unknown_command"),
    /** X did not answer or answered 5xx, after every retry. */
    X_UNAVAILABLE("x_unavailable"),
    /**
     * An earlier attempt of this request may have reached X, and X would not refuse a repeat (a post without text):
     * the worker did not post it again. Legacy reply: {@code exception_occurred}.
     */
    OUTCOME_UNKNOWN("outcome_unknown");

    private final String wireName;

    ErrorCode(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** Whether this failure concerns an image (legacy reply {@code image error}). */
    public boolean isMediaError() {
        return this == MEDIA_INVALID
                || this == MEDIA_TOO_LARGE
                || this == MEDIA_UNREACHABLE
                || this == MEDIA_PROCESSING_FAILED;
    }
}
