package io.twtbridge.worker;

import com.rabbitmq.client.AMQP;
import io.twtbridge.protocol.DeadLetter;
import java.util.HashMap;
import java.util.Map;

/**
 * Where a reply goes and what goes to {@code twt.dead}, as {@link Outbox} operations. A reply goes to the request's
 * {@code reply_to} if a client may use that name (RabbitMQ's direct reply-to, the reply queue, or a name with the
 * configured prefix; never one of the worker's own {@code twt*} queues), otherwise to {@code twt.dead} with the
 * reason. On RabbitMQ replies are published {@code mandatory}: one whose queue does not exist comes back from the
 * broker and is kept in {@code twt.dead} too ({@link RequestHandler#returned}), so no reply is silently dropped.
 */
final class Replies {
    private static final String DIRECT_REPLY_TO = "amq.rabbitmq.reply-to";

    private final WorkerConfig config;

    Replies(WorkerConfig config) {
        this.config = config;
    }

    /** Whether a client may name this queue as {@code reply_to}. */
    static boolean allowed(String replyTo, WorkerConfig c) {
        if (replyTo.startsWith(c.requestQueue())) {
            return false;
        }
        return replyTo.equals(c.replyQueue())
                || replyTo.startsWith(DIRECT_REPLY_TO)
                || (!c.replyToPrefix().isEmpty() && replyTo.startsWith(c.replyToPrefix()));
    }

    /** The operation that delivers this reply: to its target, or to {@code twt.dead} saying why it could not go there. */
    Outbox.Op reply(AMQP.BasicProperties request, String contentType, byte[] body) {
        String replyTo = request.getReplyTo();
        AMQP.BasicProperties props = new AMQP.BasicProperties.Builder()
                .contentType(contentType)
                .correlationId(request.getCorrelationId())
                .deliveryMode(2)
                .build();
        if (replyTo == null || replyTo.isEmpty()) {
            return new Outbox.Op.Publish("", config.replyQueue(), mandatory(), props, body);
        }
        if (!allowed(replyTo, config)) {
            return undeliverable(props, body, DeadLetter.of(DeadLetter.Cause.REPLY_TO_REFUSED));
        }
        // RabbitMQ 3.x routes direct reply-to when the reply is published, not at the commit, and reports it as
        // unroutable: published plain (at least once, not exactly once, on RabbitMQ before 4.0).
        boolean direct = replyTo.startsWith(DIRECT_REPLY_TO);
        return new Outbox.Op.Publish("", replyTo, !direct && mandatory(), props, body);
    }

    /**
     * RabbitMQ returns an unroutable mandatory message and still commits the rest; other brokers (Qpid Broker-J)
     * fail the whole transaction, which would send the request round forever: there, replies are not mandatory.
     */
    private boolean mandatory() {
        return config.brokerProfile() == WorkerConfig.BrokerProfile.RABBITMQ;
    }

    /** A reply that cannot reach its client, kept in {@code twt.dead} with the reason. */
    Outbox.Op undeliverable(AMQP.BasicProperties props, byte[] body, DeadLetter why) {
        return kept(config.deadLetterQueue(), props, body, why);
    }

    /** A request that cannot be answered (no usable id), kept in {@code twt.dead} with the reason. */
    Outbox.Op deadLetter(AMQP.BasicProperties request, byte[] body, DeadLetter why) {
        return undeliverable(Router.forward(request, System.currentTimeMillis(), false), body, why);
    }

    /** The one way anything goes to {@code twt.dead}: persistent, its headers plus {@link DeadLetter#headers()}. */
    static Outbox.Op.Publish kept(String deadLetterQueue, AMQP.BasicProperties props, byte[] body, DeadLetter why) {
        Map<String, Object> headers = new HashMap<>(props.getHeaders() == null ? Map.of() : props.getHeaders());
        headers.putAll(why.headers());
        return new Outbox.Op.Publish(
                "",
                deadLetterQueue,
                false,
                props.builder().headers(headers).deliveryMode(2).build(),
                body);
    }
}
