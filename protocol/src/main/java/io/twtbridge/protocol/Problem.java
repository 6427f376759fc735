package io.twtbridge.protocol;

/** Why a message could not be decoded into a {@link Request}. */
public enum Problem {
    EMPTY_BODY("the message is empty"),
    INVALID_UTF8("the message is not valid UTF-8"),
    INVALID_JSON("the message is not a JSON object"),
    MISSING_ID("the message has no id"),
    UNKNOWN_COMMAND("unknown command"),
    WRONG_FIELD_COUNT("wrong number of fields for the command"),
    FIELD_TOO_LONG("a field is too long"),
    INVALID_FIELD("a field is missing or invalid"),
    TOO_LARGE("the message is too large"),
    /** A sealed token that does not open (changed, truncated, another deployment's, an unknown key). */
    INVALID_TOKEN("the sealed token is not valid");

    private final String description;

    Problem(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }

    /** The error code a client is answered with for this problem. */
    public ErrorCode errorCode() {
        return switch (this) {
            case UNKNOWN_COMMAND -> ErrorCode.UNKNOWN_COMMAND;
            case INVALID_TOKEN -> ErrorCode.INVALID_TOKEN;
            default -> ErrorCode.BAD_REQUEST;
        };
    }
}
