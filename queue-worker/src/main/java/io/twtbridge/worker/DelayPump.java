package io.twtbridge.worker;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Delays for brokers without TTL and dead-lettering (profile {@code PLAIN}): parked requests wait in
 * {@code twt.delay}; this consumer holds each one (unacknowledged, so a crash loses nothing) until its
 * {@code x-twt-not-before}, then moves it back to {@code twt} and acknowledges it once the broker confirms.
 */
final class DelayPump implements AutoCloseable {
    static final String H_NOT_BEFORE = "x-twt-not-before";
    /** Most parked requests held at once; later ones wait in the queue (so a wait can only get longer, never shorter). */
    static final int HELD = 10_000;
    private static final System.Logger LOG = System.getLogger(DelayPump.class.getName());

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "twt-delay-pump");
        t.setDaemon(true);
        return t;
    });

    DelayPump(Channel channel, String delayQueue, String requestQueue, ConfirmingPublisher publisher) throws IOException {
        channel.basicQos(HELD);
        channel.basicConsume(delayQueue, false, "twt-delay-pump", new DefaultConsumer(channel) {
            @Override
            public void handleDelivery(String tag, Envelope env, AMQP.BasicProperties props, byte[] body) {
                Map<String, Object> headers = props.getHeaders() == null ? new HashMap<>() : new HashMap<>(props.getHeaders());
                long due = headers.remove(H_NOT_BEFORE) instanceof Number n ? n.longValue() : 0;
                long wait = Math.max(0, due - System.currentTimeMillis());
                AMQP.BasicProperties back = props.builder().headers(headers).build();
                timer.schedule(() -> publisher.publish(requestQueue, back, body).whenComplete((v, e) -> {
                    try {
                        if (e == null) {
                            channel.basicAck(env.getDeliveryTag(), false);
                        } else {
                            channel.basicNack(env.getDeliveryTag(), false, true);
                        }
                    } catch (IOException | RuntimeException ex) {
                        LOG.log(Level.DEBUG, "delay pump ack failed; the broker redelivers");
                    }
                }), wait, TimeUnit.MILLISECONDS);
            }
        });
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
