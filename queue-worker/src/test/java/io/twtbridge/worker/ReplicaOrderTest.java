package io.twtbridge.worker;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twtbridge.protocol.Tokens;
import io.twtbridge.sandbox.Counters;
import io.twtbridge.sandbox.Post;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Several worker replicas on one request queue: each user's posts reach X in the order the main server sent them,
 * also when a replica is SIGKILLed, and a user's rate limit learnt by one replica holds for the next owner.
 * Black-box: workers are OS processes, the test is the main server; order is read from the sandbox's timeline.
 *
 * <p>CI size by default; {@code -Dtwt.order.posts=3000} (and {@code twt.order.users}, {@code twt.order.workers},
 * {@code twt.order.latency.ms}) for the full size. Each run appends a row to
 * {@code queue-worker/target/resilience-results.txt}.
 */
@Tag("rabbitmq-only")
class ReplicaOrderTest {
    private static final int POSTS = WorkerFleet.intProperty("twt.order.posts", 1200);
    private static final int USERS = WorkerFleet.intProperty("twt.order.users", 20);
    private static final int WORKERS = WorkerFleet.intProperty("twt.order.workers", 3);
    private static final int LATENCY_MS = WorkerFleet.intProperty("twt.order.latency.ms", 50);
    private static final Pattern TEXT = Pattern.compile("order post of user (\\d+), number (\\d+)");

    @Test
    void eachUsersPostsReachXInRequestOrderAcrossReplicas() throws Exception {
        run("order-replicas", 0);
    }

    @Test
    void orderHoldsWhenAReplicaIsSigkilledAndAnotherStarts() throws Exception {
        run("order-replicas-kill", 1);
    }

    private void run(String label, int kills) throws Exception {
        try (WorkerFleet fleet = new WorkerFleet(label)) {
            fleet.latency(LATENCY_MS);
            List<Tokens> users = new ArrayList<>();
            for (int u = 0; u < USERS; u++) {
                users.add(fleet.user(String.format("order%02d", u)));
            }
            for (int i = 0; i < WORKERS; i++) {
                fleet.start();
            }
            long started = System.nanoTime();
            Map<String, String> textById = new HashMap<>();
            for (int i = 0; i < POSTS; i++) {
                textById.put("o" + i, String.format("order post of user %02d, number %05d", i % USERS, i / USERS));
            }
            String faults =
                    fleet.drive(POSTS, WorkerFleet.plan(kills, 0), Duration.ofSeconds(60 + POSTS / 10), (from, to) -> {
                        for (int i = from; i < to; i++) {
                            fleet.publishLegacy("o" + i, users.get(i % USERS), textById.get("o" + i));
                        }
                    });
            String busy = fleet.awaitQuiet(Duration.ofSeconds(30));
            boolean quiet = busy.isEmpty();
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            WorkerFleet.Tally t = fleet.tally(textById.keySet());
            Order o = order(fleet);
            int foreignCloses = fleet.foreignCloses();
            WorkerFleet.record(String.format(
                    "| %s | %d posts, %d users, %d workers, X +%d ms | %d SIGKILL | lost %d | doubled replies %d | double posts %d"
                            + " | out of order %d (users %d) | failed replies %d %s | drained %s | foreign closes %d | %.1f s | %s | %s |",
                    label,
                    POSTS,
                    USERS,
                    WORKERS,
                    LATENCY_MS,
                    kills,
                    t.lost(),
                    t.doubled(),
                    o.doublePosts,
                    o.outOfOrder,
                    o.usersAffected,
                    t.failed(),
                    t.outcomesText(),
                    quiet ? "yes" : busy,
                    foreignCloses,
                    took.toMillis() / 1000.0,
                    WorkerFleet.now(),
                    WorkerFleet.commit()));
            System.out.println("faults: " + faults + " out of order by user: " + o.byUser);

            assertAll(
                    label + ": " + POSTS + " posts from " + USERS + " users on " + WORKERS + " workers, " + kills
                            + " SIGKILL (" + faults + ")" + foreignNote(foreignCloses),
                    () -> assertEquals(kills, fleet.faultsInjected, "faults injected while requests were in flight"),
                    () -> assertEquals(
                            0,
                            o.outOfOrder,
                            "posts X accepted after a later post of the same user (out of order), " + o.usersAffected
                                    + " users affected: " + o.byUser),
                    () -> assertEquals(0, t.lost(), "requests without a reply (lost)"),
                    () -> assertEquals(0, t.doubled(), "replies beyond the first for the same msg_id (doubled)"),
                    () -> assertEquals(0, t.failed(), "replies that are not success; outcomes: " + t.outcomesText()),
                    () -> assertEquals(0, o.doublePosts, "texts X accepted more than once (double posts)"),
                    () -> assertEquals(POSTS, o.posted, "distinct texts X accepted"),
                    () -> assertTrue(
                            quiet, "queues of the virtual host still holding messages 30 s after the run: " + busy));
        }
    }

