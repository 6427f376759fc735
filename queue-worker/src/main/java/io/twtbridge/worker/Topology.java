package io.twtbridge.worker;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ShutdownSignalException;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/** Declares the queues the worker uses. See RPC_FORMAT.md §5, "Queues". */
final class Topology {
    private Topology() {
    }

    static void declare(Channel ch, WorkerConfig c) throws IOException {
        boolean rabbit = c.brokerProfile() == WorkerConfig.BrokerProfile.RABBITMQ;
        try {
            // Declared exactly as the main server declares it: durable, no arguments.
            ch.queueDeclare(c.replyQueue(), true, false, false, null);
            ch.queueDeclare(c.deadLetterQueue(), true, false, false, null);
            ch.queueDeclare(c.rosterQueue(), true, false, false, null);
            switch (c.requestQueueMode()) {
                case QUORUM -> ch.queueDeclare(c.requestQueue(), true, false, false, rabbit ? singleConsumer(quorum(c)) : null);
                case CLASSIC -> ch.queueDeclare(c.requestQueue(), true, false, false, null);
                case LEGACY -> ch.queueDeclare(c.requestQueue(), false, false, false, null);
                case PASSIVE -> ch.queueDeclarePassive(c.requestQueue());
            }
            for (int k = 0; k < c.shards(); k++) {
                ch.queueDeclare(c.shardQueue(k), true, false, false, rabbit ? singleConsumer(quorum(c)) : null);
                if (c.keepsShardState()) {
                    Map<String, Object> state = new HashMap<>();
                    state.put("x-queue-type", "quorum");
                    state.put("x-max-length", 1);
                    state.put("x-overflow", "drop-head");
                    ch.queueDeclare(c.shardStateQueue(k), true, false, false, state);
                }
            }
        } catch (IOException e) {
            if (e.getCause() instanceof ShutdownSignalException s) {
                throw new IllegalStateException("cannot declare the queues (" + s.getReason().protocolMethodName() + ": "
                        + s.getMessage().replaceAll(".*reply-text=", "").replaceAll(",.*", "")
                        + "); if queue '" + c.requestQueue() + "' already exists with another type, set WORKER_QUEUE_MODE"
                        + " (quorum, classic, legacy or passive) to match it; a broker that is not RabbitMQ needs"
                        + " WORKER_BROKER_PROFILE=plain", e);
            }
            throw e;
        }
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
