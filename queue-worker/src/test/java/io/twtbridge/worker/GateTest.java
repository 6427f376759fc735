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
    void usersWithoutALineProceed() {
        assertInstanceOf(Gate.Verdict.Proceed.class, new Gate().check("u", null, FAR, NOW));
    }

    @Test
    void theLineGoesInArrivalOrderWhateverOrderItsRequestsComeBackIn() {
        Gate g = new Gate();
        // #1 hits a 503: it parks first and blocks its user for 10 s
        String first = g.park("u", null, NOW);
        g.block("u", NOW.plusSeconds(10), false);
        // #2 and #3 arrive and wait behind it
        assertEquals(Duration.ofSeconds(10), assertInstanceOf(Gate.Verdict.Defer.class, g.check("u", null, FAR, NOW)).delay());
        String second = g.park("u", null, NOW);
        String third = g.park("u", null, NOW);
        // #1 comes back early: still waiting
        assertInstanceOf(Gate.Verdict.Defer.class, g.check("u", first, FAR, NOW.plusSeconds(5)));
        // #3 comes back before #2, after #1's wait: it may not overtake #1 or #2
        assertInstanceOf(Gate.Verdict.Defer.class, g.check("u", third, FAR, NOW.plusSeconds(11)));
        assertInstanceOf(Gate.Verdict.Proceed.class, g.check("u", first, FAR, NOW.plusSeconds(11)));
        g.done("u", first, NOW.plusSeconds(11));
        assertInstanceOf(Gate.Verdict.Defer.class, g.check("u", third, FAR, NOW.plusSeconds(12)));
        assertInstanceOf(Gate.Verdict.Defer.class, g.check("u", null, FAR, NOW.plusSeconds(12)), "a new request joins the end");
        assertInstanceOf(Gate.Verdict.Proceed.class, g.check("u", second, FAR, NOW.plusSeconds(12)));
        g.done("u", second, NOW.plusSeconds(12));
        assertInstanceOf(Gate.Verdict.Proceed.class, g.check("u", third, FAR, NOW.plusSeconds(12)));
        g.done("u", third, NOW.plusSeconds(12));
        assertInstanceOf(Gate.Verdict.Proceed.class, g.check("u", null, FAR, NOW.plusSeconds(12)));
        assertInstanceOf(Gate.Verdict.Proceed.class, g.check("other", null, FAR, NOW), "other users never wait");
    }

    @Test
    void aHeadThatNeverComesBackIsDroppedAfterAWhile() {
        Gate g = new Gate();
        g.park("u", null, NOW);
        g.block("u", NOW.plusSeconds(30), false);
        String behind = g.park("u", null, NOW);
        assertInstanceOf(Gate.Verdict.Defer.class, g.check("u", behind, FAR, NOW.plusSeconds(60)));
        assertInstanceOf(Gate.Verdict.Proceed.class, g.check("u", behind, FAR, NOW.plusSeconds(31).plus(Gate.STALE_AFTER)));
    }

    @Test
    void rateLimitsPastTheDeadlineExpire() {
        Gate g = new Gate();
        g.park("u", null, NOW);
        g.block("u", NOW.plusSeconds(900), true);
        assertEquals(Duration.ofSeconds(900), assertInstanceOf(Gate.Verdict.Expire.class, g.check("u", null, NOW.plusSeconds(60), NOW)).retryAfter());
        assertEquals(1, g.rateLimitedUsers(NOW));
        g.blockApp(NOW.plusSeconds(30));
        assertInstanceOf(Gate.Verdict.Defer.class, g.check("someone", null, FAR, NOW));
        assertInstanceOf(Gate.Verdict.Expire.class, g.check("someone", null, NOW.plusSeconds(10), NOW));
    }
}
