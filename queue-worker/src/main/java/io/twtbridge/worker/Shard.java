package io.twtbridge.worker;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.GetResponse;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One shard this worker owns: the only consumer of its queue (an exclusive consumer, so no other worker can
 * consume it at the same time), on a channel of its own whose {@link Outbox} commits replies and acks together.
 * Requests of one user run one after another ({@link Sequencer}); a request that must wait (a retry, a rate
 * limit) waits where it is, unacknowledged, so the user's later requests stay behind it and nothing is reordered
 * when the shard changes hands: the broker gives every unacknowledged request back, in order, to the next owner.
 */
final class Shard {
    private static final System.Logger LOG = System.getLogger(Shard.class.getName());

    /** A request as delivered. */
    record Delivery(long tag, boolean redelivered, AMQP.BasicProperties props, byte[] body, Instant deliveredAt) {
        Map<String, Object> headers() {
            return props.getHeaders() == null ? Map.of() : props.getHeaders();
        }
    }

    /** Hands each delivery of an owned shard to the worker's request handling; never throws. */
    interface Handler {
        void dispatch(Shard shard, Delivery delivery);

        /** The broker returned a message published on the shard's channel (its queue is gone): keep it elsewhere. */
        void returned(Shard shard, String routingKey, AMQP.BasicProperties props, byte[] body, String why);
    }

    final int index;
    /** The most requests of this shard the broker hands us before their answers (its consumer's prefetch). */
    final int deliveries;

    private final WorkerConfig config;
    private final Channel channel;
    private final Outbox outbox;
    private final Sequencer sequencer;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final CountDownLatch lost = new CountDownLatch(1);
    /** Read at the first delivery; null until then. */
    private static final AMQP.BasicProperties PERSISTENT =
            new AMQP.BasicProperties.Builder().deliveryMode(2).build();

    private volatile ShardState state;
    /** Requests waiting in the shard's queue, as the broker last told (not those handed to us). */
    private volatile int backlog;
    /** When the broker last delivered a request of this shard to us (or when we took it). */
    private volatile long lastDelivery = System.nanoTime();

    private Shard(int index, int deliveries, WorkerConfig config, Channel channel, ExecutorService executor)
            throws IOException {
        this.index = index;
        this.deliveries = deliveries;
        this.config = config;
        this.channel = channel;
        this.sequencer = new Sequencer(executor);
        this.outbox = new Outbox(channel, "shard-" + index, this::abandon);
        channel.addShutdownListener(cause -> {
            lost.countDown();
            outbox.close();
        });
    }

    /**
     * Takes shard {@code k} if no other worker consumes it: consumes its queue exclusively (at most {@code prefetch}
     * requests in flight), reads its state, then starts handing deliveries to {@code handler}. Throws when another worker has it (the broker refuses).
     */
    static Shard acquire(
            Connection connection, WorkerConfig config, int k, int prefetch, ExecutorService executor, Handler handler)
            throws IOException {
        Channel ch = connection.createChannel();
        try {
            ch.basicQos(prefetch);
            CountDownLatch ready = new CountDownLatch(1);
            Shard[] self = new Shard[1];
            ch.basicConsume(config.shardQueue(k), false, "twt-shard-" + k, false, true, null, new DefaultConsumer(ch) {
                @Override
                public void handleDelivery(String tag, Envelope env, AMQP.BasicProperties props, byte[] body) {
                    Shard shard = null;
                    try {
                        if (!ready.await(30, TimeUnit.SECONDS)) {
                            throw new IllegalStateException("shard not set up in time");
                        }
                        shard = self[0];
                        shard.lastDelivery = System.nanoTime();
                        // Only the active consumer gets deliveries: the state is read now, not when subscribing,
                        // so a worker that was a stand-by reads what the owner before it left last.
                        shard.ensureState(connection);
                        handler.dispatch(
                                shard,
                                new Delivery(env.getDeliveryTag(), env.isRedeliver(), props, body, Instant.now()));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        abandonQuietly(shard, ch);
                    } catch (Throwable t) {
                        // Never on the consumer thread, and never a delivery left behind while later ones go on:
                        // the channel closes and everything unanswered goes back, in order.
                        LOG.log(
                                Level.ERROR,
                                "dispatch failed on shard " + k + " ("
                                        + t.getClass().getSimpleName() + ")");
                        abandonQuietly(shard, ch);
                    }
                }
            });
            Shard shard = new Shard(k, prefetch, config, ch, executor);
            ch.addReturnListener(
                    r -> handler.returned(shard, r.getRoutingKey(), r.getProperties(), r.getBody(), r.getReplyText()));
            self[0] = shard;
            ready.countDown();
            return shard;
        } catch (IOException | RuntimeException e) {
            closeQuietly(ch);
            throw e instanceof IOException io ? io : new IOException(e);
        }
    }

    private static void abandonQuietly(Shard shard, Channel ch) {
        if (shard != null) {
            shard.abandon();
        } else {
            closeQuietly(ch);
        }
    }

    /** Reads the shard's state once, on a channel of its own (outside this shard's transactions). */
    private void ensureState(Connection connection) {
        if (state != null) {
            return;
        }
        if (!config.keepsShardState()) {
            state = ShardState.unknown();
            return;
        }
        try (Channel ch = connection.createChannel()) {
            state = readState(ch, config.shardStateQueue(index));
        } catch (IOException | TimeoutException | RuntimeException e) {
            state = ShardState.unknown();
        }
    }

