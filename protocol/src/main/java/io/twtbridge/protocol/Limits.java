package io.twtbridge.protocol;

/** Field and message size limits, shared by every format. See RPC_FORMAT.md, "Limits". */
public final class Limits {
    /** Longest id ({@code msg_id} or JSON {@code id}), in characters. */
    public static final int MAX_ID_CHARS = 128;
    /** Longest token or token secret, in characters. */
    public static final int MAX_TOKEN_CHARS = 512;
    /** Longest PIN (or callback {@code oauth_verifier}), in characters. */
    public static final int MAX_PIN_CHARS = 128;
    /** Longest text, in characters (X counts the 280 weighted characters; this only bounds the message). */
    public static final int MAX_TEXT_CHARS = 25_000;
    /** Longest media path or URL, in characters. */
    public static final int MAX_LOCATION_CHARS = 4_096;
    /** Longest alt text, in characters (X's limit). */
    public static final int MAX_ALT_TEXT_CHARS = 1_000;
    /** Longest tweet id to reply to, in characters. */
    public static final int MAX_TWEET_ID_CHARS = 32;
    /** Weighted characters of a long post (X's limit for users who may post long). */
    public static final int MAX_LONG_POST_WEIGHTED = 25_000;
    /** Most media items per post. */
    public static final int MAX_MEDIA = 4;
    /** Largest legacy message, in bytes. */
    public static final int MAX_LEGACY_BYTES = 1 << 20;
    /** Largest JSON message, in bytes (room for one 15 MB GIF in base64). */
    public static final int MAX_JSON_BYTES = 21 << 20;

    private Limits() {}
}
