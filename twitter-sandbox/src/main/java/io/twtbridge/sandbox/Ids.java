package io.twtbridge.sandbox;

import java.util.concurrent.atomic.AtomicLong;

/** One id sequence for users, posts and media, so that no two things share an id (X's ids are snowflakes). */
final class Ids {
    private final AtomicLong last = new AtomicLong(1_850_000_000_000_000_000L);

    String next() {
        return String.valueOf(last.incrementAndGet());
    }

    /** A shorter id, as X's older user ids are. */
    String nextUserId() {
        return String.valueOf(last.incrementAndGet() % 1_000_000_000L);
    }
}
