package io.twtbridge.bench;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import io.twtbridge.protocol.LegacyQueueFormat;
import io.twtbridge.protocol.Request;
import io.twtbridge.protocol.Tokens;
import io.twtbridge.sandbox.TwitterSandbox;
import io.twtbridge.sandbox.UserTokens;
import io.twtbridge.worker.Worker;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Queue-workers as their image runs them ({@code java -jar queue-worker.jar}, configured by environment variables,
 * JVM options from {@code WORKER_JAVA_TOOL_OPTIONS}), a real RabbitMQ, and the X sandbox (in this JVM) with a chosen
 * latency: legacy text posts from many users, published as fast as the broker takes them, after a warm-up burst.
 * Measures posts per second (first publish to last reply), publish-to-reply time, and, of the worker processes
 * alone: CPU seconds per 1,000 posts (from {@code /proc}), peak resident memory, and the time from start to
 * consuming. Two phases, each one JSON line printed and appended to benchmarks/results/worker-throughput.jsonl:
 * {@code fresh}, the first posts after the workers consume (when asked for), and {@code warm}, the posts after the
 * warm-up.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar [posts] [users] [x-latency-ms] [prefetch] [workers] [warm-up posts] [fresh posts]</pre>
 */
public final class WorkerThroughput {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private WorkerThroughput() {}

    /** One worker process. */
    private record WorkerProcess(Process process, int port, Optional<MemoryLimit> limit) {
        long cpuTicks() throws IOException {
            return WorkerThroughput.cpuTicks(process.pid());
        }

        long peakRssKib() throws IOException {
            for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
            return -1;
        }

        boolean consuming() {
            try {
                String body = HTTP.send(
                                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/observe/health"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .body();
                return body.contains("\"status\":\"UP\"") && !body.contains("\"shards\":0");
            } catch (IOException | InterruptedException e) {
                return false;
            }
        }
    }

