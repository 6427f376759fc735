package io.twtbridge.sandbox;

/**
 * The sandbox's thresholds: posts per user and per app in a rate-limit window, the OAuth timestamp window, how long a
 * request token lives, and how many STATUS polls a GIF or video stays {@code in_progress}. Start from
 * {@link #defaults()} and change what a test needs: {@code Limits.defaults().withUserPostLimit(1).withWindowSeconds(2)}.
 */
public record Limits(
        int userPostLimit,
        int appPostLimit,
        long windowSeconds,
        long timestampWindowSeconds,
        long requestTokenTtlSeconds,
        int processingPolls) {

    /** Limits no test reaches by accident: 1,000,000 posts per user, 10,000,000 per app, per 900 s; ±300 s; 900 s; 1 poll. */
    public static Limits defaults() {
        return new Limits(1_000_000, 10_000_000, 900, 300, 900, 1);
    }

    /** Posts one user may make per window; the next one gets 429 with {@code x-user-limit-24hour-*}. */
    public Limits withUserPostLimit(int posts) {
        return new Limits(
                posts, appPostLimit, windowSeconds, timestampWindowSeconds, requestTokenTtlSeconds, processingPolls);
    }

    /** Posts the whole app may make per window; the next one gets 429 with {@code x-app-limit-24hour-*}. */
    public Limits withAppPostLimit(int posts) {
        return new Limits(
                userPostLimit, posts, windowSeconds, timestampWindowSeconds, requestTokenTtlSeconds, processingPolls);
    }

    /** The length of a rate-limit window ({@code x-rate-limit-reset} is its end). */
    public Limits withWindowSeconds(long seconds) {
        return new Limits(
                userPostLimit, appPostLimit, seconds, timestampWindowSeconds, requestTokenTtlSeconds, processingPolls);
    }

    /** How far an {@code oauth_timestamp} may be from the sandbox's clock. */
    public Limits withTimestampWindowSeconds(long seconds) {
        return new Limits(userPostLimit, appPostLimit, windowSeconds, seconds, requestTokenTtlSeconds, processingPolls);
    }

    /** How long a request token (and its PIN) can be exchanged. */
    public Limits withRequestTokenTtlSeconds(long seconds) {
        return new Limits(userPostLimit, appPostLimit, windowSeconds, timestampWindowSeconds, seconds, processingPolls);
    }

    /** STATUS polls a GIF or video stays {@code in_progress} after {@code pending}. */
    public Limits withProcessingPolls(int polls) {
        return new Limits(
                userPostLimit, appPostLimit, windowSeconds, timestampWindowSeconds, requestTokenTtlSeconds, polls);
    }
}
