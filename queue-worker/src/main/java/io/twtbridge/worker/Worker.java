package io.twtbridge.worker;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import io.twtbridge.twitter.XClient;
import io.twtbridge.twitter.XClientConfig;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The consuming side of the worker: one connection to the broker, and which queues this worker consumes. Requests
 * arrive on {@code twt}; one worker at a time (the router) moves each to its user's shard queue; every worker takes
 * an even share of the shards (the share is the shard count divided by the number of workers, counted as the
 * consumers of the roster queue), consuming each exclusively. A loop, every {@code WORKER_REBALANCE_INTERVAL},
 * reconnects after a connection loss, takes free shards up to its share, gives back shards beyond it, and takes
 * over routing when no worker routes: whatever closes a channel or a connection, consumption comes back.
 */
public final class Worker implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Worker.class.getName());

    private final WorkerConfig config;
    private final WorkerMetrics metrics;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final RequestHandler handler;
    private final Map<Integer, Shard> owned = new ConcurrentHashMap<>();
    private final int offset = ThreadLocalRandom.current().nextInt(1 << 20);
    private volatile Connection connection;
    private volatile Channel control;
    private volatile Router router;
    private volatile boolean closing;
    private volatile Thread loop;
    /** Last time the loop found every shard consumed (by this worker or others). */
    private volatile Instant lastGood = Instant.now();

    private volatile Instant lastTick = Instant.now();
    /** Shards the last round found without a consumer. */
    private Set<Integer> freeBefore = Set.of();
    /**
     * Shards given back for holding few requests, and when (nanoTime): not again for {@link #STARVED_AGAIN_AFTER}, so
     * that a shard nobody else takes (the roster counting a worker that holds none) does not change hands every round,
     * each a delivery of its backlog towards the delivery limit.
     */
    private final Map<Integer, Long> givenBackStarved = new HashMap<>();

    private static final Duration STARVED_AGAIN_AFTER = Duration.ofMinutes(1);

    /** A worker talking to X as configured; call {@link #start()}. */
    public Worker(WorkerConfig config, XClientConfig x) {
        this(config, x, new WorkerMetrics());
    }

    private Worker(WorkerConfig config, XClientConfig x, WorkerMetrics metrics) {
        this.config = config;
        this.metrics = metrics;
        PostingService service = new PostingService(
                // a connection to X kept for each request in flight: none opened and closed per call under load
                new XClient(x.withKeptConnections(config.maxInFlight()), metrics::xCall),
                new MediaLoader(config.mediaAllowedDir(), config.mediaFetch()),
                config.longPosts());
        this.handler = new RequestHandler(config, service, metrics);
        metrics.gauges(
                handler::inFlight,
                () -> owned.values().stream().mapToLong(Shard::rateLimitedUsers).sum(),
                owned::size);
    }

    /** Connects (retrying while RabbitMQ is not up yet) and starts consuming, in the background. */
    public void start() {
        start(message -> {});
    }

    /**
     * Like {@link #start()}; {@code onFatal} is told, in one line, when the worker cannot ever start (e.g. queue
     * {@code twt} exists with another type). The process should then exit.
     */
    public void start(Consumer<String> onFatal) {
        loop = Thread.ofPlatform().name("twt-worker-loop").daemon(true).start(() -> run(onFatal));
    }

    private void run(Consumer<String> onFatal) {
        long backoffMs = 500;
        while (!closing) {
            try {
                tick();
                backoffMs = 500;
                Thread.sleep(config.rebalanceInterval().toMillis());
            } catch (InterruptedException e) {
                return;
            } catch (IllegalStateException e) {
                LOG.log(Level.ERROR, "queue-worker cannot start: " + e.getMessage());
                dropConnection();
                onFatal.accept(e.getMessage());
                return;
            } catch (Exception e) {
                LOG.log(
                        Level.WARNING,
                        "RabbitMQ at " + config.amqpUri().getHost() + ":"
                                + config.amqpUri().getPort() + " not usable ("
                                + e.getClass().getSimpleName() + "), retrying in " + backoffMs + " ms");
                dropConnection();
                try {
                    Thread.sleep(backoffMs);
                } catch (InterruptedException ie) {
                    return;
                }
                backoffMs = Math.min(10_000, backoffMs * 2);
            }
        }
    }

    /** One round: connected, shards owned up to the share, routing taken if nobody routes. */
    private void tick() throws IOException, TimeoutException {
        lastTick = Instant.now();
        if (connection == null || !connection.isOpen() || control == null || !control.isOpen()) {
            dropConnection();
            connect();
        }
        owned.values().removeIf(Shard::isLost);
        // A stand-by (another worker became the active consumer first) gives the shard up, to take a free one.
        Duration quiet = config.rebalanceInterval().multipliedBy(3).plusSeconds(2);
        for (Shard s : List.copyOf(owned.values())) {
            int waiting =
                    control.queueDeclarePassive(config.shardQueue(s.index)).getMessageCount();
            s.backlog(waiting); // shares the turns to call X among the shards (Turns)
            if (s.idleWhile(waiting, quiet)) {
                owned.remove(s.index);
                s.abandon();
                LOG.log(Level.INFO, "shard " + s.index + " is consumed by another worker; giving it up");
            }
        }
        Router current = router;
        if (current != null
                && !current.isLost()
                && current.idleWhile(
                        control.queueDeclarePassive(config.requestQueue()).getMessageCount(), quiet)) {
            current.close();
        }
        int workers =
                Math.max(1, control.queueDeclarePassive(config.rosterQueue()).getConsumerCount());
        int share = (config.shards() + workers - 1) / workers;
        // Beyond its share, a worker gives shards back (a busy one hands its backlog over too: its calls under way
        // finish, the rest goes back to the queue in order). First those it holds with less than half of their share,
        // the fewest first, each at most once a minute: a shard keeps the prefetch it subscribed with (e.g. one taken
        // beyond the share with what was left), and at a few requests in flight a busy one drained alone for seconds
        // after the others (3 workers, benchmarks/README.md); whoever takes it next hands it its share. Then quiet
        // ones.
        int fullShare = config.shardDeliveries(share);
        long now = System.nanoTime();
        givenBackStarved.values().removeIf(at -> now - at > STARVED_AGAIN_AFTER.toNanos());
        Predicate<Shard> starved = s -> s.deliveries < fullShare / 2 && !givenBackStarved.containsKey(s.index);
        List<Shard> mine = new ArrayList<>(owned.values());
        mine.sort(Comparator.comparingInt((Shard s) -> starved.test(s) ? s.deliveries : Integer.MAX_VALUE)
                .thenComparing(s -> !s.quietFor(quiet))
                .thenComparing(s -> -s.index));
        for (int i = 0; owned.size() > share && i < mine.size() && !closing; i++) {
            Shard s = mine.get(i);
            if (starved.test(s)) {
                givenBackStarved.put(s.index, now);
            }
            owned.remove(s.index);
            executor.submit(() -> s.release(config.shutdownGrace()));
            LOG.log(
                    Level.INFO,
                    "giving shard " + s.index + " to another worker (" + workers + " workers, " + share
                            + " shards each)");
        }
        boolean everyShardTaken = true;
        Set<Integer> free = new HashSet<>();
        for (int i = 0; i < config.shards() && !closing; i++) {
            int k = Math.floorMod(offset + i, config.shards());
            if (owned.containsKey(k)) {
                continue;
            }
            if (control.queueDeclarePassive(config.shardQueue(k)).getConsumerCount() > 0) {
                continue;
            }
            everyShardTaken = false;
            free.add(k);
            // Up to the share; beyond it, a shard nobody has taken for two rounds (its owner may count a shard it
            // only stands by for: the broker's consumer counts are not exact).
            if (owned.size() >= share && !freeBefore.contains(k)) {
                continue;
            }
            // A shard keeps the prefetch it subscribed with: the shards held from rounds with more workers count too.
            int held = owned.values().stream().mapToInt(s -> s.deliveries).sum();
            int deliveries = Math.max(8, Math.min(config.shardDeliveries(share), 2 * config.maxInFlight() - held));
            try {
                owned.put(k, Shard.acquire(connection, config, k, deliveries, executor, handler));
                // Not free at the end of this round: given back later, it is not "free for two rounds" at once.
                free.remove(k);
                LOG.log(Level.INFO, "consuming shard " + k + " (" + deliveries + " requests handed at a time)");
            } catch (IOException e) {
                LOG.log(Level.DEBUG, "shard " + k + " taken by another worker");
            }
        }
        Router r = router;
        if ((r == null || r.isLost())
                && !closing
                && control.queueDeclarePassive(config.requestQueue()).getConsumerCount() == 0) {
            try {
                router = Router.acquire(connection, config, metrics);
                LOG.log(Level.INFO, "routing " + config.requestQueue() + " to " + config.shards() + " shards");
            } catch (IOException e) {
                LOG.log(Level.DEBUG, "another worker routes");
            }
        }
        freeBefore = free;
        if (everyShardTaken) {
            lastGood = Instant.now();
        }
    }

    private void connect() throws IOException, TimeoutException {
        ConnectionFactory f = connectionFactory(config.amqpUri());
        // Recovery is ours: a recovered exclusive consumer could otherwise come back next to a new owner.
        f.setAutomaticRecoveryEnabled(false);
        f.setTopologyRecoveryEnabled(false);
        // The client's threads are virtual too: its frame reader and heartbeats, and the deliveries handed to the
        // consumers (by default a pool of platform threads woken for each handful of them). About 5 % less CPU per post
        // at 300 ms on average, near the run-to-run spread (benchmarks/README.md).
        f.setSharedExecutor(executor);
        f.setThreadFactory(Thread.ofVirtual().name("amqp-", 0).factory());
        f.setRequestedHeartbeat(20);
        // A broker that blocks this connection (memory or disk alarm) must not hang the loop for the default 10 min.
        f.setChannelRpcTimeout((int) Math.max(5_000, config.livenessTimeout().toMillis() / 4));
        Connection c = f.newConnection("twt-queue-worker");
        connection = c;
        try (Channel declare = c.createChannel()) {
            Topology.declare(c, declare, config);
        }
        Channel ch = c.createChannel();
        // Being a consumer of the roster is how the others count this worker.
        ch.basicConsume(config.rosterQueue(), true, "twt-worker-" + offset, new DefaultConsumer(ch));
        control = ch;
        LOG.log(Level.INFO, "queue-worker connected " + config);
    }

    /**
     * A connection factory for an {@code amqp://} or {@code amqps://} URI. A path of just {@code /} means the default
     * virtual host {@code /} (as people write it), not the empty-named one.
     */
    public static ConnectionFactory connectionFactory(URI uri) {
        ConnectionFactory f = new ConnectionFactory();
        try {
            String s = uri.toString();
            f.setUri(s.endsWith("/") && "/".equals(uri.getRawPath()) ? s.substring(0, s.length() - 1) : s);
        } catch (Exception e) {
            throw new IllegalStateException("AMQP_URI is not a valid amqp:// URI");
        }
        return f;
    }

    /** Ready: connected and counted among the workers, so shards and routing come to it. */
    public boolean ready() {
        Connection c = connection;
        Channel ch = control;
        return !closing && c != null && c.isOpen() && ch != null && ch.isOpen();
    }

    /**
     * Alive: the worker's loop runs, and while it is connected it consumes (or every shard is consumed by other
     * workers) — not the case for longer than {@code WORKER_LIVENESS_TIMEOUT} means it can no longer do its job. A
     * broker that is down does not count: restarting would not help.
     */
    public boolean live() {
        Instant now = Instant.now();
        Duration limit = config.livenessTimeout();
        if (Duration.between(lastTick, now).compareTo(limit.plus(config.rebalanceInterval())) > 0) {
            return false;
        }
        return !ready() || Duration.between(lastGood, now).compareTo(limit) <= 0;
    }

    /** Requests held now: delivered and not answered yet. */
    public int inFlight() {
        return handler.inFlight();
    }

    /** The shards this worker consumes now. */
    public Set<Integer> ownedShards() {
        return Set.copyOf(owned.keySet());
    }

    /** Whether this worker moves requests from {@code twt} to the shards now. */
    public boolean routing() {
        Router r = router;
        return r != null && !r.isLost();
    }

    /**
     * Stops routing and consuming, lets calls to X under way finish and be answered within the grace period
     * (waits for rate limits stop at once), then closes the connection: every unanswered request goes back to its
     * queue for the next owner.
     */
    @Override
    public void close() {
        if (closing) {
            return;
        }
        closing = true;
        Thread t = loop;
        if (t != null) {
            t.interrupt();
            try {
                t.join(Math.min(config.livenessTimeout().toMillis(), 10_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        // A broker that stopped reading (flow control) blocks every write to the connection, closing frames included:
        // the stop waits for the grace period and a little more, never for ever.
        Thread stopping = Thread.ofVirtual().start(this::releaseEverything);
        try {
            if (!stopping.join(config.shutdownGrace().plusSeconds(5))) {
                LOG.log(Level.WARNING, "the broker connection did not close in time; stopping without it");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        executor.shutdownNow();
        LOG.log(Level.INFO, "queue-worker stopped");
    }

    /** Stops routing, releases every shard (calls to X under way finish within the grace period), closes the connection. */
    private void releaseEverything() {
        Router r = router;
        if (r != null) {
            r.close();
        }
        List<Shard> shards = new ArrayList<>(owned.values());
        owned.clear();
        List<Thread> releases = new ArrayList<>();
        for (Shard s : shards) {
            releases.add(Thread.ofVirtual().start(() -> s.release(config.shutdownGrace())));
        }
        for (Thread release : releases) {
            try {
                release.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        dropConnection();
    }

    private void dropConnection() {
        owned.values().forEach(Shard::abandon);
        owned.clear();
        Router r = router;
        if (r != null) {
            r.close();
        }
        router = null;
        Connection c = connection;
        connection = null;
        control = null;
        if (c != null) {
            try {
                c.abort(5_000);
            } catch (RuntimeException e) {
                LOG.log(Level.DEBUG, "close failed");
            }
        }
    }
}
