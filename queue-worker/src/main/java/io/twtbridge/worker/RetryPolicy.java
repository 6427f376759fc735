package io.twtbridge.worker;

import io.helidon.config.Config;
import io.twtbridge.protocol.ErrorCode;
import io.twtbridge.protocol.Outcome;
import io.twtbridge.twitter.ConfigKeys;
import java.time.Duration;
import java.time.Instant;
import java.util.random.RandomGenerator;

/**
 * When the worker gives up: the retry budget while X is unavailable, the deadline of a request waiting for a rate
 * limit, and the backoff between tries. Pure: time and randomness come in as arguments.
 *
 * @param maxAttempts       most retries after X was unavailable
 * @param maxRetryAge       no retry starts later than this after the request was received
 * @param baseDelay         the first backoff
 * @param maxDelay          the longest backoff
 * @param rateLimitDeadline a request not postable this long after it was received is answered {@code rate_limited}
 */
record RetryPolicy(
        int maxAttempts, Duration maxRetryAge, Duration baseDelay, Duration maxDelay, Duration rateLimitDeadline) {

    /**
     * From the worker's {@code worker} node: {@code retry.max-attempts}, {@code retry.max-age},
     * {@code retry.base-delay}, {@code retry.max-delay} and {@code rate-limit.deadline} (defaults in application.yaml).
     */
    static RetryPolicy from(Config worker) {
        return new RetryPolicy(
                ConfigKeys.require(worker, "retry.max-attempts").asInt().get(),
                ConfigKeys.requireDuration(worker, "retry.max-age"),
                ConfigKeys.requireDuration(worker, "retry.base-delay"),
                ConfigKeys.requireDuration(worker, "retry.max-delay"),
                ConfigKeys.requireDuration(worker, "rate-limit.deadline"));
    }

    /** What to do next with a request. */
    sealed interface Next {
        /** Answer now. */
        record Answer(Outcome.Failed outcome) implements Next {}

        /** Hold the request (and the user's later ones) until then, and try again. */
        record WaitUntil(Instant until) implements Next {}
    }

    /**
     * X was unavailable on try number {@code attempt} (1 for the first): wait with backoff, or give up.
     *
     * @param received when the request entered the system (the router's stamp)
     */
    Next afterUnavailable(int attempt, String reason, Instant received, Instant now, RandomGenerator random) {
        if (attempt > maxAttempts || Duration.between(received, now).compareTo(maxRetryAge) > 0) {
            return new Next.Answer(Outcome.Failed.of(
                    ErrorCode.X_UNAVAILABLE, "X is unavailable (" + reason + ") after " + (attempt - 1) + " retries"));
        }
        return new Next.WaitUntil(now.plus(backoff(attempt, random)));
    }

    /** The request must not go to X before {@code until} (the user's or the app's rate limit): wait, or answer. */
    Next blockedUntil(Instant until, Instant received, Instant now) {
        if (until.isAfter(deadline(received))) {
            long s = secondsUntil(until, now);
            return new Next.Answer(Outcome.Failed.rateLimited(
                    "X's rate limit allows no post before the request's deadline; retry after " + s + " s", s));
        }
        return new Next.WaitUntil(until);
    }

    /** Whole seconds from {@code now} until {@code until}, rounded up, at least 1: a reply's {@code retry_after_s}. */
    static long secondsUntil(Instant until, Instant now) {
        return Math.max(1, (Duration.between(now, until).toMillis() + 999) / 1000);
    }

    /** The latest time a request received then may still be posted. */
    Instant deadline(Instant received) {
        return received.plus(rateLimitDeadline);
    }

    /** Exponential backoff with jitter: between half and all of base·2^(attempt-1), capped at the max delay. */
    Duration backoff(int attempt, RandomGenerator random) {
        long max = Math.min(maxDelay.toMillis(), baseDelay.toMillis() << Math.min(20, Math.max(0, attempt - 1)));
        max = Math.max(2, max);
        return Duration.ofMillis(random.nextLong(max / 2, max + 1));
    }
}
