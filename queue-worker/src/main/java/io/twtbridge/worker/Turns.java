package io.twtbridge.worker;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.ToLongFunction;

/**
 * Turns to call X: at most {@code limit} at once, shared among keys (a worker's shards) in proportion to the work each
 * has left ({@code remaining}: for a shard, the requests waiting in its queue and those it holds). A freed turn goes
 * to the waiting key furthest below its share, so a key without a turn goes first and none starves; within a key,
 * first come first served.
 *
 * <p>Why not first come first served among all: users hash unevenly onto shards, and a shard is handed a bounded
 * number of requests at a time. Served alike, every shard drained at the same rate and the busiest one was left alone
 * at the end, at the rate of the requests it is handed (benchmarks/README.md). In proportion to what they have left,
 * the shards drain together.
 */
final class Turns<K> {
    private final int limit;
    private final ToLongFunction<K> remaining;
    private final ReentrantLock lock = new ReentrantLock();
    /** The keys with a turn or a request waiting for one. */
    private final Map<K, Line> lines = new HashMap<>();
    /** Turns taken: all of them whenever a request waits. */
    private int taken;

    /** One key's turns and waiting requests. */
    private static final class Line {
        final ArrayDeque<Waiter> waiting = new ArrayDeque<>();
        int taken;
    }

    private static final class Waiter {
        final Condition turn;
        boolean granted;

        Waiter(Condition turn) {
            this.turn = turn;
        }
    }

    Turns(int limit, ToLongFunction<K> remaining) {
        this.limit = limit;
        this.remaining = remaining;
    }

    /**
     * Waits for a turn for {@code key}. False, without a turn, when interrupted while waiting or once {@code giveUp}
     * says so (asked once a second while waiting; it must be quick and must not block). True, with a turn to
     * {@link #give} back, whenever one was granted.
     */
    boolean take(K key, BooleanSupplier giveUp) {
        lock.lock();
        try {
            Line line = lines.computeIfAbsent(key, k -> new Line());
            if (taken < limit) {
                grant(line);
                return true;
            }
            Waiter w = new Waiter(lock.newCondition());
            line.waiting.add(w);
            try {
                while (!w.granted) {
                    if (!w.turn.await(1, TimeUnit.SECONDS) && !w.granted && givesUp(giveUp)) {
                        line.waiting.remove(w);
                        forgetIfIdle(key, line);
                        return false;
                    }
                }
                return true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                if (w.granted) {
                    return true; // granted as it was interrupted: the caller has it, and gives it back
                }
                line.waiting.remove(w);
                forgetIfIdle(key, line);
                return false;
            }
        } finally {
            lock.unlock();
        }
    }

    /** Gives back a turn {@link #take} gave {@code key}. Throws if {@code key} holds none (a turn given twice). */
    void give(K key) {
        lock.lock();
        try {
            Line line = lines.get(key);
            if (line == null || line.taken == 0) {
                throw new IllegalStateException("a turn given back that was not taken");
            }
            passOn(key, line);
        } finally {
            lock.unlock();
        }
    }

    /** Turns taken, requests waiting for one, and keys with either (for tests). */
    record Counts(int taken, int waiting, int keys) {}

    Counts counts() {
        lock.lock();
        try {
            return new Counts(
                    taken,
                    lines.values().stream().mapToInt(l -> l.waiting.size()).sum(),
                    lines.size());
        } finally {
            lock.unlock();
        }
    }

    /** A waiter whose {@code giveUp} fails gives up: a turn granted to it later would never be given back. */
    private static boolean givesUp(BooleanSupplier giveUp) {
        try {
            return giveUp.getAsBoolean();
        } catch (RuntimeException e) {
            return true;
        }
    }

    /** A key's work left, at least 1 (also when {@code remaining} fails: the turns must go on being passed). */
    private long weight(K key) {
        try {
            return Math.max(1, remaining.applyAsLong(key));
        } catch (RuntimeException e) {
            return 1;
        }
    }

    /** Takes {@code key}'s turn back and hands it to the waiting key with the fewest turns for the work it has left. */
    private void passOn(K key, Line line) {
        line.taken--;
        taken--;
        Line next = null;
        long nextWeight = 1;
        for (Map.Entry<K, Line> e : lines.entrySet()) {
            Line l = e.getValue();
            if (l.waiting.isEmpty()) {
                continue;
            }
            long weight = weight(e.getKey());
            // l.taken / weight < next.taken / nextWeight, without division
            if (next == null || (long) l.taken * nextWeight < (long) next.taken * weight) {
                next = l;
                nextWeight = weight;
            }
        }
        if (next != null) {
            Waiter w = next.waiting.poll();
            grant(next);
            w.granted = true;
            w.turn.signal();
        }
        forgetIfIdle(key, line);
    }

    private void grant(Line line) {
        line.taken++;
        taken++;
    }

    private void forgetIfIdle(K key, Line line) {
        if (line.taken == 0 && line.waiting.isEmpty()) {
            lines.remove(key);
        }
    }
}
