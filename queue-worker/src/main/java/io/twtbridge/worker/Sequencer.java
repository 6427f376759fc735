package io.twtbridge.worker;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;

/**
 * Runs tasks concurrently across keys and one at a time, in submission order, within a key (the posts of one
 * user go out in the order they arrived). Tasks run on the given executor (virtual threads).
 */
final class Sequencer {
    private final ExecutorService executor;
    private final Map<String, CompletableFuture<Void>> tails = new ConcurrentHashMap<>();

    Sequencer(ExecutorService executor) {
        this.executor = executor;
    }

    /** Submits a task after every earlier task of the same key. Must be called from one thread, in order. */
    void submit(String key, Runnable task) {
        CompletableFuture<Void>[] mine = new CompletableFuture[1];
        tails.compute(key, (k, tail) -> {
            CompletableFuture<Void> next = tail == null
                    ? CompletableFuture.runAsync(task, executor)
                    : tail.handleAsync(
                            (v, e) -> {
                                task.run();
                                return null;
                            },
                            executor);
            mine[0] = next;
            return next;
        });
        mine[0].whenComplete((v, e) -> tails.remove(key, mine[0]));
    }
}