    /**
     * X limits a user; the replica that got the 429 (and so knows when the limit resets) is SIGKILLed while the
     * user's later posts are waiting. Whoever handles that user next must wait for the reset too: X sees at most one
     * 429 per rate-limit window for the user. Afterwards every request is posted, in order, answered once.
     */
    @Test
    void aRateLimitLearntByAKilledReplicaStillHoldsForTheNextOwner() throws Exception {
        int limit = 10;
        int windowS = WorkerFleet.intProperty("twt.order.window.s", 10);
        int limitedPosts = limit + 8;
        int otherUsers = 6;
        int otherPosts = 8; // each, below the limit
        try (WorkerFleet fleet = new WorkerFleet("order-rate-limit")) {
            fleet.latency(LATENCY_MS);
            fleet.userPostLimit(limit, windowS);
            Tokens limited = fleet.user("limited");
            List<Tokens> others = new ArrayList<>();
            for (int u = 0; u < otherUsers; u++) {
                others.add(fleet.user(String.format("order%02d", u)));
            }
            for (int i = 0; i < WORKERS; i++) {
                fleet.start();
            }
            long started = System.nanoTime();
            Map<String, String> textById = new HashMap<>();
            int total = 0;
            for (int n = 0; n < Math.max(limitedPosts, otherPosts); n++) {
                if (n < limitedPosts) {
                    String text = String.format("order post of user 99, number %05d", n);
                    textById.put("r" + total, text);
                    fleet.publishLegacy("r" + total++, limited, text);
                }
                for (int u = 0; n < otherPosts && u < otherUsers; u++) {
                    String text = String.format("order post of user %02d, number %05d", u, n);
                    textById.put("r" + total, text);
                    fleet.publishLegacy("r" + total++, others.get(u), text);
                }
            }
            fleet.confirmPublished();
            Counters counters = fleet.sandbox.counters();
            WorkerFleet.await(
                    "X's first 429 for the limited user",
                    Duration.ofSeconds(60),
                    () -> counters.rateLimited("limited") >= 1);

            // Who learnt it: the replica whose twt_rate_limited_users gauge says a user is waiting.
            List<WorkerFleet.WorkerProcess> learners = new ArrayList<>();
            long look = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (learners.isEmpty() && System.nanoTime() < look) {
                for (WorkerFleet.WorkerProcess w : fleet.liveAndReady()) {
                    if (fleet.metric(w, "twt_rate_limited_users") > 0) {
                        learners.add(w);
                    }
                }
                if (learners.isEmpty()) {
                    Thread.sleep(50); // poll interval
                }
            }
            boolean identified = !learners.isEmpty();
            if (!identified) {
                learners.addAll(fleet.liveAndReady()); // cannot tell which one: every replica that may know goes
            }
            String killed = learners.toString();
            for (WorkerFleet.WorkerProcess w : learners) {
                fleet.kill(w);
            }
            while (fleet.live().size() < WORKERS) {
                fleet.start();
            }
            String faults = fleet.drive(total, List.of(), Duration.ofSeconds(60 + 3L * windowS), (from, to) -> {});
            String busy = fleet.awaitQuiet(Duration.ofSeconds(30));
            boolean quiet = busy.isEmpty();
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            WorkerFleet.Tally t = fleet.tally(textById.keySet());
            Order o = order(fleet);
            long total429 = counters.rateLimited("limited");
            int maxPerWindow = counters.rateLimitedMaxPerWindow("limited");
            int foreignCloses = fleet.foreignCloses();
            WorkerFleet.record(String.format(
                    "| order-rate-limit | %d posts (%d of the limited user, limit %d per %d s), %d workers, X +%d ms"
                            + " | SIGKILL of %s %s | 429s for the user %d, most in one window %d | lost %d | doubled replies %d"
                            + " | double posts %d | out of order %d | failed replies %d %s | drained %s | foreign closes %d | %.1f s | %s | %s |",
                    total,
                    limitedPosts,
                    limit,
                    windowS,
                    WORKERS,
                    LATENCY_MS,
                    identified ? "the learner" : "all replicas",
                    killed,
                    total429,
                    maxPerWindow,
                    t.lost(),
                    t.doubled(),
                    o.doublePosts,
                    o.outOfOrder,
                    t.failed(),
                    t.outcomesText(),
                    quiet ? "yes" : busy,
                    foreignCloses,
                    took.toMillis() / 1000.0,
                    WorkerFleet.now(),
                    WorkerFleet.commit()));
            int posts = total;

            assertAll(
                    "rate limit of " + limit + " posts per " + windowS + " s, replica(s) killed: " + killed
                            + (identified
                                    ? " (the learner, by its twt_rate_limited_users gauge)"
                                    : " (learner not identifiable: all)")
                            + faults + foreignNote(foreignCloses),
                    () -> assertTrue(
                            maxPerWindow <= 1,
                            "429s X answered the limited user within one rate-limit window: " + maxPerWindow + " ("
                                    + total429 + " in all); after the first, every owner must wait for the reset"),
                    () -> assertEquals(0, t.lost(), "requests without a reply (lost)"),
                    () -> assertEquals(0, t.doubled(), "replies beyond the first for the same msg_id (doubled)"),
                    () -> assertEquals(0, t.failed(), "replies that are not success; outcomes: " + t.outcomesText()),
                    () -> assertEquals(0, o.doublePosts, "texts X accepted more than once (double posts)"),
                    () -> assertEquals(posts, o.posted, "distinct texts X accepted"),
                    () -> assertEquals(0, o.outOfOrder, "posts out of order: " + o.byUser),
                    () -> assertTrue(
                            quiet, "queues of the virtual host still holding messages 30 s after the run: " + busy));
        }
    }

