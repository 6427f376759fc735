package io.twtbridge.bench;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.twtbridge.sandbox.SandboxState;
import io.twtbridge.sandbox.TwitterSandbox;
import io.twtbridge.twitter.XClientConfig;
import io.twtbridge.worker.Worker;
import io.twtbridge.worker.WorkerConfig;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One or more queue-workers (in one JVM, each with its own connection, sharing the shards as separate processes
 * would), a real RabbitMQ, and the X sandbox with a chosen latency: legacy text posts from many users,
 * published as fast as the broker takes them; measures posts per second (first publish to last reply) and the
 * time from publish to reply. Prints the numbers and appends them to benchmarks/results/worker-throughput.jsonl.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar [posts] [users] [x-latency-ms] [prefetch] [workers]</pre>
 */
public final class WorkerThroughput {
    private WorkerThroughput() {
    }

    public static void main(String[] args) throws Exception {
        int posts = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int users = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
        long latencyMs = args.length > 2 ? Long.parseLong(args[2]) : 0;
        int prefetch = args.length > 3 ? Integer.parseInt(args[3]) : 500;
        int workerCount = args.length > 4 ? Integer.parseInt(args[4]) : 1;
        URI amqp = URI.create(System.getenv().getOrDefault("AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/"));
        String requests = "bench-twt-" + UUID.randomUUID();
        String replies = "bench-to_server-" + UUID.randomUUID();

        try (TwitterSandbox sandbox = TwitterSandbox.start(TwitterSandbox.Settings.defaults())) {
            sandbox.state().faults(new SandboxState.Faults(latencyMs, 0, 503, 0));
            List<SandboxState.UserTokens> tokens = new ArrayList<>();
            for (int i = 0; i < users; i++) {
                tokens.add(sandbox.state().createUser("bench" + i, TwitterSandbox.DEFAULT_CONSUMER_KEY));
            }
            WorkerConfig config = WorkerConfig.from(Config.just(ConfigSources.create(Map.of(
                    "amqp.uri", amqp.toString(),
                    "worker.queue.requests", requests,
                    "worker.queue.replies", replies,
                    "worker.prefetch", String.valueOf(prefetch)))));
            XClientConfig x = new XClientConfig(sandbox.baseUri(), TwitterSandbox.DEFAULT_CONSUMER_KEY,
                    TwitterSandbox.DEFAULT_CONSUMER_SECRET, "oob", Duration.ofSeconds(5), Duration.ofSeconds(30));
            Connection connection = Worker.connectionFactory(amqp).newConnection("twt-benchmark-client");
            Channel ch = connection.createChannel();
            ch.queueDeclare(replies, true, false, false, null);
            long[] sentAt = new long[posts];
            long[] latencies = new long[posts];
            AtomicInteger received = new AtomicInteger();
            ConcurrentHashMap<Integer, Boolean> seen = new ConcurrentHashMap<>();
            CountDownLatch done = new CountDownLatch(posts);
            ch.basicConsume(replies, true, new DefaultConsumer(ch) {
                @Override
                public void handleDelivery(String tag, Envelope env, AMQP.BasicProperties props, byte[] body) {
                    String[] f = new String(body, StandardCharsets.UTF_8).split("\u00FF", -1);
                    int id = Integer.parseInt(f[0]);
                    if (seen.putIfAbsent(id, Boolean.TRUE) == null) {
                        latencies[id] = System.nanoTime() - sentAt[id];
                        if (!"0".equals(f[3])) {
                            System.err.println("failed reply: " + String.join("|", f));
                        }
                        received.incrementAndGet();
                        done.countDown();
                    }
                }
            });
            List<Worker> workers = new ArrayList<>();
            try {
                for (int i = 0; i < workerCount; i++) {
                    Worker w = new Worker(config, x);
                    workers.add(w);
                    w.start();
                }
                // Ready when every shard is owned, each worker has its share, and one routes.
                int share = (config.shards() + workerCount - 1) / workerCount;
                long readyBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (System.nanoTime() < readyBy && !(workers.stream().mapToInt(w -> w.ownedShards().size()).sum() == config.shards()
                        && workers.stream().allMatch(w -> w.ownedShards().size() <= share) && workers.stream().anyMatch(Worker::routing))) {
                    Thread.sleep(50);
                }
                Channel pub = connection.createChannel();
                pub.confirmSelect();
                AMQP.BasicProperties props = new AMQP.BasicProperties.Builder().deliveryMode(2).build();
                long start = System.nanoTime();
                for (int i = 0; i < posts; i++) {
                    SandboxState.UserTokens u = tokens.get(i % users);
                    byte[] body = String.join("\u00FF", String.valueOf(i), "upload_post", u.accessToken(), u.accessTokenSecret(),
                            "benchmark post " + i, "").getBytes(StandardCharsets.UTF_8);
                    sentAt[i] = System.nanoTime();
                    pub.basicPublish("", requests, props, body);
                    if (i % 1000 == 999) {
                        pub.waitForConfirmsOrDie(30_000);
                    }
                }
                pub.waitForConfirmsOrDie(30_000);
                boolean finished = done.await(10, TimeUnit.MINUTES);
                long elapsed = System.nanoTime() - start;
                report(posts, users, latencyMs, prefetch, workerCount, received.get(), finished, elapsed, latencies, sandbox);
            } finally {
                workers.forEach(Worker::close);
                try (Channel cleanup = connection.createChannel()) {
                    cleanup.queueDelete(requests);
                    cleanup.queueDelete(replies);
                    cleanup.queueDelete(config.deadLetterQueue());
                    cleanup.queueDelete(config.rosterQueue());
                    for (int k = 0; k < config.shards(); k++) {
                        cleanup.queueDelete(config.shardQueue(k));
                        cleanup.queueDelete(config.shardStateQueue(k));
                    }
                }
                connection.close();
            }
        }
        System.exit(0);
    }

    private static void report(int posts, int users, long latencyMs, int prefetch, int workers, int received, boolean finished, long elapsedNs,
                               long[] latencies, TwitterSandbox sandbox) throws IOException {
        long[] sorted = Arrays.copyOf(latencies, received == posts ? posts : 0);
        Arrays.sort(sorted);
        double seconds = elapsedNs / 1e9;
        double rate = received / seconds;
        String p50 = sorted.length == 0 ? "n/a" : String.valueOf(sorted[sorted.length / 2] / 1_000_000);
        String p99 = sorted.length == 0 ? "n/a" : String.valueOf(sorted[(int) (sorted.length * 0.99)] / 1_000_000);
        String line = String.format("{\"when\":\"%s\",\"posts\":%d,\"users\":%d,\"x_latency_ms\":%d,\"prefetch\":%d,\"workers\":%d,\"answered\":%d,"
                        + "\"complete\":%b,\"seconds\":%.2f,\"posts_per_s\":%.0f,\"p50_ms\":\"%s\",\"p99_ms\":\"%s\",\"x_posts\":%d,"
                        + "\"x_peak_concurrent\":%d,\"cores\":%d}",
                Instant.now(), posts, users, latencyMs, prefetch, workers, received, finished, seconds, rate, p50, p99,
                sandbox.state().counters().posts(), sandbox.state().counters().peakConcurrent(), Runtime.getRuntime().availableProcessors());
        System.out.println(line);
        Path results = Path.of(System.getProperty("results", "benchmarks/results/worker-throughput.jsonl"));
        Files.createDirectories(results.getParent());
        Files.writeString(results, line + System.lineSeparator(), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
