package io.twtbridge.worker;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twtbridge.protocol.Tokens;
import io.twtbridge.sandbox.Post;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Worker processes SIGKILLed and cut off from the broker in the middle of a burst: every request is answered
 * exactly once and nothing is posted twice. Black-box: workers are OS processes, the test is the main server.
 *
 * <p>Short by default (CI); longer with {@code -Dtwt.crash.posts=6000 -Dtwt.crash.kills=5 -Dtwt.crash.closes=2}
 * (and {@code twt.crash.users}, {@code twt.crash.workers}, {@code twt.crash.latency.ms}; media variant:
 * {@code twt.crash.media.posts}, {@code twt.crash.media.kills}). Each run appends a row to
 * {@code queue-worker/target/resilience-results.txt}.
 */
@Tag("rabbitmq-only")
class CrashTest {
    private static final int USERS = WorkerFleet.intProperty("twt.crash.users", 100);
    private static final int WORKERS = WorkerFleet.intProperty("twt.crash.workers", 2);
    private static final int LATENCY_MS = WorkerFleet.intProperty("twt.crash.latency.ms", 20);

    @Test
    void textPostsSurviveSigkillsAndDroppedConnections() throws Exception {
        int total = WorkerFleet.intProperty("twt.crash.posts", 1500);
        int kills = WorkerFleet.intProperty("twt.crash.kills", 2);
        int closes = WorkerFleet.intProperty("twt.crash.closes", 1);
        try (WorkerFleet fleet = new WorkerFleet("crash-text")) {
            fleet.latency(LATENCY_MS);
            List<Tokens> users = new ArrayList<>();
            for (int u = 0; u < USERS; u++) {
                users.add(fleet.user(String.format("crash%03d", u)));
            }
            for (int i = 0; i < WORKERS; i++) {
                fleet.start(); // declares the request queue before the burst
            }
            long started = System.nanoTime();
            Map<String, String> textById = new HashMap<>();
            for (int i = 0; i < total; i++) {
                textById.put("c" + i, String.format("crash post of user %03d, number %05d", i % USERS, i / USERS));
            }
            String faults = fleet.drive(
                    total, WorkerFleet.plan(kills, closes), Duration.ofSeconds(60 + total / 20), (from, to) -> {
                        for (int i = from; i < to; i++) {
                            fleet.publishLegacy("c" + i, users.get(i % USERS), textById.get("c" + i));
                        }
                    });
            String busy = fleet.awaitQuiet(Duration.ofSeconds(30));
            boolean quiet = busy.isEmpty();
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            WorkerFleet.Tally t = fleet.tally(textById.keySet());
            Map<String, Integer> postsPerText = new HashMap<>();
            for (Post p : fleet.posts()) {
                postsPerText.merge(p.text(), 1, Integer::sum);
            }
            int doublePosts =
                    postsPerText.values().stream().mapToInt(n -> n - 1).sum();
            int notPosted = (int) textById.values().stream()
                    .filter(x -> !postsPerText.containsKey(x))
                    .count();
            int foreignCloses = fleet.foreignCloses();
            WorkerFleet.record(String.format(
                    "| crash-text | %d posts, %d users, %d workers, X +%d ms | %d SIGKILL, %d conn close | lost %d | doubled replies %d"
                            + " | double posts %d | not posted %d | failed replies %d %s | drained %s | foreign closes %d | %.1f s | %s | %s |",
                    total,
                    USERS,
                    WORKERS,
                    LATENCY_MS,
                    kills,
                    closes,
                    t.lost(),
                    t.doubled(),
                    doublePosts,
                    notPosted,
                    t.failed(),
                    t.outcomesText(),
                    quiet ? "yes" : busy,
                    foreignCloses,
                    took.toMillis() / 1000.0,
                    WorkerFleet.now(),
                    WorkerFleet.commit()));
            System.out.println("faults: " + faults);

            assertAll(
                    "crash run with " + total + " posts from " + USERS + " users, " + kills + " SIGKILLs, " + closes
                            + " connection closes (" + faults + ")" + foreignNote(foreignCloses),
                    () -> assertEquals(
                            kills + closes, fleet.faultsInjected, "faults injected while requests were in flight"),
                    () -> assertEquals(0, t.lost(), "requests without a reply (lost)"),
                    () -> assertEquals(0, t.doubled(), "replies beyond the first for the same msg_id (doubled)"),
                    () -> assertEquals(0, t.failed(), "replies that are not success; outcomes: " + t.outcomesText()),
                    () -> assertEquals(0, t.foreign(), "replies with an id that was never sent"),
                    () -> assertEquals(0, doublePosts, "texts X accepted more than once (double posts)"),
                    () -> assertEquals(0, notPosted, "texts never posted"),
                    () -> assertTrue(
                            quiet, "queues of the virtual host still holding messages 30 s after the run: " + busy));
        }
    }

