package io.twtbridge.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class UsedTokensTest {
    @Test
    void onceEachBoundedAndFreedByExpiry() {
        Instant start = Instant.parse("2026-01-01T00:00:00Z");
        Clock[] now = {Clock.fixed(start, ZoneOffset.UTC)};
        Clock clock = new Clock() {
            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now[0].instant();
            }
        };
        UsedTokens used = new UsedTokens(2, clock);
        long expiry = start.getEpochSecond() + 600;
        assertTrue(used.claim("a", expiry));
        assertFalse(used.claim("a", expiry), "a second claim of the same token");
        assertTrue(used.claim("b", expiry));
        assertFalse(used.claim("c", expiry), "full of unexpired tokens: refused");
        now[0] = Clock.fixed(start.plusSeconds(601), ZoneOffset.UTC);
        assertTrue(used.claim("c", expiry + 601), "expired ones make room");
        assertEquals(1, used.size());
    }
}
