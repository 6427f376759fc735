package io.twtbridge.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a shard's next owner learns from the previous one. */
class ShardStateTest {
    private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");

    @Test
    void blocksAndAttemptsSurviveASnapshot() {
        ShardState s = ShardState.empty();
        s.block("u1", NOW.plusSeconds(60));
        s.block("u2", NOW.minusSeconds(1)); // already over: not carried
        s.attemptStarted("fp1");
        s.attemptStarted("fp2");
        s.attemptFinished("fp2");
        ShardState next = ShardState.parse(s.snapshot(NOW));
        assertEquals(NOW.plusSeconds(60), next.blockedUntil("u1", NOW));
        assertEquals(Instant.EPOCH, next.blockedUntil("u2", NOW));
        assertTrue(next.mayHaveAttempted("fp1"));
        assertFalse(next.mayHaveAttempted("fp2"));
        assertEquals(1, next.blockedUsers(NOW));
    }

    @Test
    void deletesSurviveASnapshotUntilTheyAreForgottenOrTooOld() {
        ShardState s = ShardState.empty();
        s.deleteSent("k1", NOW);
        s.deleteSent("k2", NOW.minus(ShardState.DELETE_MEMORY).minusSeconds(1)); // too old: not carried
        s.deleteSent("k3", NOW);
        s.deleteForgotten("k3");
        ShardState next = ShardState.parse(s.snapshot(NOW));
        assertTrue(next.mayHaveDeleted("k1", NOW));
        assertFalse(next.mayHaveDeleted("k2", NOW));
        assertFalse(next.mayHaveDeleted("k3", NOW));
        assertFalse(next.mayHaveDeleted("k1", NOW.plus(ShardState.DELETE_MEMORY)));
        assertTrue(new String(s.snapshot(NOW), StandardCharsets.UTF_8).contains("d k1 " + NOW.toEpochMilli() + "\n"));
        assertTrue(ShardState.unknown().mayHaveDeleted("k1", NOW));
    }

    @Test
    void threadProgressSurvivesASnapshotUntilDoneOrTooOld() {
        ShardState s = ShardState.empty();
        s.threadPartPosted("t1", "101", NOW);
        s.threadPartPosted("t1", "102", NOW);
        s.threadPartPosted("t2", "201", NOW.minus(ShardState.THREAD_MEMORY).minusSeconds(1));
        s.threadPartPosted("t3", "301", NOW);
        s.threadDone("t3");
        byte[] snapshot = s.snapshot(NOW);
        assertTrue(new String(snapshot, StandardCharsets.UTF_8).contains("t t1 " + NOW.toEpochMilli() + " 101,102\n"));
        ShardState next = ShardState.parse(snapshot);
        assertEquals(List.of("101", "102"), next.threadProgress("t1", NOW));
        assertEquals(List.of(), next.threadProgress("t2", NOW));
        assertEquals(List.of(), next.threadProgress("t3", NOW));
        // Compatible: older entry kinds still read, a bad id makes the state unknown (safe).
        assertEquals(
                List.of(),
                ShardState.parse("t k 1 -\na fp\n".getBytes(StandardCharsets.UTF_8))
                        .threadProgress("k", NOW));
        assertTrue(ShardState.parse("t k 1 12,x\n".getBytes(StandardCharsets.UTF_8))
                .mayHaveAttempted("other"));
    }

    @Test
    void deletesAreBoundedOldestFirst() {
        ShardState s = ShardState.empty();
        for (int i = 0; i <= ShardState.MAX_DELETES; i++) {
            s.deleteSent("k" + i, NOW.plusMillis(i));
        }
        assertFalse(s.mayHaveDeleted("k0", NOW));
        assertTrue(s.mayHaveDeleted("k1", NOW));
        assertTrue(s.mayHaveDeleted("k" + ShardState.MAX_DELETES, NOW));
    }

    @Test
    void noStateMeansNothingBlockedAndNothingAttempted() {
        ShardState s = ShardState.parse(null);
        assertFalse(s.mayHaveAttempted("fp"));
        assertEquals(Instant.EPOCH, s.blockedUntil("u", NOW));
    }

    @Test
    void anUnreadableStateAssumesEveryUnrepeatablePostMayHaveBeenAttempted() {
        for (String bad : new String[] {"b u1 notanumber", "z what", "b", "a"}) {
            ShardState s = ShardState.parse(bad.getBytes(StandardCharsets.UTF_8));
            assertTrue(s.mayHaveAttempted("anything"), bad);
        }
        assertTrue(ShardState.unknown().mayHaveAttempted("anything"));
    }

    @Test
    void anOwnerThatCouldNotReadTheStatePassesTheDoubtOn() {
        ShardState unknown = ShardState.unknown();
        unknown.attemptStarted("fp1");
        ShardState next = ShardState.parse(unknown.snapshot(NOW));
        assertTrue(next.mayHaveAttempted("fp-of-the-owner-before"), "still unknown for the next owner");
        assertTrue(next.mayHaveAttempted("fp1"));
    }

    @Test
    void theStateNeverNamesAToken() {
        String token = "1234567890-AbCdEfGhIjKlMnOpQrStUvWxYz";
        ShardState s = ShardState.empty();
        s.block(ShardQueues.userHash(token), NOW.plusSeconds(5));
        assertFalse(new String(s.snapshot(NOW), StandardCharsets.UTF_8).contains(token));
    }

    @Test
    void oneUserAlwaysMapsToTheSameShard() {
        int first = ShardQueues.shardOf("token-a", 16);
        for (int i = 0; i < 10; i++) {
            assertEquals(first, ShardQueues.shardOf("token-a", 16));
        }
        int[] counts = new int[16];
        for (int i = 0; i < 16_000; i++) {
            counts[ShardQueues.shardOf("user-" + i, 16)]++;
        }
        for (int c : counts) {
            assertTrue(c > 800 && c < 1200, "uneven shards: " + Arrays.toString(counts));
        }
    }
}
