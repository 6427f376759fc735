package io.twtbridge.worker;

import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes of media the worker holds at once, across requests. A request reserves all its media bytes in one
 * step before loading (so two requests can never each hold part and wait for the rest), gives back what it did
 * not use once loaded, and the rest after its upload to X. Later requests wait — parked, which on a virtual thread
 * holds no platform thread — in arrival order (a fair semaphore, so large requests are not starved by small ones).
 * A request larger than the whole budget is refused instead of waiting forever. Counted in KiB, so a budget of
 * up to 2 TiB fits the semaphore.
 */
final class MediaBudget {
    private static final int UNIT = 1024;

    private final long bytes;
    private final Semaphore units;
    private final AtomicLong inUse = new AtomicLong();
    private final AtomicLong peak = new AtomicLong();

    MediaBudget(long bytes) {
        if (bytes < UNIT) {
            throw new IllegalArgumentException("media budget must be at least " + UNIT + " bytes");
        }
        this.bytes = bytes;
        this.units = new Semaphore((int) Math.min(Integer.MAX_VALUE, bytes / UNIT), true);
    }

    /** The budget a worker gets by default: a quarter of the heap, at least 16 MiB (one 15 MB GIF). */
    static long defaultBytes() {
        return Math.max(16L << 20, Runtime.getRuntime().maxMemory() / 4);
    }

    long bytes() {
        return bytes;
    }

    /** Bytes reserved now. */
    long inUse() {
        return inUse.get();
    }

    /** The most bytes ever reserved at once. */
    long peak() {
        return peak.get();
    }

    /** What reserving gave. */
    sealed interface Reservation {
        /** Reserved: give it back with {@link Lease#close()}. */
        record Granted(Lease lease) implements Reservation {}

        /** Larger than the whole budget: can never be granted. */
        record TooLarge(long requested, long budget) implements Reservation {}
    }

    /** Reserves {@code n} bytes, waiting until they are free. Interrupted: throws, with nothing reserved. */
    Reservation reserve(long n) throws InterruptedException {
        int need = toUnits(n);
        if (n > bytes || need > maxUnits()) {
            return new Reservation.TooLarge(n, bytes);
        }
        if (need == 0) {
            return new Reservation.Granted(new Lease(0)); // never queues behind waiters (a fair semaphore would)
        }
        units.acquire(need);
        long now = inUse.addAndGet((long) need * UNIT);
        peak.accumulateAndGet(now, Math::max);
        return new Reservation.Granted(new Lease(need));
    }

    private int maxUnits() {
        return (int) Math.min(Integer.MAX_VALUE, bytes / UNIT);
    }

    private static int toUnits(long n) {
        long u = (Math.max(0, n) + UNIT - 1) / UNIT;
        return (int) Math.min(Integer.MAX_VALUE, u);
    }

    /** Reserved bytes of one request. Closing gives back what is left; closing twice is harmless. */
    final class Lease implements AutoCloseable {
        private int held;

        private Lease(int units) {
            this.held = units;
        }

        /** Gives back what is reserved beyond {@code keepBytes} (e.g. a URL's cap, once its real size is known). */
        synchronized void shrinkTo(long keepBytes) {
            int keep = toUnits(keepBytes);
            if (keep < held) {
                give(held - keep);
                held = keep;
            }
        }

        synchronized long heldBytes() {
            return (long) held * UNIT;
        }

        @Override
        public synchronized void close() {
            if (held > 0) {
                give(held);
                held = 0;
            }
        }

        private void give(int u) {
            inUse.addAndGet(-(long) u * UNIT);
            units.release(u);
        }
    }
}
