package io.twtbridge.worker;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * A shard's state snapshot as the outbox takes it for every batch of replies: 32 posts in flight whose ids X has
 * given (a shard's share of 500 requests in flight when one worker holds all 16), each a line of the snapshot. In
 * queue-worker's package (the benchmarks run on the class path) because the state is not part of its API. Run by
 * {@code io.twtbridge.bench.Micro}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ShardStateBench {
    private ShardState state;
    private Instant now;

    @Setup
    public void setUp() {
        state = ShardState.empty();
        now = Instant.now();
        for (int i = 0; i < 32; i++) {
            String fingerprint = ShardQueues.fingerprint(("request " + i).getBytes(StandardCharsets.UTF_8));
            state.threadPartPosted(fingerprint, Long.toString(1_860_000_000_000_000_000L + i), now);
        }
    }

    @Benchmark
    public byte[] snapshot() {
        return state.snapshot(now);
    }
}