    public static void main(String[] args) throws Exception {
        int posts = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int users = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
        long latencyMs = args.length > 2 ? Long.parseLong(args[2]) : 0;
        int prefetch = args.length > 3 ? Integer.parseInt(args[3]) : 500;
        int workerCount = args.length > 4 ? Integer.parseInt(args[4]) : 1;
        int warmUp = args.length > 5 ? Integer.parseInt(args[5]) : 5_000;
        int fresh = args.length > 6 ? Integer.parseInt(args[6]) : 0;
        URI amqp = URI.create(System.getenv().getOrDefault("AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/"));
        String requests = "bench-twt-" + UUID.randomUUID();
        String replies = "bench-to_server-" + UUID.randomUUID();
        Path jar = Path.of(System.getProperty("worker.jar", "queue-worker/target/queue-worker.jar"));
        String javaOptions = System.getenv().getOrDefault("WORKER_JAVA_TOOL_OPTIONS", "");

        boolean tls = Boolean.getBoolean("x.tls");
        try (XServer x = XServer.start(tls)) {
            TwitterSandbox sandbox = x.sandbox();
            javaOptions = javaOptions + x.workerJavaOptions();
            sandbox.faults().latency(Duration.ofMillis(latencyMs));
            List<UserTokens> tokens = new ArrayList<>();
            for (int i = 0; i < users; i++) {
                tokens.add(sandbox.users().create("bench" + i));
            }
            Connection connection = Worker.connectionFactory(amqp).newConnection("twt-benchmark-client");
            Channel ch = connection.createChannel();
            ch.queueDeclare(replies, true, false, false, null);
            // Ids in order of publishing: [0, fresh) the first posts after start (measured), then the warm-up, then
            // the measured warm run.
            int[] bounds = {0, fresh, fresh + warmUp, fresh + warmUp + posts};
            int total = bounds[3];
            long[] sentAt = new long[total];
            long[] latencies = new long[total];
            ConcurrentHashMap<Integer, Boolean> seen = new ConcurrentHashMap<>();
            CountDownLatch[] phaseDone = {
                new CountDownLatch(fresh), new CountDownLatch(warmUp), new CountDownLatch(posts)
            };
            ch.basicConsume(replies, true, new DefaultConsumer(ch) {
                @Override
                public void handleDelivery(String tag, Envelope env, AMQP.BasicProperties props, byte[] body) {
                    List<String> f = LegacyQueueFormat.replyFields(body);
                    int id = Integer.parseInt(f.get(0));
                    if (seen.putIfAbsent(id, Boolean.TRUE) == null) {
                        latencies[id] = System.nanoTime() - sentAt[id];
                        if (!LegacyQueueFormat.OK.equals(f.get(3))) {
                            System.err.println("failed reply: " + f.get(0) + " " + f.get(3));
                        }
                        phaseDone[id < bounds[1] ? 0 : id < bounds[2] ? 1 : 2].countDown();
                    }
                }
            });
            Map<String, String> env = Map.of(
                    "JAVA_TOOL_OPTIONS",
                    javaOptions,
                    "AMQP_URI",
                    amqp.toString(),
                    "TWITTER_CONSUMER_KEY",
                    TwitterSandbox.DEFAULT_CONSUMER_KEY,
                    "TWITTER_CONSUMER_SECRET",
                    TwitterSandbox.DEFAULT_CONSUMER_SECRET,
                    "TWITTER_API_BASE_URL",
                    x.baseUri().toString(),
                    "WORKER_QUEUE_REQUESTS",
                    requests,
                    "WORKER_QUEUE_REPLIES",
                    replies,
                    "WORKER_PREFETCH",
                    String.valueOf(prefetch));
            // A first start creates the queues (32 quorum queues for 16 shards); it is timed, then stopped. The
            // measured workers then start as a restarted or added replica does: the queues exist.
            List<WorkerProcess> workers = new ArrayList<>();
            try {
                long first = System.nanoTime();
                startWorkers(workers, workerCount, jar, env, "first-start-");
                long firstStartMs = awaitConsuming(workers, first);
                stop(workers);
                long t0 = System.nanoTime();
                startWorkers(workers, workerCount, jar, env, "");
                long startupMs = awaitConsuming(workers, t0);
                long startCpu = 0;
                for (WorkerProcess w : workers) {
                    startCpu += w.cpuTicks();
                }
                Scenario scenario = new Scenario(
                        users,
                        latencyMs,
                        prefetch,
                        workerCount,
                        firstStartMs,
                        startupMs,
                        startCpu / 100.0,
                        javaOptions);
                Channel pub = connection.createChannel();
                pub.confirmSelect();
                AMQP.BasicProperties props =
                        new AMQP.BasicProperties.Builder().deliveryMode(2).build();
                if (fresh > 0) {
                    phase(
                            scenario,
                            "fresh",
                            0,
                            pub,
                            props,
                            tokens,
                            bounds[0],
                            bounds[1],
                            sentAt,
                            latencies,
                            requests,
                            phaseDone[0],
                            workers,
                            sandbox);
                }
                publish(pub, props, tokens, bounds[1], bounds[2], sentAt, requests);
                phaseDone[1].await(10, TimeUnit.MINUTES);
                phase(
                        scenario,
                        "warm",
                        warmUp,
                        pub,
                        props,
                        tokens,
                        bounds[2],
                        bounds[3],
                        sentAt,
                        latencies,
                        requests,
                        phaseDone[2],
                        workers,
                        sandbox);
            } finally {
                stop(workers);
                try (Channel cleanup = connection.createChannel()) {
                    for (String q : List.of(requests, replies, requests + ".dead", requests + ".workers")) {
                        cleanup.queueDelete(q);
                    }
                    for (int k = 0; k < 16; k++) {
                        cleanup.queueDelete(requests + ".shard." + k);
                        cleanup.queueDelete(requests + ".shard." + k + ".state");
                    }
                }
                connection.close();
            }
        }
        System.exit(0);
    }

    /**
     * Posts per second the latency allows: requests in flight ÷ X's latency, where in flight is the prefetch of every
     * worker, but at most one post per user (a user's posts go out one at a time, in order).
     */
    private static long inFlightBound(Scenario s) {
        return Math.min((long) s.prefetch() * s.workers(), s.users()) * 1000L / s.latencyMs();
    }

