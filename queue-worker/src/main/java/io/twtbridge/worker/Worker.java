package io.twtbridge.worker;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import io.twtbridge.protocol.Command;
import io.twtbridge.protocol.Decoded;
import io.twtbridge.protocol.ErrorCode;
import io.twtbridge.protocol.Outcome;
import io.twtbridge.protocol.QueueFormat;
import io.twtbridge.protocol.Request;
import io.twtbridge.twitter.XClient;
import io.twtbridge.twitter.XClientConfig;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Consumes requests from {@code twt}, works on many at once (virtual threads, bounded by the prefetch) while
 * keeping each user's posts in order, and answers each exactly once. A request is acknowledged only after its
 * reply (or its parking in a delay queue, or its dead-lettering) is confirmed by the broker.
 */
public final class Worker implements AutoCloseable {
    static final String H_ATTEMPT = "x-twt-attempt";
    static final String H_FIRST_SEEN = "x-twt-first-seen";
    static final String H_DEFER_ID = "x-twt-defer-id";
    static final String H_REASON = "x-twt-reason";
    static final String H_PROBLEM = "x-twt-problem";
    private static final System.Logger LOG = System.getLogger(Worker.class.getName());

    private final WorkerConfig config;
    private final PostingService service;
    private final WorkerMetrics metrics;
    private final Gate gate = new Gate();
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Sequencer sequencer = new Sequencer(executor);
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Set<String> recentlyAnswered = Collections.synchronizedSet(Collections.newSetFromMap(
            new LinkedHashMap<>(16, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                    return size() > 100_000;
                }
            }));
    private volatile Connection connection;
    private volatile Channel consumeChannel;
    private volatile ConfirmingPublisher publisher;
    private volatile DelayPump delayPump;
    private volatile String consumerTag;
    private volatile boolean closing;
    private volatile Thread starter;

    /** A worker talking to X as configured; call {@link #start()}. */
    public Worker(WorkerConfig config, XClientConfig x) {
        this(config, x, new WorkerMetrics());
    }

    private Worker(WorkerConfig config, XClientConfig x, WorkerMetrics metrics) {
        this.config = config;
        this.service = new PostingService(new XClient(x, metrics::xCall), new MediaLoader(config.mediaAllowedDir(), config.mediaFetch()));
        this.metrics = metrics;
        metrics.gauges(inFlight::get, () -> gate.rateLimitedUsers(Instant.now()));
    }

    /** Connects (retrying while RabbitMQ is not up yet) and starts consuming, in the background. */
    public void start() {
        start(message -> { });
    }

    /**
     * Like {@link #start()}; {@code onFatal} is told, in one line, when the worker cannot ever start (e.g. queue
     * {@code twt} exists with another type). The process should then exit.
     */
    public void start(java.util.function.Consumer<String> onFatal) {
        starter = Thread.ofPlatform().name("twt-worker-connect").daemon(true).start(() -> connectLoop(onFatal));
    }

    private void connectLoop(java.util.function.Consumer<String> onFatal) {
        long backoffMs = 500;
        while (!closing) {
            try {
                connect();
                return;
            } catch (IllegalStateException e) {
                LOG.log(Level.ERROR, "queue-worker cannot start: " + e.getMessage());
                closeQuietly();
                onFatal.accept(e.getMessage());
                return;
            } catch (IOException | java.util.concurrent.TimeoutException | RuntimeException e) {
                LOG.log(Level.WARNING, "RabbitMQ at " + config.amqpUri().getHost() + ":" + config.amqpUri().getPort()
                        + " not reachable yet (" + e.getClass().getSimpleName() + "), retrying in " + backoffMs + " ms");
                closeQuietly();
                try {
                    Thread.sleep(backoffMs);
                } catch (InterruptedException ie) {
                    return;
                }
                backoffMs = Math.min(10_000, backoffMs * 2);
            }
        }
    }

    private void connect() throws IOException, java.util.concurrent.TimeoutException {
        ConnectionFactory f = connectionFactory(config.amqpUri());
        f.setAutomaticRecoveryEnabled(true);
        f.setTopologyRecoveryEnabled(true);
        f.setNetworkRecoveryInterval(1000);
        f.setRequestedHeartbeat(20);
        Connection c = f.newConnection("twt-queue-worker");
        connection = c;
        try (Channel declare = c.createChannel()) {
            Topology.declare(declare, config);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IOException(e);
        }
        publisher = new ConfirmingPublisher(c.createChannel());
        if (config.brokerProfile() == WorkerConfig.BrokerProfile.PLAIN) {
            delayPump = new DelayPump(c.createChannel(), config.plainDelayQueue(), config.requestQueue(), publisher);
        }
        Channel ch = c.createChannel();
        ch.basicQos(config.prefetch());
        consumeChannel = ch;
        consumerTag = ch.basicConsume(config.requestQueue(), false, "twt-worker-" + UUID.randomUUID(), new DefaultConsumer(ch) {
            @Override
            public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties props, byte[] body) {
                dispatch(new Delivery(envelope.getDeliveryTag(), envelope.isRedeliver(), props, body));
            }
        });
        LOG.log(Level.INFO, "queue-worker consuming " + config);
    }

    /**
     * A connection factory for an {@code amqp://} or {@code amqps://} URI. A path of just {@code /} means the default
     * virtual host {@code /} (as people write it), not the empty-named one.
     */
    public static ConnectionFactory connectionFactory(java.net.URI uri) {
        ConnectionFactory f = new ConnectionFactory();
        try {
            String s = uri.toString();
            f.setUri(s.endsWith("/") && "/".equals(uri.getRawPath()) ? s.substring(0, s.length() - 1) : s);
        } catch (Exception e) {
            throw new IllegalStateException("AMQP_URI is not a valid amqp:// URI");
        }
        return f;
    }

    /** Ready: connected, and consuming. */
    public boolean ready() {
        Connection c = connection;
        Channel ch = consumeChannel;
        return !closing && c != null && c.isOpen() && ch != null && ch.isOpen() && consumerTag != null;
    }

    /** Requests being worked on now. */
    public int inFlight() {
        return inFlight.get();
    }

    record Delivery(long tag, boolean redelivered, AMQP.BasicProperties props, byte[] body) {
        Map<String, Object> headers() {
            return props.getHeaders() == null ? Map.of() : props.getHeaders();
        }
    }

    /** Bookkeeping a request carries between attempts, in its headers. */
    record Meta(int attempt, Instant firstSeen, String deferId) {
        static Meta of(Delivery d, Instant now) {
            Map<String, Object> h = d.headers();
            int attempt = h.get(H_ATTEMPT) instanceof Number n ? n.intValue() : 0;
            Instant first = h.get(H_FIRST_SEEN) instanceof Number n ? Instant.ofEpochMilli(n.longValue()) : now;
            Object id = h.get(H_DEFER_ID);
            return new Meta(attempt, first, id == null ? null : id.toString());
        }
    }

    private void dispatch(Delivery d) {
        inFlight.incrementAndGet();
        Request.Post post = null;
        QueueFormat format = QueueFormat.forContentType(d.props().getContentType());
        Decoded decoded = format.decode(d.body());
        if (decoded instanceof Decoded.Ok ok && ok.request() instanceof Request.Post p) {
            post = p;
        }
        // One user's posts run one after another; everything else runs freely.
        String key = post != null ? "u:" + post.user().token() : "d:" + d.tag();
        sequencer.submit(key, () -> {
            try {
                process(d, format, decoded);
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "unexpected failure on a request (" + e.getClass().getSimpleName() + ")", e);
                recover(d);
            } finally {
                inFlight.decrementAndGet();
                synchronized (inFlight) {
                    inFlight.notifyAll();
                }
            }
        });
    }

    private void process(Delivery d, QueueFormat format, Decoded decoded) {
        if (d.redelivered() && recentlyAnswered.contains(fingerprint(d))) {
            LOG.log(Level.INFO, "redelivered request was already answered; acknowledging it without a second reply");
            ack(d);
            return;
        }
        switch (decoded) {
            case Decoded.Malformed m when m.answerable() -> answer(d, format, m.id().get(), m.command().orElse(Command.UPLOAD_POST), m.failure());
            case Decoded.Malformed m -> deadLetter(d, m.problem().name(), m.detail());
            case Decoded.Ok ok -> handle(d, format, ok.request());
        }
    }

    private void handle(Delivery d, QueueFormat format, Request request) {
        Instant now = Instant.now();
        Meta meta = Meta.of(d, now);
        String user = request instanceof Request.Post p ? p.user().token() : null;
        Instant deadline = meta.firstSeen().plus(config.rateLimitDeadline());
        if (user != null) {
            switch (gate.check(user, meta.deferId(), deadline, now)) {
                case Gate.Verdict.Proceed ignored -> { }
                case Gate.Verdict.Defer w -> {
                    String id = gate.park(user, meta.deferId(), now);
                    defer(d, new Meta(meta.attempt(), meta.firstSeen(), id), w.delay(), "waiting_behind_user");
                    return;
                }
                case Gate.Verdict.Expire e -> {
                    answer(d, format, request.id(), request.command(), rateLimited(e.retryAfter()));
                    gate.done(user, meta.deferId(), now);
                    return;
                }
            }
        }
        Decision decision = service.attempt(request, d.redelivered() || meta.attempt() > 0);
        switch (decision) {
            case Decision.Answer a -> finish(d, format, request, a.outcome(), user, meta);
            case Decision.Retry r -> {
                int attempt = meta.attempt() + 1;
                if (attempt > config.maxAttempts() || Duration.between(meta.firstSeen(), now).compareTo(config.maxRetryAge()) > 0) {
                    finish(d, format, request, Outcome.Failed.of(ErrorCode.X_UNAVAILABLE,
                            "X is unavailable (" + r.reason() + ") after " + meta.attempt() + " retries"), user, meta);
                    return;
                }
                Duration wait = backoff(attempt);
                String id = user != null ? gate.park(user, meta.deferId(), now) : UUID.randomUUID().toString();
                if (user != null) {
                    gate.block(user, now.plus(wait), false);
                }
                metrics.retried();
                defer(d, new Meta(attempt, meta.firstSeen(), id), wait, "x_unavailable");
            }
            case Decision.WaitUntil w -> {
                if (user == null || w.until().isAfter(deadline)) {
                    finish(d, format, request, rateLimited(Duration.between(now, w.until())), user, meta);
                    return;
                }
                String id = gate.park(user, meta.deferId(), now);
                if (w.appWide()) {
                    gate.blockApp(w.until());
                } else {
                    gate.block(user, w.until(), true);
                }
                defer(d, new Meta(meta.attempt(), meta.firstSeen(), id), Duration.between(now, w.until()),
                        w.appWide() ? "app_rate_limited" : "user_rate_limited");
            }
        }
    }

    /** Answers, and lets the user's next parked request go. */
    private void finish(Delivery d, QueueFormat format, Request request, Outcome outcome, String user, Meta meta) {
        answer(d, format, request.id(), request.command(), outcome);
        if (user != null) {
            gate.done(user, meta.deferId(), Instant.now());
        }
    }

    private static Outcome.Failed rateLimited(Duration retryAfter) {
        long s = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
        return Outcome.Failed.rateLimited("X's rate limit allows no post before the request's deadline; retry after " + s + " s", s);
    }

    /** Exponential backoff with jitter: between half and all of base·2^(attempt-1), capped at the max delay. */
    Duration backoff(int attempt) {
        long max = Math.min(config.retryMaxDelay().toMillis(), config.retryBaseDelay().toMillis() << Math.min(20, attempt - 1));
        return Duration.ofMillis(ThreadLocalRandom.current().nextLong(max / 2, max + 1));
    }

    /** The delay queue for a wait: the longest tier not longer than the wait (the shortest, for short waits). */
    Duration tierFor(Duration wait) {
        List<Duration> tiers = config.delayTiers();
        Duration pick = tiers.getFirst();
        for (Duration t : tiers) {
            if (t.compareTo(wait) <= 0) {
                pick = t;
            }
        }
        return pick;
    }

    private void answer(Delivery d, QueueFormat format, String id, Command command, Outcome outcome) {
        AMQP.BasicProperties props = new AMQP.BasicProperties.Builder()
                .contentType(format.contentType())
                .correlationId(d.props().getCorrelationId())
                .deliveryMode(2)
                .build();
        String target = d.props().getReplyTo() != null && !d.props().getReplyTo().isEmpty() ? d.props().getReplyTo() : config.replyQueue();
        String label = label(outcome);
        if (confirmed(target, props, format.encodeReply(id, command, outcome))) {
            recentlyAnswered.add(fingerprint(d));
            ack(d);
            metrics.answered(command.wireName(), label);
            LOG.log(Level.INFO, "msg_id=" + id + " command=" + command.wireName() + " outcome=" + label + describe(outcome));
        } else {
            requeue(d);
        }
    }

    private void defer(Delivery d, Meta meta, Duration wait, String reason) {
        boolean plain = config.brokerProfile() == WorkerConfig.BrokerProfile.PLAIN;
        Duration tier = plain ? wait : tierFor(wait);
        Map<String, Object> headers = new HashMap<>(d.headers());
        headers.keySet().removeIf(k -> k.startsWith("x-death") || k.startsWith("x-first-death") || k.startsWith("x-last-death"));
        headers.put(H_ATTEMPT, meta.attempt());
        headers.put(H_FIRST_SEEN, meta.firstSeen().toEpochMilli());
        if (meta.deferId() != null) {
            headers.put(H_DEFER_ID, meta.deferId());
        }
        if (plain) {
            headers.put(DelayPump.H_NOT_BEFORE, System.currentTimeMillis() + Math.max(wait.toMillis(), config.delayTiers().getFirst().toMillis()));
        }
        AMQP.BasicProperties props = d.props().builder().headers(headers).deliveryMode(2).expiration(null).build();
        if (confirmed(plain ? config.plainDelayQueue() : config.delayQueue(tier), props, d.body())) {
            ack(d);
            metrics.deferred(reason);
            LOG.log(Level.DEBUG, () -> "request parked for " + tier.toSeconds() + " s (" + reason + ")");
        } else {
            requeue(d);
        }
    }

    private void deadLetter(Delivery d, String problem, String detail) {
        Map<String, Object> headers = new HashMap<>(d.headers());
        headers.put(H_REASON, detail);
        headers.put(H_PROBLEM, problem);
        AMQP.BasicProperties props = d.props().builder().headers(headers).deliveryMode(2).build();
        if (confirmed(config.deadLetterQueue(), props, d.body())) {
            ack(d);
            metrics.deadLettered();
            LOG.log(Level.WARNING, "request without a usable msg_id dead-lettered to " + config.deadLetterQueue() + ": " + detail);
        } else {
            requeue(d);
        }
    }

    /** After an unexpected failure: a first delivery goes back to the queue once; a redelivery is dead-lettered. */
    private void recover(Delivery d) {
        if (d.redelivered()) {
            deadLetter(d, "INTERNAL_ERROR", "the worker failed on this request twice");
        } else {
            requeue(d);
        }
    }

    private boolean confirmed(String queue, AMQP.BasicProperties props, byte[] body) {
        try {
            publisher.publish(queue, props, body).get(30, TimeUnit.SECONDS);
            return true;
        } catch (Exception e) {
            LOG.log(Level.WARNING, "publish to " + queue + " not confirmed (" + e.getClass().getSimpleName() + "); the request will be redelivered");
            return false;
        }
    }

    private void ack(Delivery d) {
        try {
            consumeChannel.basicAck(d.tag(), false);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "ack failed (" + e.getClass().getSimpleName() + "); the broker will redeliver");
        }
    }

    private void requeue(Delivery d) {
        try {
            consumeChannel.basicNack(d.tag(), false, true);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.DEBUG, "nack failed; the broker will redeliver");
        }
    }

    private static String fingerprint(Delivery d) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(d.body());
            sha.update(String.valueOf(d.props().getReplyTo()).getBytes(StandardCharsets.UTF_8));
            sha.update(String.valueOf(d.props().getCorrelationId()).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String label(Outcome o) {
        return switch (o) {
            case Outcome.Posted p -> p.tweetId().isPresent() ? "posted" : "posted_earlier";
            case Outcome.AuthStarted a -> "auth_started";
            case Outcome.PinVerified v -> "verified";
            case Outcome.Failed f -> f.code().wireName();
        };
    }

    private static String describe(Outcome o) {
        return switch (o) {
            case Outcome.Posted p -> p.tweetId().map(id -> " tweet_id=" + id).orElse("");
            case Outcome.Failed f -> " detail=\"" + f.message() + "\"";
            default -> "";
        };
    }

    /**
     * Stops consuming, lets in-flight requests finish (each is answered or stays unacknowledged and goes back
     * to the queue) within the grace period, then closes the connection.
     */
    @Override
    public void close() {
        if (closing) {
            return;
        }
        closing = true;
        Thread t = starter;
        if (t != null) {
            t.interrupt();
        }
        try {
            Channel ch = consumeChannel;
            if (ch != null && consumerTag != null && ch.isOpen()) {
                ch.basicCancel(consumerTag);
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.DEBUG, "cancel failed");
        }
        long deadline = System.nanoTime() + config.shutdownGrace().toNanos();
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
            LOG.log(Level.WARNING, inFlight.get() + " requests still in flight after the grace period; they go back to the queue");
        }
        if (delayPump != null) {
            delayPump.close();
        }
        closeQuietly();
        executor.shutdownNow();
        LOG.log(Level.INFO, "queue-worker stopped");
    }

    private void closeQuietly() {
        Connection c = connection;
        if (c != null) {
            try {
                c.abort(5_000);
            } catch (RuntimeException e) {
                LOG.log(Level.DEBUG, "close failed");
            }
        }
    }
}
