package io.twtbridge.worker;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A TCP proxy between a worker and RabbitMQ that reads the AMQP 0-9-1 frames going through and, at one exact point,
 * stops the worker's frames from reaching the broker: right after the broker committed a message published to a shard
 * state queue whose body matches a test. Whatever the worker sends after that commit (its next transaction: a reply and
 * an acknowledgement) never arrives; {@link #cut()} then drops the connection, as a worker killed at that instant
 * would. One connection at a time; new connections are refused after the cut.
 */
final class AmqpCutter implements AutoCloseable {
    private static final int FRAME_METHOD = 1;
    private static final int FRAME_BODY = 3;
    private static final int CLASS_BASIC = 60;
    private static final int BASIC_PUBLISH = 40;
    private static final int CLASS_TX = 90;
    private static final int TX_COMMIT_OK = 21;

    private final ServerSocket server;
    private final URI broker;
    private final Predicate<String> stateBody;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    /** Channels whose last publish went to a state queue. */
    private final Map<Integer, Boolean> publishingState = new ConcurrentHashMap<>();

    private final CountDownLatch frozen = new CountDownLatch(1);
    private volatile int armedChannel = -1;
    private volatile boolean cut;

    /** Proxies to {@code broker}; freezes after the commit of a state message whose body {@code stateBody} accepts. */
    AmqpCutter(URI broker, Predicate<String> stateBody) throws IOException {
        this.broker = broker;
        this.stateBody = stateBody;
        this.server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        Thread.ofPlatform().daemon().name("amqp-cutter").start(this::accept);
    }

    /** The broker's URI with this proxy's address in place of the broker's. */
    URI uri() {
        return URI.create(broker.toString()
                .replace(broker.getHost() + ":" + broker.getPort(), "127.0.0.1:" + server.getLocalPort()));
    }

    /** Waits until the worker's frames are held back. */
    boolean awaitFrozen(long seconds) throws InterruptedException {
        return frozen.await(seconds, TimeUnit.SECONDS);
    }

    /** Drops every connection (nothing held back ever reaches the broker) and refuses new ones. */
    void cut() {
        cut = true;
        close();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket worker = server.accept();
                if (cut) {
                    worker.close();
                    continue;
                }
                Socket rabbit = new Socket(broker.getHost(), broker.getPort());
                sockets.add(worker);
                sockets.add(rabbit);
                Thread.ofPlatform().daemon().start(() -> pump(worker, rabbit, true));
                Thread.ofPlatform().daemon().start(() -> pump(rabbit, worker, false));
            } catch (IOException e) {
                return;
            }
        }
    }

    /** Copies frames from {@code from} to {@code to}, reading each one to decide. */
    private void pump(Socket from, Socket to, boolean fromWorker) {
        try (InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream()) {
            DataInputStream data = new DataInputStream(in);
            if (fromWorker) {
                byte[] header = new byte[8]; // "AMQP" 0 0 9 1
                data.readFully(header);
                out.write(header);
            }
            while (true) {
                byte[] head = new byte[7];
                data.readFully(head);
                ByteBuffer h = ByteBuffer.wrap(head);
                int type = h.get() & 0xff;
                int channel = h.getShort() & 0xffff;
                int size = h.getInt();
                byte[] rest = new byte[size + 1]; // payload and frame end
                data.readFully(rest);
                if (fromWorker) {
                    look(type, channel, rest, size);
                    if (frozen.getCount() == 0) {
                        continue; // held back for ever: the broker never sees it
                    }
                } else if (type == FRAME_METHOD
                        && channel == armedChannel
                        && method(rest) == CLASS_TX * 65536 + TX_COMMIT_OK) {
                    frozen.countDown(); // before the worker learns of the commit
                }
                out.write(head);
                out.write(rest);
                out.flush();
            }
        } catch (IOException e) {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    /** A frame from the worker: a publish to a state queue, and that message's body. */
    private void look(int type, int channel, byte[] payload, int size) {
        if (type == FRAME_METHOD && method(payload) == CLASS_BASIC * 65536 + BASIC_PUBLISH) {
            ByteBuffer b = ByteBuffer.wrap(payload, 4, size - 4);
            b.getShort(); // reserved
            int exchange = b.get() & 0xff;
            b.position(b.position() + exchange);
            byte[] key = new byte[b.get() & 0xff];
            b.get(key);
            publishingState.put(channel, new String(key, StandardCharsets.UTF_8).endsWith(".state"));
        } else if (type == FRAME_BODY
                && publishingState.getOrDefault(channel, false)
                && armedChannel < 0
                && stateBody.test(new String(payload, 0, size, StandardCharsets.UTF_8))) {
            armedChannel = channel;
        }
    }

    private static int method(byte[] payload) {
        return ByteBuffer.wrap(payload, 0, 4).getInt();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closed
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // closed
        }
        sockets.forEach(AmqpCutter::closeQuietly);
    }
}