    /** CPU time of a process so far, in clock ticks (1/100 s): utime + stime, fields 14 and 15 of /proc/pid/stat. */
    static long cpuTicks(long pid) throws IOException {
        String[] f = Files.readString(Path.of("/proc/" + pid + "/stat"))
                .replaceAll(".*\\) ", "")
                .split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    /**
     * The RabbitMQ node on this machine (the Erlang VM started with {@code -s rabbit boot}, not one of rabbitmqctl's), if
     * there is one: its CPU is part of each post's cost.
     */
    static long brokerPid() {
        return ProcessHandle.allProcesses()
                .mapToLong(ProcessHandle::pid)
                .filter(pid -> {
                    try { // /proc/<pid>/cmdline: readable for every user's process, and whole
                        String cmdline = new String(
                                        Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline")),
                                        StandardCharsets.UTF_8)
                                .replace('\0', ' ');
                        return cmdline.contains("beam.smp") && cmdline.contains("-s rabbit boot");
                    } catch (IOException e) {
                        return false;
                    }
                })
                .findFirst()
                .orElse(-1);
    }

    /**
     * Starts {@code count} worker processes as the image starts them, each serving on a port of its own, its output in
     * {@code benchmarks/target/worker-<logPrefix><i>.log}; each is added to {@code workers} as it starts, for the caller
     * to stop.
     */
    private static void startWorkers(
            List<WorkerProcess> workers, int count, Path jar, Map<String, String> env, String logPrefix)
            throws IOException {
        for (int i = 0; i < count; i++) {
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            ProcessBuilder pb =
                    new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-jar", jar.toString());
            pb.environment().putAll(env);
            pb.environment().put("SERVER_PORT", String.valueOf(port));
            pb.redirectErrorStream(true)
                    .redirectOutput(Path.of("benchmarks/target/worker-" + logPrefix + i + ".log")
                            .toFile());
            Optional<MemoryLimit> limit = memoryLimitMib() > 0
                    ? MemoryLimit.create(
                            "twt-bench-" + ProcessHandle.current().pid() + "-" + logPrefix + i, memoryLimitMib())
                    : Optional.empty();
            Process process = pb.start();
            workers.add(new WorkerProcess(process, port, limit));
            if (limit.isPresent()) {
                limit.get().add(process.pid());
            }
        }
    }

    /** Stops the workers (SIGTERM, then SIGKILL after a minute), removes their memory limits and forgets them. */
    private static void stop(List<WorkerProcess> workers) throws InterruptedException {
        for (WorkerProcess w : workers) {
            w.process().destroy();
        }
        for (WorkerProcess w : workers) {
            if (!w.process().waitFor(60, TimeUnit.SECONDS)) {
                w.process().destroyForcibly().waitFor();
            }
            w.limit().ifPresent(MemoryLimit::remove);
        }
        workers.clear();
    }

    /** {@code WORKER_MEMORY_LIMIT_MIB}: each worker in a memory limit of its own, as in its pod; 0 or unset: none. */
    private static long memoryLimitMib() {
        String mib = System.getenv("WORKER_MEMORY_LIMIT_MIB");
        return mib == null || mib.isBlank() ? 0 : Long.parseLong(mib.trim());
    }

    /** Waits (a minute at most) until every worker consumes a shard; returns the milliseconds since {@code t0}. */
    private static long awaitConsuming(List<WorkerProcess> workers, long t0) throws InterruptedException {
        long readyBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!workers.stream().allMatch(WorkerProcess::consuming)) {
            if (System.nanoTime() > readyBy) {
                throw new IllegalStateException(
                        "the workers did not consume within a minute: see benchmarks/target/worker-*.log");
            }
            Thread.sleep(10);
        }
        return (System.nanoTime() - t0) / 1_000_000;
    }

    /** What a scenario's phases share. */
    private record Scenario(
            int users,
            long latencyMs,
            int prefetch,
            int workers,
            long firstStartMs,
            long startupMs,
            double startupCpuSeconds,
            String javaOptions) {}

