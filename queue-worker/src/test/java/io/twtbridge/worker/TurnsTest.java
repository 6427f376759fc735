package io.twtbridge.worker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** How {@link Turns} shares its turns among keys: the bound, the shares by work left, no starvation, giving up. */
class TurnsTest {
    private static final Duration T = Duration.ofSeconds(10);

    /** Keys granted a turn, in order, to requests waiting on their own threads (which keep their turns). */
    private final ConcurrentLinkedQueue<String> granted = new ConcurrentLinkedQueue<>();

    private void waitOn(Turns<String> turns, String key, int requests) {
        for (int i = 0; i < requests; i++) {
            Thread.ofVirtual().start(() -> {
                if (turns.take(key, () -> false)) {
                    granted.add(key);
                }
            });
        }
    }

    private static void awaitWaiting(Turns<String> turns, int waiting) {
        Harness.await(waiting + " waiting", T, () -> turns.takenAndWaiting()[1] == waiting);
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
        assertArrayEquals(new int[] {4, 8}, turns.takenAndWaiting(), "never more than 4 at once");
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
        AtomicInteger answers = new AtomicInteger();
        AtomicBoolean gotOne = new AtomicBoolean();
        Thread leaving = Thread.ofVirtual().start(() -> {
            gotOne.set(turns.take("b", lost::get));
            answers.incrementAndGet();
        });
        awaitWaiting(turns, 1);
        lost.set(true);
        Harness.await("the waiting request gives up", T, () -> answers.get() == 1);
        leaving.join(T.toMillis());
        assertFalse(gotOne.get(), "no turn while all are taken");
        assertArrayEquals(new int[] {1, 0}, turns.takenAndWaiting());
        waitOn(turns, "c", 1);
        awaitWaiting(turns, 1);
        turns.give("a");
        Harness.await("the freed turn passed on", T, () -> granted.size() == 1);
        assertEquals("c", granted.peek());
        assertArrayEquals(new int[] {1, 0}, turns.takenAndWaiting());
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
        assertArrayEquals(new int[] {1, 0}, turns.takenAndWaiting());
        turns.give("a");
        assertArrayEquals(new int[] {0, 0}, turns.takenAndWaiting());
    }
}
