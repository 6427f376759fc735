package io.twtbridge.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** How {@link Turns} shares its turns among keys: the bound, the shares by work left, no starvation, giving up. */
class TurnsTest {
    private static final Duration T = Duration.ofSeconds(10);

    /** Keys granted a turn, in order, to requests waiting on their own threads (which keep their turns). */
    private final ConcurrentLinkedQueue<String> granted = new ConcurrentLinkedQueue<>();
    /** Set when a test ends: its requests still waiting give up. */
    private final AtomicBoolean done = new AtomicBoolean();

    @AfterEach
    void releaseWaiting() {
        done.set(true);
    }

    private void waitOn(Turns<String> turns, String key, int requests) {
        for (int i = 0; i < requests; i++) {
            Thread.ofVirtual().start(() -> {
                if (turns.take(key, done::get)) {
                    granted.add(key);
                }
            });
        }
    }

    private static void awaitWaiting(Turns<String> turns, int waiting) {
        Harness.await(waiting + " waiting", T, () -> turns.counts().waiting() == waiting);
    }

    @Test
    void freedTurnsGoToTheKeysInProportionToTheWorkTheyHaveLeft() {
        Turns<String> turns = new Turns<>(4, Map.of("a", 300L, "b", 100L)::get);
        for (String key : List.of("a", "a", "b", "b")) {
            assertTrue(turns.take(key, () -> false), "a free turn is taken at once");
        }
        // b's requests wait first: first come first served would give b every freed turn
        waitOn(turns, "b", 6);
        awaitWaiting(turns, 6);
        waitOn(turns, "a", 6);
        awaitWaiting(turns, 12);
        for (String key : List.of("a", "a", "b", "b")) {
            int before = granted.size();
            turns.give(key);
            Harness.await("a turn passed on", T, () -> granted.size() == before + 1);
        }
        assertEquals(List.of("a", "a", "a", "b"), List.copyOf(granted), "three turns for a, one for b: 300 to 100");
        assertEquals(new Turns.Counts(4, 8, 2), turns.counts(), "never more than 4 at once");
    }

    @Test
    void aKeyWithoutATurnGetsTheNextWhateverItsShare() {
        Turns<String> turns = new Turns<>(2, Map.of("big", 1_000_000L, "small", 1L)::get);
        assertTrue(turns.take("big", () -> false));
        assertTrue(turns.take("big", () -> false));
        waitOn(turns, "big", 3);
        awaitWaiting(turns, 3);
        waitOn(turns, "small", 1);
        awaitWaiting(turns, 4);
        turns.give("big");
        Harness.await("a turn passed on", T, () -> granted.size() == 1);
        assertEquals("small", granted.peek());
    }

    @Test
    void aRequestThatGivesUpLeavesWithoutATurnAndTheNextFreedTurnGoesToAnother() throws InterruptedException {
        Turns<String> turns = new Turns<>(1, key -> 1);
        assertTrue(turns.take("a", () -> false));
        AtomicBoolean lost = new AtomicBoolean();
        AtomicBoolean gotOne = new AtomicBoolean(true);
        Thread leaving = Thread.ofVirtual().start(() -> gotOne.set(turns.take("b", lost::get)));
        awaitWaiting(turns, 1);
        lost.set(true);
        leaving.join(T.toMillis());
        assertFalse(leaving.isAlive(), "the waiting request gave up");
        assertFalse(gotOne.get(), "no turn while all are taken");
        assertEquals(new Turns.Counts(1, 0, 1), turns.counts(), "b is forgotten");
        waitOn(turns, "c", 1);
        awaitWaiting(turns, 1);
        turns.give("a");
        Harness.await("the freed turn passed on", T, () -> granted.size() == 1);
        assertEquals("c", granted.peek());
        assertEquals(new Turns.Counts(1, 0, 1), turns.counts());
    }

    @Test
    void aGiveUpThatFailsCountsAsGivingUp() throws InterruptedException {
        Turns<String> turns = new Turns<>(1, key -> 1);
        assertTrue(turns.take("a", () -> false));
        AtomicBoolean gotOne = new AtomicBoolean(true);
        Thread leaving = Thread.ofVirtual()
                .start(() -> gotOne.set(turns.take("b", () -> {
                    throw new IllegalStateException("broken");
                })));
        leaving.join(T.toMillis());
        assertFalse(leaving.isAlive());
        assertFalse(gotOne.get());
        turns.give("a");
        assertEquals(new Turns.Counts(0, 0, 0), turns.counts(), "no turn went to the request that left");
    }

    @Test
    void anInterruptedRequestLeavesWithoutATurn() throws InterruptedException {
        Turns<String> turns = new Turns<>(1, key -> 1);
        assertTrue(turns.take("a", () -> false));
        AtomicBoolean result = new AtomicBoolean(true);
        AtomicBoolean stillInterrupted = new AtomicBoolean();
        Thread waiting = Thread.ofVirtual().start(() -> {
            result.set(turns.take("a", () -> false));
            stillInterrupted.set(Thread.currentThread().isInterrupted());
        });
        awaitWaiting(turns, 1);
        waiting.interrupt();
        waiting.join(T.toMillis());
        assertFalse(result.get());
        assertTrue(stillInterrupted.get(), "the interrupt is kept for the caller");
        assertEquals(new Turns.Counts(1, 0, 1), turns.counts());
        turns.give("a");
        assertEquals(new Turns.Counts(0, 0, 0), turns.counts());
    }

    @Test
    void aTurnGivenBackTwiceIsRefused() {
        Turns<String> turns = new Turns<>(2, key -> 1);
        assertTrue(turns.take("a", () -> false));
        assertTrue(turns.take("b", () -> false));
        turns.give("a");
        assertThrows(IllegalStateException.class, () -> turns.give("a"));
        assertThrows(IllegalStateException.class, () -> turns.give("never"));
        assertEquals(new Turns.Counts(1, 0, 1), turns.counts(), "the bound is not raised by a turn given twice");
    }

    /** Many requests of many keys with changing weights: never more than the limit at once, and nothing left after. */
    @Test
    void underContentionTheBoundHoldsAndEveryTurnComesBack() throws InterruptedException {
        int limit = 7;
        Map<String, AtomicInteger> work = Map.of(
                "a",
                new AtomicInteger(500),
                "b",
                new AtomicInteger(50),
                "c",
                new AtomicInteger(5),
                "d",
                new AtomicInteger(0),
                "e",
                new AtomicInteger(5_000));
        Turns<String> turns = new Turns<>(limit, key -> work.get(key).get());
        List<String> keys = List.copyOf(work.keySet());
        AtomicInteger held = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        AtomicInteger served = new AtomicInteger();
        List<Thread> requests = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            String key = keys.get(i % keys.size());
            requests.add(Thread.ofVirtual().start(() -> {
                assertTrue(turns.take(key, () -> false));
                most.accumulateAndGet(held.incrementAndGet(), Math::max);
                work.get(key).set(ThreadLocalRandom.current().nextInt(1_000));
                for (int k = ThreadLocalRandom.current().nextInt(20); k > 0; k--) {
                    Thread.yield();
                }
                held.decrementAndGet();
                turns.give(key);
                served.incrementAndGet();
            }));
        }
        for (Thread t : requests) {
            t.join(T.toMillis());
        }
        assertEquals(400, served.get(), "every request had its turn");
        assertTrue(most.get() <= limit, "at most " + limit + " at once, saw " + most.get());
        assertEquals(new Turns.Counts(0, 0, 0), turns.counts(), "every turn given back, every key forgotten");
    }
}
