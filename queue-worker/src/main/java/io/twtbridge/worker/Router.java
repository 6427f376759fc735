package io.twtbridge.worker;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import io.twtbridge.protocol.DeadLetter;
import io.twtbridge.protocol.Decoded;
import io.twtbridge.protocol.QueueFormat;
import io.twtbridge.protocol.Tokens;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Moves requests from {@code twt}, where the main server publishes them, to the shard of their user. One worker
 * routes at a time (an exclusive consumer of {@code twt}), so the order of {@code twt} is kept in every shard. Each
 * move and the acknowledgement of the original are one transaction ({@link Outbox}): a crash loses nothing and
 * moves nothing twice. The moved request carries only the properties a reply needs, never the client's own
 * headers (a client cannot steer the worker) nor its {@code user_id} or {@code expiration}.
 */
final class Router {
    /** When the router moved the request (epoch ms): the start of its deadlines. */
    static final String H_RECEIVED = "x-twt-received";
    /**
     * Present when {@code twt} delivered the request before: an earlier worker (e.g. one from before sharding) may
     * have posted it, so X's "duplicate" then means success.
     */
    static final String H_REDELIVERED = "x-twt-redelivered";

    private static final System.Logger LOG = System.getLogger(Router.class.getName());
    /** Requests taken from {@code twt} before their moves are committed. */
    private static final int PREFETCH = 1000;

    private final Channel channel;
    private final Outbox outbox;
    private final CountDownLatch lost = new CountDownLatch(1);
    private final AtomicLong anyShard = new AtomicLong();
    private volatile long lastDelivery = System.nanoTime();

    private Router(Channel channel) throws IOException {
        this.channel = channel;
        this.outbox = new Outbox(channel, "router", this::close);
        channel.addShutdownListener(cause -> {
            lost.countDown();
            outbox.close();
        });
    }

    /** Starts routing if no other worker does (the broker refuses a second exclusive consumer: then this throws). */
    static Router acquire(Connection connection, WorkerConfig config, WorkerMetrics metrics) throws IOException {
        Channel ch = connection.createChannel();
        try {
            ch.basicQos(PREFETCH);
            Router router = new Router(ch);
            // A shard queue deleted under us returns the moved request (its original is acknowledged in the same
            // commit): it is kept in twt.dead rather than lost.
            ch.addReturnListener(r -> router.outbox.commit(List.of(Replies.kept(
                    config.deadLetterQueue(),
                    r.getProperties(),
                    r.getBody(),
                    DeadLetter.of(
                            DeadLetter.Cause.SHARD_MISSING,
                            "the shard queue " + r.getRoutingKey() + " does not exist")))));
            ch.basicConsume(config.requestQueue(), false, "twt-router", false, true, null, new DefaultConsumer(ch) {
                @Override
                public void handleDelivery(String tag, Envelope env, AMQP.BasicProperties props, byte[] body) {
                    try {
                        router.lastDelivery = System.nanoTime();
                        int k = shardOf(props, body, config.shards(), router.anyShard, config.unsealing());
                        router.outbox.commit(List.of(
                                new Outbox.Op.Publish(
                                        "",
                                        config.shardQueue(k),
                                        true,
                                        forward(props, System.currentTimeMillis(), env.isRedeliver()),
                                        body),
                                new Outbox.Op.Ack(env.getDeliveryTag())));
                        metrics.routed();
                    } catch (Throwable t) {
                        // Never left in twt to fail again for the next router (that would stop routing for good):
                        // kept in twt.dead with the reason, its ack in the same commit.
                        LOG.log(
                                Level.ERROR,
                                "routing failed (" + t.getClass().getSimpleName() + "); request dead-lettered");
                        router.outbox.commit(List.of(
                                Replies.kept(
                                        config.deadLetterQueue(),
                                        new AMQP.BasicProperties(),
                                        body,
                                        DeadLetter.of(DeadLetter.Cause.ROUTING_FAILED)),
                                new Outbox.Op.Ack(env.getDeliveryTag())));
                    }
                }
            });
            return router;
        } catch (IOException | RuntimeException e) {
            try {
                ch.abort();
            } catch (IOException | RuntimeException ignored) {
                // already closed by the broker's refusal
            }
            throw e instanceof IOException io ? io : new IOException(e);
        }
    }

    /** The shard for a request: its user's for a post (a sealed token's user once opened), any shard (round robin) otherwise. */
    static int shardOf(AMQP.BasicProperties props, byte[] body, int shards, AtomicLong anyShard, Unsealing unsealing) {
        Decoded decoded;
        try {
            decoded = unsealing.open(
                    QueueFormat.forContentType(props.getContentType()).decode(body));
        } catch (RuntimeException e) {
            decoded = null;
        }
        if (decoded instanceof Decoded.Ok ok && RequestHandler.userOf(ok.request()) instanceof Tokens user) {
            return ShardQueues.shardOf(user.token(), shards);
        }
        return (int) Math.floorMod(anyShard.getAndIncrement(), (long) shards);
    }

    /** The properties a moved request keeps: what its reply needs, and when it was received. */
    static AMQP.BasicProperties forward(AMQP.BasicProperties p, long receivedMs, boolean redelivered) {
        return new AMQP.BasicProperties.Builder()
                .contentType(p.getContentType())
                .contentEncoding(p.getContentEncoding())
                .correlationId(p.getCorrelationId())
                .replyTo(p.getReplyTo())
                .messageId(p.getMessageId())
                .timestamp(p.getTimestamp())
                .headers(
                        redelivered
                                ? Map.of(H_RECEIVED, receivedMs, H_REDELIVERED, true)
                                : Map.of(H_RECEIVED, receivedMs))
                .deliveryMode(2)
                .build();
    }

    boolean isLost() {
        return lost.getCount() == 0;
    }

    /** A stand-by consumer of {@code twt} (see {@link Shard#idleWhile}): requests wait, none came to us for {@code quiet}. */
    boolean idleWhile(int waitingRequests, Duration quiet) {
        return waitingRequests > 0 && System.nanoTime() - lastDelivery > quiet.toNanos();
    }

    /** Stops routing: requests not yet moved go back to {@code twt}, in order, for whichever worker routes next. */
    void close() {
        lost.countDown();
        outbox.close();
        try {
            channel.abort();
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.DEBUG, "router channel abort failed");
        }
    }
}
