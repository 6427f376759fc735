package io.twtbridge.worker;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the owner of a shard must remember across a hand-over, kept in the shard's state queue (one message, the
 * latest): users X rate-limited and until when, and the posts X would not deduplicate whose call to X has begun
 * and not yet been answered. Users appear only as a hash of their token. Text format, one entry a line:
 * {@code b <user-hash> <epoch-ms>}, {@code a <fingerprint>}, {@code d <delete-key> <epoch-ms>} (a delete of a post
 * by a user was sent to X at that time; kept {@link #DELETE_MEMORY}, at most {@link #MAX_DELETES}) and
 * {@code t <thread-key> <epoch-ms> <id>,<id>…} (the ids of a thread's parts already on X, in order, {@code -} for
 * none; kept {@link #THREAD_MEMORY}, at most {@link #MAX_THREADS}; a single post X accepted is a thread of one part
 * under its request's fingerprint, kept until its answer is committed), and {@code u} when an owner could not read the
 * state before it (what it writes is then still unknown to the next). A reader that
 * predates an entry kind treats the whole state as unknown, which is safe.
 */
final class ShardState {
    /** Most entries read from a state message; a longer one is treated as unknown. */
    static final int MAX_ENTRIES = 100_000;
    /** How long a delete sent to X is remembered, so that deleting the same post again answers {@code deleted}. */
    static final Duration DELETE_MEMORY = Duration.ofDays(7);
    /** Most deletes remembered per shard; the oldest are forgotten first. */
    static final int MAX_DELETES = 2_000;
    /** How long a thread's progress is kept, so that a retry of the same request continues where it stopped. */
    static final Duration THREAD_MEMORY = Duration.ofDays(7);
    /** Most threads' progress kept per shard; the oldest are forgotten first. */
    static final int MAX_THREADS = 1_000;

    /**
     * The parts of a thread on X (their ids, in order), as of {@code at}, and its line in a snapshot, built once (a
     * shard's snapshot is taken for every batch of replies, and holds every post whose answer is not committed yet).
     */
    private record ThreadProgress(Instant at, List<String> ids, String line) {
        static ThreadProgress of(String key, Instant at, List<String> ids) {
            String line =
                    "t " + key + " " + at.toEpochMilli() + " " + (ids.isEmpty() ? "-" : String.join(",", ids)) + "\n";
            return new ThreadProgress(at, ids, line);
        }
    }

    private final Map<String, Instant> blocked = new ConcurrentHashMap<>();
    private final Set<String> attempting = ConcurrentHashMap.newKeySet();
    private final Map<String, Instant> deletes = new ConcurrentHashMap<>();
    private final Map<String, ThreadProgress> threads = new ConcurrentHashMap<>();
    private volatile boolean known;

    private ShardState(boolean known) {
        this.known = known;
    }

    /** A new shard, or one whose previous owner left no state: nothing blocked, nothing attempted. */
    static ShardState empty() {
        return new ShardState(true);
    }

    /**
     * No state could be read (a broker without state queues, or an unreadable message): nothing is blocked, and any
     * redelivered post that X would not deduplicate may have been attempted.
     */
    static ShardState unknown() {
        return new ShardState(false);
    }

    /** Parses a state message; anything unexpected makes the whole state unknown. */
    static ShardState parse(byte[] body) {
        if (body == null) {
            return empty();
        }
        ShardState s = new ShardState(true);
        String[] lines = new String(body, StandardCharsets.UTF_8).split("\n", MAX_ENTRIES + 1);
        if (lines.length > MAX_ENTRIES) {
            return unknown();
        }
        try {
            for (String line : lines) {
                String[] f = line.split(" ", 3);
                switch (f[0]) {
                    case "" -> {}
                    case "b" -> s.blocked.put(f[1], Instant.ofEpochMilli(Long.parseLong(f[2])));
                    case "a" -> s.attempting.add(f[1]);
                    case "u" -> s.known = false;
                    case "d" -> s.deletes.put(f[1], Instant.ofEpochMilli(Long.parseLong(f[2])));
                    case "t" -> {
                        String[] t = f[2].split(" ", 2);
                        List<String> ids = t[1].equals("-") ? List.of() : List.of(t[1].split(","));
                        for (String id : ids) {
                            if (id.isEmpty() || !id.chars().allMatch(Character::isDigit)) {
                                return unknown();
                            }
                        }
                        s.threads.put(f[1], ThreadProgress.of(f[1], Instant.ofEpochMilli(Long.parseLong(t[0])), ids));
                    }
                    default -> {
                        return unknown();
                    }
                }
            }
        } catch (RuntimeException e) {
            return unknown();
        }
        return s;
    }

    /** The state as a message body: blocks still in force, and attempts in progress. */
    byte[] snapshot(Instant now) {
        // Sized for the lines of the posts and attempts in flight (about 110 characters each): not grown ten times over
        // for them; blocks and deletes, rarer and some expired, grow it as they come.
        StringBuilder b = new StringBuilder(64 + 128 * (threads.size() + attempting.size()));
        if (!known) {
            b.append("u\n");
        }
        blocked.forEach((user, until) -> {
            if (until.isAfter(now)) {
                b.append("b ")
                        .append(user)
                        .append(' ')
                        .append(until.toEpochMilli())
                        .append('\n');
            }
        });
        attempting.forEach(fp -> b.append("a ").append(fp).append('\n'));
        threads.forEach((key, p) -> {
            if (p.at().plus(THREAD_MEMORY).isAfter(now)) {
                b.append(p.line());
            }
        });
        deletes.forEach((key, at) -> {
            if (at.plus(DELETE_MEMORY).isAfter(now)) {
                b.append("d ").append(key).append(' ').append(at.toEpochMilli()).append('\n');
            }
        });
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Until when X rate-limits this user, or {@link Instant#EPOCH}. */
    Instant blockedUntil(String userHash, Instant now) {
        Instant until = blocked.get(userHash);
        if (until == null) {
            return Instant.EPOCH;
        }
        if (!until.isAfter(now)) {
            blocked.remove(userHash, until);
            return Instant.EPOCH;
        }
        return until;
    }

    void block(String userHash, Instant until) {
        blocked.merge(userHash, until, (a, b) -> a.isAfter(b) ? a : b);
    }

    /** Users rate-limited now. */
    long blockedUsers(Instant now) {
        return blocked.values().stream().filter(u -> u.isAfter(now)).count();
    }

    /** Whether a call to X may have begun for this request without its answer being committed. */
    boolean mayHaveAttempted(String fingerprint) {
        return !known || attempting.contains(fingerprint);
    }

    void attemptStarted(String fingerprint) {
        attempting.add(fingerprint);
    }

    void attemptFinished(String fingerprint) {
        attempting.remove(fingerprint);
    }

    /**
     * Whether a delete of this post by this user may already have been sent to X (by an earlier request, or an earlier
     * delivery of this one): always when the state is unknown.
     */
    boolean mayHaveDeleted(String deleteKey, Instant now) {
        Instant at = deletes.get(deleteKey);
        return !known || (at != null && at.plus(DELETE_MEMORY).isAfter(now));
    }

    /** A delete of this post is about to be sent to X. */
    void deleteSent(String deleteKey, Instant now) {
        deletes.put(deleteKey, now);
        if (deletes.size() > MAX_DELETES) {
            deletes.entrySet().stream()
                    .min(Map.Entry.comparingByValue())
                    .ifPresent(oldest -> deletes.remove(oldest.getKey(), oldest.getValue()));
        }
    }

    /** X answered that it never knew this post: forget the record, so a later delete of it answers not_found too. */
    void deleteForgotten(String deleteKey) {
        deletes.remove(deleteKey);
    }

    /** The ids of this thread's parts already on X, in order (empty when none, or forgotten). */
    List<String> threadProgress(String threadKey, Instant now) {
        ThreadProgress p = threads.get(threadKey);
        return p == null || !p.at().plus(THREAD_MEMORY).isAfter(now) ? List.of() : p.ids();
    }

    /** Whether this thread was begun before (by an earlier request or delivery): its progress is known. */
    boolean threadBegun(String threadKey, Instant now) {
        ThreadProgress p = threads.get(threadKey);
        return p != null && p.at().plus(THREAD_MEMORY).isAfter(now);
    }

    /** The thread is about to be posted: remember it (with no part yet) unless it was begun before. */
    void threadStarted(String threadKey, Instant now) {
        if (!threadBegun(threadKey, now)) {
            threads.put(threadKey, ThreadProgress.of(threadKey, now, List.of()));
            trimThreads();
        }
    }

    private void trimThreads() {
        if (threads.size() > MAX_THREADS) {
            threads.entrySet().stream()
                    .min(Comparator.comparing(e -> e.getValue().at()))
                    .ifPresent(oldest -> threads.remove(oldest.getKey(), oldest.getValue()));
        }
    }

    /** The next part of this thread is on X with this id. */
    void threadPartPosted(String threadKey, String tweetId, Instant now) {
        threads.compute(threadKey, (k, p) -> {
            List<String> ids = new ArrayList<>(p == null ? List.of() : p.ids());
            ids.add(tweetId);
            return ThreadProgress.of(k, now, List.copyOf(ids));
        });
        trimThreads();
    }

    /** The whole thread is answered as posted: nothing more to continue. */
    void threadDone(String threadKey) {
        threads.remove(threadKey);
    }
}
