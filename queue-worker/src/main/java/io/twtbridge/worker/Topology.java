package io.twtbridge.worker;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ShutdownSignalException;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** Declares the queues the worker uses. See RPC_FORMAT.md, "Queues". */
final class Topology {
    private Topology() {
    }

    static void declare(Channel ch, WorkerConfig c) throws IOException {
        try {
            // Declared exactly as the main server declares it: durable, no arguments.
            ch.queueDeclare(c.replyQueue(), true, false, false, null);
            ch.queueDeclare(c.deadLetterQueue(), true, false, false, null);
            if (c.brokerProfile() == WorkerConfig.BrokerProfile.PLAIN) {
                // No queue arguments at all: quorum falls back to a durable classic queue.
                switch (c.requestQueueMode()) {
                    case QUORUM, CLASSIC -> ch.queueDeclare(c.requestQueue(), true, false, false, null);
                    case LEGACY -> ch.queueDeclare(c.requestQueue(), false, false, false, null);
                    case PASSIVE -> ch.queueDeclarePassive(c.requestQueue());
                }
                ch.queueDeclare(c.plainDelayQueue(), true, false, false, null);
                return;
            }
            switch (c.requestQueueMode()) {
                case QUORUM -> {
                    Map<String, Object> args = new HashMap<>();
                    args.put("x-queue-type", "quorum");
                    args.put("x-delivery-limit", c.deliveryLimit());
                    args.put("x-dead-letter-exchange", "");
                    args.put("x-dead-letter-routing-key", c.deadLetterQueue());
                    ch.queueDeclare(c.requestQueue(), true, false, false, args);
                }
                case CLASSIC -> ch.queueDeclare(c.requestQueue(), true, false, false, null);
                case LEGACY -> ch.queueDeclare(c.requestQueue(), false, false, false, null);
                case PASSIVE -> ch.queueDeclarePassive(c.requestQueue());
            }
            for (Duration tier : c.delayTiers()) {
                Map<String, Object> args = new HashMap<>();
                args.put("x-message-ttl", tier.toMillis());
                args.put("x-dead-letter-exchange", "");
                args.put("x-dead-letter-routing-key", c.requestQueue());
                ch.queueDeclare(c.delayQueue(tier), true, false, false, args);
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
}
