package io.twtbridge.worker;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Publishes on one channel in confirm mode; each publish completes when the broker confirms it (or fails when it
 * nacks it or the channel goes down). Publishing is serialized; waiting for confirms is not.
 */
final class ConfirmingPublisher {
    private final Channel channel;
    private final ConcurrentNavigableMap<Long, CompletableFuture<Void>> pending = new ConcurrentSkipListMap<>();

    ConfirmingPublisher(Channel channel) throws IOException {
        this.channel = channel;
        channel.confirmSelect();
        channel.addConfirmListener(new ConfirmListener() {
            @Override
            public void handleAck(long tag, boolean multiple) {
                settle(tag, multiple, null);
            }

            @Override
            public void handleNack(long tag, boolean multiple) {
                settle(tag, multiple, new IOException("the broker refused the message (nack)"));
            }
        });
        channel.addShutdownListener(cause -> failAll(new IOException("the channel closed before the broker confirmed")));
    }

    /** Publishes to the default exchange; completes on the broker's confirm. */
    CompletableFuture<Void> publish(String queue, AMQP.BasicProperties props, byte[] body) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        synchronized (this) {
            long seq = channel.getNextPublishSeqNo();
            pending.put(seq, done);
            try {
                channel.basicPublish("", queue, props, body);
            } catch (IOException | RuntimeException e) {
                pending.remove(seq);
                done.completeExceptionally(e);
            }
        }
        return done;
    }

    private void settle(long tag, boolean multiple, Exception error) {
        Map<Long, CompletableFuture<Void>> done = multiple ? pending.headMap(tag, true) : pending.subMap(tag, true, tag, true);
        for (var it = done.entrySet().iterator(); it.hasNext(); ) {
            CompletableFuture<Void> f = it.next().getValue();
            it.remove();
            if (error == null) {
                f.complete(null);
            } else {
                f.completeExceptionally(error);
            }
        }
    }

    private void failAll(Exception error) {
        synchronized (this) {
            settle(Long.MAX_VALUE, true, error);
        }
    }
}