    /** Publishes the posts [from, to), waits for their replies, and reports them as one phase. */
    private static void phase(
            Scenario s,
            String name,
            int before,
            Channel pub,
            AMQP.BasicProperties props,
            List<UserTokens> tokens,
            int from,
            int to,
            long[] sentAt,
            long[] latencies,
            String queue,
            CountDownLatch done,
            List<WorkerProcess> workers,
            TwitterSandbox sandbox)
            throws Exception {
        long cpu0 = 0;
        for (WorkerProcess w : workers) {
            cpu0 += w.cpuTicks();
        }
        long broker = brokerPid();
        long brokerCpu0 = broker < 0 ? 0 : cpuTicks(broker);
        long ownCpu0 = cpuTicks(ProcessHandle.current().pid());
        String load = Files.readString(Path.of("/proc/loadavg")).trim();
        XSampler sampler = new XSampler(sandbox, pub.getConnection(), queue);
        long start = System.nanoTime();
        publish(pub, props, tokens, from, to, sentAt, queue);
        boolean finished = done.await(10, TimeUnit.MINUTES);
        long elapsed = System.nanoTime() - start;
        double xMeanInFlight = sampler.stop();
        long cpu = -cpu0;
        long rss = 0;
        long cgroupPeakMib = -1;
        long oomKills = 0;
        for (WorkerProcess w : workers) {
            cpu += w.cpuTicks();
            rss = Math.max(rss, w.peakRssKib());
            if (w.limit().isPresent()) {
                cgroupPeakMib = Math.max(cgroupPeakMib, w.limit().get().peakMib());
                oomKills += w.limit().get().oomKills();
            }
        }
        double brokerCpu = broker < 0 ? Double.NaN : (cpuTicks(broker) - brokerCpu0) / 100.0;
        double ownCpu = (cpuTicks(ProcessHandle.current().pid()) - ownCpu0) / 100.0;
        int received = (int) (to - from - done.getCount());
        report(
                s,
                name,
                to - from,
                before,
                received,
                finished,
                elapsed,
                Arrays.copyOfRange(latencies, from, to),
                sandbox,
                cpu / 100.0 /* USER_HZ */,
                brokerCpu,
                ownCpu,
                rss / 1024,
                cgroupPeakMib,
                oomKills,
                xMeanInFlight,
                load);
    }

    /**
     * Samples the calls X is answering every 10 ms while a phase runs: their mean is how full the workers keep the
     * bound on calls at once. With {@code -Dtrace=true}, prints the mean of each 100 samples (about a second), the time
     * since the phase began and the ready requests of the request queue and of each shard queue to stderr: where a
     * phase loses its rate (a slow start, a shard left alone at the end).
     */
    private static final class XSampler {
        private final Thread thread;
        private volatile boolean running = true;
        private long samples;
        private long sum;

        XSampler(TwitterSandbox sandbox, Connection connection, String queue) {
            boolean trace = Boolean.getBoolean("trace");
            thread = Thread.ofPlatform().daemon().name("x-sampler").start(() -> {
                long secondSum = 0;
                int secondSamples = 0;
                long began = System.nanoTime();
                try (Channel ch = trace ? connection.createChannel() : null) {
                    while (running) {
                        int now = sandbox.counters().inFlight();
                        samples++;
                        sum += now;
                        secondSum += now;
                        if (++secondSamples == 100) {
                            if (ch != null) {
                                StringBuilder depths = new StringBuilder(" " + ch.messageCount(queue) + " |");
                                for (int k = 0; k < 16; k++) {
                                    depths.append(' ').append(ch.messageCount(queue + ".shard." + k));
                                }
                                System.err.printf(
                                        Locale.ROOT,
                                        "%5.1f s: X in flight %4d, ready in the request queue | in each shard%s%n",
                                        (System.nanoTime() - began) / 1e9,
                                        secondSum / 100,
                                        depths);
                            }
                            secondSum = 0;
                            secondSamples = 0;
                        }
                        Thread.sleep(10);
                    }
                } catch (Exception e) {
                    System.err.println("x-sampler: " + e);
                }
            });
        }

        /** Stops sampling; the mean calls at X while it ran. */
        double stop() throws InterruptedException {
            running = false;
            thread.join();
            return samples == 0 ? 0 : (double) sum / samples;
        }
    }

    private static void publish(
            Channel pub,
            AMQP.BasicProperties props,
            List<UserTokens> tokens,
            int from,
            int to,
            long[] sentAt,
            String queue)
            throws Exception {
        for (int i = from; i < to; i++) {
            UserTokens u = tokens.get(i % tokens.size());
            byte[] body = LegacyQueueFormat.INSTANCE.encodeRequest(new Request.Post(
                    String.valueOf(i),
                    new Tokens(u.accessToken(), u.accessTokenSecret()),
                    "benchmark post " + i,
                    List.of(),
                    Optional.empty()));
            sentAt[i] = System.nanoTime();
            pub.basicPublish("", queue, props, body);
            if (i % 1000 == 999) {
                pub.waitForConfirmsOrDie(30_000);
            }
        }
        pub.waitForConfirmsOrDie(30_000);
    }

