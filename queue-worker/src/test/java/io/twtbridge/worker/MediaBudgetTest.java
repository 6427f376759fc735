package io.twtbridge.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The media budget on its own: bytes, waiting, giving back, refusing what can never fit. */
class MediaBudgetTest {
    private static final long MIB = 1 << 20;

    private static MediaBudget.Lease granted(MediaBudget.Reservation r) {
        return assertInstanceOf(MediaBudget.Reservation.Granted.class, r).lease();
    }

    @Test
    void aRequestLargerThanTheBudgetIsRefusedAtOnce() throws Exception {
        MediaBudget b = new MediaBudget(10 * MIB);
        MediaBudget.Reservation.TooLarge t =
                assertInstanceOf(MediaBudget.Reservation.TooLarge.class, b.reserve(10 * MIB + 1));
        assertEquals(10 * MIB + 1, t.requested());
        assertEquals(0, b.inUse());
        try (MediaBudget.Lease whole = granted(b.reserve(10 * MIB))) {
            assertEquals(10 * MIB, b.inUse());
        }
        assertEquals(0, b.inUse());
    }

    @Test
    void laterRequestsWaitUntilEarlierOnesGiveBack() throws Exception {
        MediaBudget b = new MediaBudget(10 * MIB);
        MediaBudget.Lease first = granted(b.reserve(8 * MIB));
        CountDownLatch got = new CountDownLatch(1);
        Thread waiter = Thread.ofVirtual().start(() -> {
            try (MediaBudget.Lease l = granted(b.reserve(4 * MIB))) {
                got.countDown();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertFalse(got.await(300, TimeUnit.MILLISECONDS), "4 MiB fit beside 8 MiB in a 10 MiB budget");
        // A request without media never queues behind one waiting for bytes.
        try (MediaBudget.Lease none = granted(b.reserve(0))) {
            assertEquals(8 * MIB, b.inUse());
        }
        first.shrinkTo(6 * MIB); // e.g. a URL's cap, once its real size is known
        assertTrue(got.await(10, TimeUnit.SECONDS), "the waiter got the bytes given back");
        waiter.join(Duration.ofSeconds(10));
        assertEquals(6 * MIB, b.inUse());
        first.close();
        first.close(); // twice is harmless
        assertEquals(0, b.inUse());
    }

    @Test
    void aBurstOfVirtualThreadsNeverHoldsMoreThanTheBudget() throws Exception {
        MediaBudget b = new MediaBudget(32 * MIB);
        AtomicLong holding = new AtomicLong();
        AtomicLong maxHolding = new AtomicLong();
        AtomicInteger done = new AtomicInteger();
        List<Future<?>> all = new ArrayList<>();
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 2_000; i++) {
                long size = (1 + i % 15) * MIB;
                all.add(ex.submit(() -> {
                    try (MediaBudget.Lease l = granted(b.reserve(size))) {
                        maxHolding.accumulateAndGet(holding.addAndGet(size), Math::max);
                        Thread.yield();
                        holding.addAndGet(-size);
                    }
                    done.incrementAndGet();
                    return null;
                }));
            }
            for (Future<?> f : all) {
                f.get(60, TimeUnit.SECONDS);
            }
        }
        assertEquals(2_000, done.get());
        assertTrue(maxHolding.get() <= 32 * MIB, "held " + maxHolding.get());
        assertTrue(b.peak() <= 32 * MIB && b.peak() >= 15 * MIB, "peak " + b.peak());
        assertEquals(0, b.inUse());
    }
}