    /** Reads the state the previous owner left (and leaves it there). Any failure gives an unknown state. */
    private static ShardState readState(Channel ch, String queue) {
        try {
            GetResponse r = ch.basicGet(queue, false);
            if (r == null) {
                return ShardState.empty();
            }
            ch.basicReject(r.getEnvelope().getDeliveryTag(), true);
            return ShardState.parse(r.getBody());
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "shard state not readable (" + e.getClass().getSimpleName() + ")");
            return ShardState.unknown();
        }
    }

    ShardState state() {
        return state;
    }

    /** Users X rate-limits now, as this shard knows. */
    long rateLimitedUsers() {
        ShardState s = state;
        return s == null ? 0 : s.blockedUsers(Instant.now());
    }

    Sequencer sequencer() {
        return sequencer;
    }

    /** Commits these operations with others on this shard's channel; false when the shard is gone (the request comes back). */
    boolean commit(List<Outbox.Op> ops) {
        return await(outbox.commit(ops));
    }

    private boolean await(CompletableFuture<Void> committed) {
        try {
            committed.get(30, TimeUnit.SECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception e) {
            abandon();
            return false;
        }
    }

    /** Commits these operations with others, without waiting (for the connection's own thread). */
    void commitLater(List<Outbox.Op> ops) {
        outbox.commit(ops);
    }

    /**
     * Stores this shard's state before a call to X whose repetition must be avoided; false when the shard is gone or
     * being released (nothing new may start then).
     */
    boolean saveState() {
        return !isLost() && storeState();
    }

    /**
     * Stores what X has just done (a post's id) before it is answered, also while the shard is being released: its
     * channel stays open for the answers of the grace period. False when it could not be stored (the channel is gone).
     */
    boolean recordState() {
        return storeState();
    }

    /**
     * Stores what X has just done (a single post's id) before its reply, without waiting: the outbox commits the state
     * before anything handed to it later (the reply), and a failed commit fails the reply's too.
     */
    void recordStateBeforeReply() {
        if (config.keepsShardState()) {
            outbox.commit(List.of(snapshot()));
        }
    }

    private boolean storeState() {
        return !config.keepsShardState() || await(outbox.commit(List.of(snapshot())));
    }

    /**
     * The state as it is when its transaction is built, after what its caller recorded: a later snapshot never commits
     * before an earlier one, and those of many requests at once are one message.
     */
    private Outbox.Op snapshot() {
        ShardState s = state;
        return new Outbox.Op.Snapshot(config.shardStateQueue(index), PERSISTENT, () -> s.snapshot(Instant.now()));
    }

    /** Waits until {@code until}; false if the shard was lost or released meanwhile (then drop the request: it comes back). */
    boolean awaitUntil(Instant until) {
        long ms = Duration.between(Instant.now(), until).toMillis();
        try {
            return ms <= 0 ? !isLost() : !lost.await(ms, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    boolean isLost() {
        return lost.getCount() == 0;
    }

    /** Nothing in flight, and no delivery for {@code quiet}. */
    boolean quietFor(Duration quiet) {
        return inFlight.get() == 0 && System.nanoTime() - lastDelivery > quiet.toNanos();
    }

    /**
     * Whether this worker is only a stand-by consumer of the shard: with single active consumer, a second worker that
     * subscribed at the same moment as the owner gets nothing. Seen as: requests are waiting, yet none came to us
     * for {@code quiet}.
     */
    boolean idleWhile(int waitingRequests, Duration quiet) {
        return waitingRequests > 0 && inFlight.get() == 0 && System.nanoTime() - lastDelivery > quiet.toNanos();
    }

    /**
     * The work this shard has left: the requests waiting in its queue when the worker last looked (once per
     * rebalance interval), and those it holds; none once the shard is lost (its requests go back to the queue).
     */
    long remaining() {
        return isLost() ? 0 : (long) backlog + inFlight.get();
    }

    /** The requests waiting in the shard's queue, as the broker tells now. */
    void backlog(int waitingRequests) {
        backlog = waitingRequests;
    }

    void started() {
        inFlight.incrementAndGet();
    }

    void finished() {
        inFlight.decrementAndGet();
        synchronized (inFlight) {
            inFlight.notifyAll();
        }
    }

    int inFlight() {
        return inFlight.get();
    }

    /**
     * Gives the shard up: no new work starts, waits stop, calls to X already under way finish and are answered
     * (within {@code grace}), then the channel closes and the broker hands every unanswered request, in order, to
     * the next owner.
     */
    void release(Duration grace) {
        lost.countDown();
        long deadline = System.nanoTime() + grace.toNanos();
        synchronized (inFlight) {
            while (inFlight.get() > 0 && System.nanoTime() < deadline) {
                try {
                    inFlight.wait(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        if (inFlight.get() > 0) {
            LOG.log(
                    Level.WARNING,
                    inFlight.get() + " requests of shard " + index
                            + " still in flight after the grace period; they go back to the queue");
        }
        abandon();
    }

    /** Closes the channel at once: every unacknowledged request goes back to the queue. */
    void abandon() {
        lost.countDown();
        outbox.close();
        closeQuietly(channel);
    }

    private static void closeQuietly(Channel ch) {
        try {
            ch.abort();
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.DEBUG, "channel abort failed");
        }
    }
}