    /**
     * Image-only posts: X's duplicate check (identical text) cannot catch a repeated image post, so the worker must
     * not repost after a crash on its own. Each request is answered exactly once: posted, or {@code outcome_unknown}
     * when the worker cannot know whether a post went out; never posted twice. Each post is identified by its
     * image's alt text (not post text: the post has none).
     */
    @Test
    void mediaOnlyPostsAreNeverPostedTwice() throws Exception {
        int total = WorkerFleet.intProperty("twt.crash.media.posts", 400);
        int kills = WorkerFleet.intProperty("twt.crash.media.kills", 2);
        int users = Math.min(USERS, 50);
        try (WorkerFleet fleet = new WorkerFleet("crash-media")) {
            fleet.latency(LATENCY_MS);
            List<Tokens> tokens = new ArrayList<>();
            for (int u = 0; u < users; u++) {
                tokens.add(fleet.user(String.format("media%03d", u)));
            }
            for (int i = 0; i < WORKERS; i++) {
                fleet.start();
            }
            long started = System.nanoTime();
            Map<String, String> altById = new HashMap<>();
            for (int i = 0; i < total; i++) {
                altById.put("i" + i, String.format("image of user %03d, number %05d", i % users, i / users));
            }
            String faults =
                    fleet.drive(total, WorkerFleet.plan(kills, 0), Duration.ofSeconds(60 + total / 10), (from, to) -> {
                        for (int i = from; i < to; i++) {
                            fleet.publishJson(
                                    "i" + i,
                                    tokens.get(i % users),
                                    null,
                                    List.of(TestImages.png()),
                                    List.of(altById.get("i" + i)));
                        }
                    });
            String busy = fleet.awaitQuiet(Duration.ofSeconds(30));
            boolean quiet = busy.isEmpty();
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            WorkerFleet.Tally t = fleet.tally(altById.keySet());
            Map<String, Integer> postsPerAlt = new HashMap<>();
            for (Post p : fleet.posts()) {
                for (String alt : new LinkedHashSet<>(p.altTexts())) {
                    postsPerAlt.merge(alt, 1, Integer::sum);
                }
            }
            int doublePosts = postsPerAlt.values().stream().mapToInt(n -> n - 1).sum();
            int posted = 0;
            int unknown = 0;
            int other = 0;
            int successWithoutPost = 0;
            Set<String> otherCodes = new TreeSet<>();
            for (Map.Entry<String, String> e : altById.entrySet()) {
                List<WorkerFleet.Reply> rs = fleet.replies().getOrDefault(e.getKey(), List.of());
                if (rs.isEmpty()) {
                    continue;
                }
                WorkerFleet.Reply r = rs.getFirst();
                if (r.success()) {
                    posted++;
                    if (!postsPerAlt.containsKey(e.getValue())) {
                        successWithoutPost++;
                    }
                } else if ("outcome_unknown".equals(r.code())) {
                    unknown++;
                } else {
                    other++;
                    otherCodes.add(r.code());
                }
            }
            int foreignCloses = fleet.foreignCloses();
            WorkerFleet.record(String.format(
                    "| crash-media | %d image-only posts, %d users, %d workers, X +%d ms | %d SIGKILL | lost %d | doubled replies %d"
                            + " | double posts %d | posted %d, outcome_unknown %d, other %d %s | drained %s | foreign closes %d | %.1f s | %s | %s |",
                    total,
                    users,
                    WORKERS,
                    LATENCY_MS,
                    kills,
                    t.lost(),
                    t.doubled(),
                    doublePosts,
                    posted,
                    unknown,
                    other,
                    otherCodes,
                    quiet ? "yes" : busy,
                    foreignCloses,
                    took.toMillis() / 1000.0,
                    WorkerFleet.now(),
                    WorkerFleet.commit()));
            System.out.println("faults: " + faults);
            int otherReplies = other;
            int successNoPost = successWithoutPost;

            assertAll(
                    "media-only crash run with " + total + " posts, " + kills + " SIGKILLs (" + faults + ")"
                            + foreignNote(foreignCloses),
                    () -> assertEquals(kills, fleet.faultsInjected, "faults injected while requests were in flight"),
                    () -> assertEquals(0, t.lost(), "requests without a reply (lost)"),
                    () -> assertEquals(0, t.doubled(), "replies beyond the first for the same msg_id (doubled)"),
                    () -> assertEquals(0, doublePosts, "image posts X accepted more than once (double posts)"),
                    () -> assertEquals(0, otherReplies, "replies neither success nor outcome_unknown: " + otherCodes),
                    () -> assertEquals(0, successNoPost, "success replies for an image that was never posted"),
                    () -> assertEquals(0, t.foreign(), "replies with an id that was never sent"),
                    () -> assertTrue(
                            quiet, "queues of the virtual host still holding messages 30 s after the run: " + busy));
        }
    }

    private static String foreignNote(int foreignCloses) {
        return foreignCloses > 0
                ? "; WARNING: " + foreignCloses + " broker-side connection closes by someone else (another test"
                        + " on the shared broker) added faults to this run"
                : "";
    }
}
