package io.twtbridge.worker;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Supplier;

/**
 * Everything the worker sends on a consuming channel, in AMQP transactions: the messages a request causes (its
 * reply, its move to a shard, its dead-lettering) and the acknowledgement of the request are committed together,
 * so the broker has either all of them or none. A worker killed or cut off before the commit leaves the request
 * unacknowledged and nothing published; after the commit, the request is gone and its reply is stored.
 * Many requests share one commit: one thread takes whatever is waiting and commits it as a batch.
 */
final class Outbox implements AutoCloseable {
    /** Most operations in one transaction. */
    static final int MAX_BATCH = 256;

    private static final System.Logger LOG = System.getLogger(Outbox.class.getName());

    /** One thing to do inside a transaction. */
    sealed interface Op {
        /** Publish to {@code exchange} with {@code routingKey}; {@code mandatory}: the broker returns it if unroutable. */
        record Publish(String exchange, String routingKey, boolean mandatory, AMQP.BasicProperties props, byte[] body)
                implements Op {}

        /** Acknowledge a delivery of this channel. */
        record Ack(long deliveryTag) implements Op {}

        /**
         * Publish what {@code body} gives when the transaction is built, to a queue that keeps one message (a shard's
         * state): several for one queue in one batch are published once, the state as it is then, and committed
         * before the batch's other operations (a transaction of their own).
         */
        record Snapshot(String queue, AMQP.BasicProperties props, Supplier<byte[]> body) implements Op {}
    }

    private record Batch(List<Op> ops, CompletableFuture<Void> done) {}

    /** Stops the committer. Never an interrupt: a virtual thread interrupted in a socket write closes the socket. */
    private static final Batch STOP = new Batch(List.of(), new CompletableFuture<>());

    private final Channel channel;
    private final Runnable onBroken;
    private final LinkedBlockingQueue<Batch> waiting = new LinkedBlockingQueue<>();
    private final Thread committer;
    private volatile boolean closed;

    /** @param onBroken told once when a commit fails: the channel must then be closed, so its requests go back */
    Outbox(Channel channel, String name, Runnable onBroken) throws IOException {
        this.channel = channel;
        this.onBroken = onBroken;
        channel.txSelect();
        committer = Thread.ofVirtual().name("twt-outbox-" + name).start(this::run);
    }

    /** Commits these operations together (with others waiting); completes when the broker has committed them. */
    CompletableFuture<Void> commit(List<Op> ops) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (closed) {
            done.completeExceptionally(new IOException("the channel is closed"));
            return done;
        }
        waiting.add(new Batch(ops, done));
        if (closed) {
            failWaiting();
        }
        return done;
    }

    private void run() {
        List<Batch> batch = new ArrayList<>();
        Map<String, Op.Snapshot> snapshots = new HashMap<>();
        while (!closed) {
            try {
                Batch first = waiting.take();
                if (first == STOP) {
                    break;
                }
                batch.add(first);
                int ops = first.ops().size();
                Batch next;
                while (ops < MAX_BATCH && (next = waiting.peek()) != null && next != STOP) {
                    batch.add(waiting.poll());
                    ops += next.ops().size();
                }
                for (Batch b : batch) {
                    for (Op op : b.ops()) {
                        if (op instanceof Op.Snapshot snapshot) {
                            snapshots.put(snapshot.queue(), snapshot);
                        }
                    }
                }
                if (!snapshots.isEmpty()) {
                    for (Op.Snapshot snapshot : snapshots.values()) {
                        channel.basicPublish(
                                "",
                                snapshot.queue(),
                                false,
                                snapshot.props(),
                                snapshot.body().get());
                    }
                    // Committed before the rest: what a snapshot holds (the id of a post X accepted) is stored before
                    // the post's reply, even when the two were handed over together.
                    channel.txCommit();
                }
                boolean more = false;
                for (Batch b : batch) {
                    for (Op op : b.ops()) {
                        switch (op) {
                            case Op.Publish p ->
                                channel.basicPublish(p.exchange(), p.routingKey(), p.mandatory(), p.props(), p.body());
                            case Op.Ack a -> channel.basicAck(a.deliveryTag(), false);
                            case Op.Snapshot snapshot -> {}
                        }
                        more |= !(op instanceof Op.Snapshot);
                    }
                }
                if (more) {
                    channel.txCommit();
                }
                batch.forEach(b -> b.done().complete(null));
            } catch (InterruptedException e) {
                break;
            } catch (Exception e) {
                // The channel is gone (or the broker refused the transaction, which closes it): nothing of this
                // batch was committed, and the broker redelivers its requests.
                closed = true;
                LOG.log(
                        Level.WARNING,
                        "transaction not committed (" + e.getClass().getSimpleName()
                                + "); its requests go back to the queue");
                batch.forEach(b -> b.done().completeExceptionally(new IOException("not committed", e)));
                onBroken.run();
            }
            batch.clear();
            snapshots.clear();
        }
        closed = true;
        failWaiting();
    }

    private void failWaiting() {
        Batch b;
        boolean stop = false;
        while ((b = waiting.poll()) != null) {
            if (b == STOP) {
                stop = true;
            } else {
                b.done().completeExceptionally(new IOException("the channel is closed"));
            }
        }
        if (stop) {
            waiting.add(STOP);
        }
    }

    @Override
    public void close() {
        closed = true;
        failWaiting();
        waiting.add(STOP);
    }
}