    /** Order as X saw it. */
    private record Order(int posted, int doublePosts, int outOfOrder, int usersAffected, Map<String, Integer> byUser) {}

    /**
     * Per user, in timeline order: a post is out of order when a post with a higher request number of the same user
     * was accepted before it. Also counts texts accepted more than once.
     */
    private static Order order(WorkerFleet fleet) {
        Map<String, Integer> seen = new HashMap<>();
        Map<String, Integer> byUser = new TreeMap<>();
        int outOfOrder = 0;
        for (Map.Entry<String, List<Post>> e : fleet.timelines().entrySet()) {
            int highest = -1;
            for (Post p : e.getValue()) {
                seen.merge(p.text(), 1, Integer::sum);
                Matcher m = TEXT.matcher(p.text());
                if (!m.matches()) {
                    continue;
                }
                int n = Integer.parseInt(m.group(2));
                if (n < highest) {
                    outOfOrder++;
                    byUser.merge(e.getKey(), 1, Integer::sum);
                }
                highest = Math.max(highest, n);
            }
        }
        int doublePosts = seen.values().stream().mapToInt(n -> n - 1).sum();
        return new Order(seen.size(), doublePosts, outOfOrder, byUser.size(), byUser);
    }

    private static String foreignNote(int foreignCloses) {
        return foreignCloses > 0
                ? "; WARNING: " + foreignCloses + " broker-side connection closes by someone else (another test"
                        + " on the shared broker) added faults to this run"
                : "";
    }
}