    private static void report(
            Scenario s,
            String phase,
            int posts,
            int before,
            int received,
            boolean finished,
            long elapsedNs,
            long[] latencies,
            TwitterSandbox sandbox,
            double cpuSeconds,
            double brokerCpuSeconds,
            double benchmarkCpuSeconds,
            long peakRssMib,
            long cgroupPeakMib,
            long oomKills,
            double xMeanInFlight,
            String load)
            throws IOException {
        long[] sorted = Arrays.copyOf(latencies, received == posts ? posts : 0);
        Arrays.sort(sorted);
        double seconds = elapsedNs / 1e9;
        double rate = received / seconds;
        String p50 = sorted.length == 0 ? "n/a" : String.valueOf(sorted[sorted.length / 2] / 1_000_000);
        String p99 = sorted.length == 0 ? "n/a" : String.valueOf(sorted[(int) (sorted.length * 0.99)] / 1_000_000);
        String commit = git("rev-parse", "--short", "HEAD");
        String line = String.format(
                Locale.ROOT,
                "{\"when\":\"%s\",\"commit\":\"%s\",\"phase\":\"%s\",\"posts\":%d,\"posts_before\":%d,\"users\":%d,"
                        + "\"x_latency_ms\":%d,\"prefetch\":%d,\"workers\":%d,\"answered\":%d,\"complete\":%b,\"seconds\":%.2f,\"posts_per_s\":%.0f,"
                        + "\"in_flight_bound_per_s\":%s,\"p50_ms\":\"%s\",\"p99_ms\":\"%s\",\"worker_cpu_s_per_1k\":%.3f,"
                        + "\"broker_cpu_s_per_1k\":%s,\"sandbox_and_client_cpu_s_per_1k\":%.3f,"
                        + "\"worker_peak_rss_mib\":%d,\"memory_limit_mib\":%s,\"limit_peak_mib\":%s,\"oom_kills\":%s,\"first_start_to_consuming_ms\":%d,\"start_to_consuming_ms\":%d,\"worker_cpu_s_to_consuming\":%.2f,\"x_posts\":%d,"
                        + "\"x_peak_concurrent\":%d,\"x_mean_in_flight\":%.0f,\"x_connections\":%d,\"x_tls\":%b,\"java_tool_options\":\"%s\",\"cores\":%d,\"loadavg_before\":\"%s\"}",
                Instant.now(),
                commit,
                phase,
                posts,
                before,
                s.users(),
                s.latencyMs(),
                s.prefetch(),
                s.workers(),
                received,
                finished,
                seconds,
                rate,
                s.latencyMs() == 0 ? "null" : String.valueOf(inFlightBound(s)),
                p50,
                p99,
                cpuSeconds / received * 1000,
                Double.isNaN(brokerCpuSeconds)
                        ? "null"
                        : String.format(Locale.ROOT, "%.3f", brokerCpuSeconds / received * 1000),
                benchmarkCpuSeconds / received * 1000,
                peakRssMib,
                cgroupPeakMib < 0 ? "null" : String.valueOf(memoryLimitMib()),
                cgroupPeakMib < 0 ? "null" : String.valueOf(cgroupPeakMib),
                cgroupPeakMib < 0 ? "null" : String.valueOf(oomKills),
                s.firstStartMs(),
                s.startupMs(),
                s.startupCpuSeconds(),
                sandbox.counters().posts(),
                sandbox.counters().peakConcurrent(),
                xMeanInFlight,
                sandbox.counters().connections(),
                Boolean.getBoolean("x.tls"),
                s.javaOptions(),
                Runtime.getRuntime().availableProcessors(),
                load);
        System.out.println(line);
        Path results = Path.of(System.getProperty("results", "benchmarks/results/worker-throughput.jsonl"));
        Files.createDirectories(results.getParent());
        Files.writeString(results, line + System.lineSeparator(), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    static String git(String... args) {
        try {
            List<String> cmd = new ArrayList<>(List.of("git"));
            cmd.addAll(List.of(args));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return p.waitFor() == 0 ? out : "unknown";
        } catch (IOException | InterruptedException e) {
            return "unknown";
        }
    }
}
