package io.twtbridge.worker;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeoutException;

/** Declares the queues the worker uses. See RPC_FORMAT.md §5, "Queues". */
final class Topology {
    private Topology() {}

    static void declare(Connection connection, Channel ch, WorkerConfig c) throws IOException {
        boolean rabbit = c.brokerProfile() == WorkerConfig.BrokerProfile.RABBITMQ;
        try {
            // Declared exactly as the main server declares it: durable, no arguments.
            ch.queueDeclare(c.replyQueue(), true, false, false, null);
            ch.queueDeclare(c.deadLetterQueue(), true, false, false, null);
            ch.queueDeclare(c.rosterQueue(), true, false, false, null);
            switch (c.requestQueueMode()) {
                case QUORUM ->
                    ch.queueDeclare(c.requestQueue(), true, false, false, rabbit ? singleConsumer(quorum(c)) : null);
                case CLASSIC -> ch.queueDeclare(c.requestQueue(), true, false, false, null);
                case LEGACY -> ch.queueDeclare(c.requestQueue(), false, false, false, null);
                case PASSIVE -> ch.queueDeclarePassive(c.requestQueue());
            }
            // The shards' queues are declared side by side: creating a quorum queue is a consensus round of its own
            // (tens of milliseconds), and a first start creates 32 of them.
            List<Callable<Void>> shardQueues = new ArrayList<>();
            for (int k = 0; k < c.shards(); k++) {
                String shard = c.shardQueue(k);
                if (rabbit) {
                    shardQueues.add(() -> {
                        declareIfMissing(connection, shard, singleConsumer(quorum(c)));
                        return null;
                    });
                } else {
                    ch.queueDeclare(shard, true, false, false, null);
                }
                if (c.keepsShardState()) {
                    String state = c.shardStateQueue(k);
                    shardQueues.add(() -> {
                        declareIfMissing(connection, state, stateArguments());
                        return null;
                    });
                }
            }
            declareAll(shardQueues);
        } catch (IOException e) {
            // 406 PRECONDITION_FAILED: a queue exists with other arguments; nothing but the operator can fix that.
            if (e.getCause() instanceof ShutdownSignalException s
                    && s.getReason() instanceof AMQP.Channel.Close close
                    && close.getReplyCode() == 406) {
                throw new IllegalStateException(
                        "cannot declare the queues (" + s.getReason().protocolMethodName() + ": "
                                + s.getMessage().replaceAll(".*reply-text=", "").replaceAll(",.*", "")
                                + "); if queue '" + c.requestQueue()
                                + "' already exists with another type, set WORKER_QUEUE_MODE"
                                + " (quorum, classic, legacy or passive) to match it; a broker that is not RabbitMQ needs"
                                + " WORKER_BROKER_PROFILE=plain",
                        e);
            }
            throw e;
        }
    }

    /**
     * The worker's own queues, once they exist, are only looked up: declaring a quorum queue again costs the broker
     * a consensus round each (tens of milliseconds, for 32 queues at every start), a look-up does not. The look-up of a
     * missing queue closes its channel, so it runs on one of its own.
     */
    private static void declareIfMissing(Connection connection, String queue, Map<String, Object> args)
            throws IOException {
        try (Channel probe = connection.createChannel()) {
            probe.queueDeclarePassive(queue);
            return;
        } catch (IOException | TimeoutException | RuntimeException e) {
            // missing (or not readable): declare it
        }
        try (Channel ch = connection.createChannel()) {
            ch.queueDeclare(queue, true, false, false, args);
        } catch (TimeoutException e) {
            throw new IOException(e);
        }
    }

    /**
     * Runs the declarations at once, each on a virtual thread, and waits for all. The first failure (in list order) is
     * thrown as it was thrown, the others added to it as suppressed.
     */
    private static void declareAll(List<Callable<Void>> declarations) throws IOException {
        List<Future<Void>> done;
        try (ExecutorService each = Executors.newVirtualThreadPerTaskExecutor()) {
            done = each.invokeAll(declarations);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while declaring the queues");
        }
        Throwable first = null;
        for (Future<Void> f : done) {
            try {
                f.get();
            } catch (ExecutionException e) {
                if (first == null) {
                    first = e.getCause();
                } else {
                    first.addSuppressed(e.getCause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while declaring the queues");
            }
        }
        switch (first) {
            case null -> {}
            case IOException io -> throw io;
            case RuntimeException r -> throw r;
            case Error err -> throw err;
            default -> throw new IOException(first);
        }
    }

    /** A shard's state: the latest snapshot only. */
    private static Map<String, Object> stateArguments() {
        Map<String, Object> state = new HashMap<>();
        state.put("x-queue-type", "quorum");
        state.put("x-max-length", 1);
        state.put("x-overflow", "drop-head");
        return state;
    }

    /**
     * One consumer at a time. Quorum queues ignore the exclusive flag of a consumer (classic queues honour it, and
     * the worker sets it too): single active consumer is how a quorum queue has one.
     */
    private static Map<String, Object> singleConsumer(Map<String, Object> args) {
        args.put("x-single-active-consumer", true);
        return args;
    }

    /** A replicated quorum queue that dead-letters a request the worker failed on too often. */
    private static Map<String, Object> quorum(WorkerConfig c) {
        Map<String, Object> args = new HashMap<>();
        args.put("x-queue-type", "quorum");
        args.put("x-delivery-limit", c.deliveryLimit());
        args.put("x-dead-letter-exchange", "");
        args.put("x-dead-letter-routing-key", c.deadLetterQueue());
        return args;
    }
}
