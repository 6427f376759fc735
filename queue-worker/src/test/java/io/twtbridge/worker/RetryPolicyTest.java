package io.twtbridge.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twtbridge.protocol.ErrorCode;
import io.twtbridge.twitter.ConfigKeys;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The retry budget, the rate-limit deadline and the backoff, on a fake clock. */
class RetryPolicyTest {
    private static final Instant T0 = Instant.parse("2026-11-29T12:00:00Z");
    private final RetryPolicy policy = RetryPolicy.from(ConfigKeys.applicationYaml(
                    WorkerConfig.class,
                    Map.of(
                            "worker.retry.max-attempts", "3",
                            "worker.retry.max-age", "PT10M",
                            "worker.retry.base-delay", "PT1S",
                            "worker.retry.max-delay", "PT30S",
                            "worker.rate-limit.deadline", "PT15M"))
            .get("worker"));

    @Test
    void readsEachSettingFromItsKey() {
        assertEquals(3, policy.maxAttempts());
        assertEquals(Duration.ofMinutes(10), policy.maxRetryAge());
        assertEquals(Duration.ofSeconds(1), policy.baseDelay());
        assertEquals(Duration.ofSeconds(30), policy.maxDelay());
        assertEquals(Duration.ofMinutes(15), policy.rateLimitDeadline());
    }

    @Test
    void retriesWithGrowingCappedBackoffThenGivesUp() {
        Random random = new Random(7);
        for (int attempt = 1; attempt <= 3; attempt++) {
            var wait = assertInstanceOf(
                    RetryPolicy.Next.WaitUntil.class, policy.afterUnavailable(attempt, "503", T0, T0, random));
            long ms = Duration.between(T0, wait.until()).toMillis();
            long max = 1000L << (attempt - 1);
            assertTrue(ms >= max / 2 && ms <= max, "attempt " + attempt + " waits " + ms + " ms");
        }
        var answer = assertInstanceOf(RetryPolicy.Next.Answer.class, policy.afterUnavailable(4, "503", T0, T0, random));
        assertEquals(ErrorCode.X_UNAVAILABLE, answer.outcome().code());
        assertTrue(
                answer.outcome().message().contains("after 3 retries"),
                answer.outcome().message());
    }

    @Test
    void noRetryStartsAfterTheMaximumAge() {
        Instant late = T0.plus(Duration.ofMinutes(10)).plusSeconds(1);
        assertInstanceOf(RetryPolicy.Next.Answer.class, policy.afterUnavailable(1, "timeout", T0, late, new Random(1)));
    }

    @Test
    void backoffIsCappedForHugeAttemptNumbers() {
        Duration d = policy.backoff(Integer.MAX_VALUE, new Random(3));
        assertTrue(d.compareTo(Duration.ofSeconds(30)) <= 0 && d.compareTo(Duration.ofSeconds(15)) >= 0, d.toString());
    }

    @Test
    void aRateLimitWithinTheDeadlineIsWaitedOutAndOnePastItIsAnswered() {
        Instant reset = T0.plus(Duration.ofMinutes(14));
        assertEquals(
                reset,
                assertInstanceOf(RetryPolicy.Next.WaitUntil.class, policy.blockedUntil(reset, T0, T0))
                        .until());
        Instant tooLate = T0.plus(Duration.ofMinutes(16));
        var answer =
                assertInstanceOf(RetryPolicy.Next.Answer.class, policy.blockedUntil(tooLate, T0, T0.plusSeconds(60)));
        assertEquals(ErrorCode.RATE_LIMITED, answer.outcome().code());
        assertEquals(15 * 60, answer.outcome().retryAfterSeconds().getAsLong());
    }
}
