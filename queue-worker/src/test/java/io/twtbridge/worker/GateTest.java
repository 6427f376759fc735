package io.twtbridge.worker;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

class GateTest {
    private static final Instant NOW = Instant.parse("2026-11-28T10:00:00Z");
    private static final Instant FAR = NOW.plusSeconds(3600);

    @Test
    void freeUsersProceed() {
        assertInstanceOf(Gate.Verdict.Proceed.class, new Gate().check("u", null, FAR, NOW));
    }

    @Test
    void laterRequestsWaitBehindTheOwnerWhoProceedsWhenItsTimeComes() {
        Gate g = new Gate();
        g.block("u", NOW.plusSeconds(10), "owner", false);
        assertEquals(Duration.ofSeconds(10), assertInstanceOf(Gate.Verdict.Defer.class, g.check("u", null, FAR, NOW)).delay());
        assertInstanceOf(Gate.Verdict.Defer.class, g.check("u", "owner", FAR, NOW.plusSeconds(5)));
        assertInstanceOf(Gate.Verdict.Proceed.class, g.check("u", "owner", FAR, NOW.plusSeconds(10)));
        // until the owner is answered, others keep waiting even past the time
        assertInstanceOf(Gate.Verdict.Defer.class, g.check("u", null, FAR, NOW.plusSeconds(11)));
        g.release("u", "owner");
        assertInstanceOf(Gate.Verdict.Proceed.class, g.check("u", null, FAR, NOW.plusSeconds(11)));
        assertInstanceOf(Gate.Verdict.Proceed.class, g.check("other", null, FAR, NOW));
    }

    @Test
    void anOwnerThatNeverComesBackStopsBlockingAfterAWhile() {
        Gate g = new Gate();
        g.block("u", NOW, "lost", false);
        assertInstanceOf(Gate.Verdict.Proceed.class, g.check("u", null, FAR, NOW.plus(Gate.STALE_AFTER).plusSeconds(1)));
    }

    @Test
    void rateLimitsPastTheDeadlineExpire() {
        Gate g = new Gate();
        g.block("u", NOW.plusSeconds(900), "owner", true);
        assertEquals(Duration.ofSeconds(900), assertInstanceOf(Gate.Verdict.Expire.class, g.check("u", null, NOW.plusSeconds(60), NOW)).retryAfter());
        assertEquals(1, g.rateLimitedUsers(NOW));
        g.blockApp(NOW.plusSeconds(30));
        assertInstanceOf(Gate.Verdict.Defer.class, g.check("someone", null, FAR, NOW));
        assertInstanceOf(Gate.Verdict.Expire.class, g.check("someone", null, NOW.plusSeconds(10), NOW));
    }
}
