package io.twtbridge.bench;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.sun.management.OperatingSystemMXBean;
import io.helidon.config.Config;
import io.twtbridge.protocol.LegacyQueueFormat;
import io.twtbridge.protocol.Request;
import io.twtbridge.protocol.Tokens;
import io.twtbridge.twitter.ConfigKeys;
import io.twtbridge.twitter.XClientConfig;
import io.twtbridge.worker.Worker;
import io.twtbridge.worker.WorkerConfig;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The cost of the routing step alone: requests waiting in {@code twt} are moved to their shards by a worker whose
 * shards are all held by someone else (this benchmark's idle consumers), so it only routes. Measures the JVM's CPU
 * time per 1,000 requests moved (the worker's routing; the benchmark's own idle consumers cost nothing) and the rate.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar io.twtbridge.bench.RoutingCost [requests]</pre>
 */
public final class RoutingCost {
    private RoutingCost() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        URI amqp = URI.create(System.getenv().getOrDefault("AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/"));
        String requests = "bench-route-" + UUID.randomUUID();
        Config process = ConfigKeys.applicationYaml(
                WorkerConfig.class,
                Map.of(
                        "amqp.uri",
                        amqp.toString(),
                        "worker.queue.requests",
                        requests,
                        "worker.queue.replies",
                        requests + "-replies",
                        "twitter.api.base.url",
                        "http://127.0.0.1:9",
                        "twitter.consumer.key",
                        "k",
                        "twitter.consumer.secret",
                        "s",
                        "twitter.connect-timeout",
                        "PT1S",
                        "twitter.read-timeout",
                        "PT1S"));
        WorkerConfig config = WorkerConfig.from(process);
        XClientConfig x = XClientConfig.from(process.get("twitter"));
        try (Connection c = Worker.connectionFactory(amqp).newConnection("twt-benchmark-routing")) {
            Channel ch = c.createChannel();
            // Declare everything the way the worker does, then hold every shard so the worker only routes.
            try (Worker declare = new Worker(config, x)) {
                declare.start();
                while (!declare.ready()) {
                    Thread.sleep(20);
                }
            }
            for (int k = 0; k < config.shards(); k++) {
                ch.basicQos(1);
                ch.basicConsume(config.shardQueue(k), false, "holder-" + k, false, true, null, new DefaultConsumer(ch));
            }
            Channel pub = c.createChannel();
            pub.confirmSelect();
            AMQP.BasicProperties props =
                    new AMQP.BasicProperties.Builder().deliveryMode(2).build();
            for (int i = 0; i < n; i++) {
                byte[] body = LegacyQueueFormat.INSTANCE.encodeRequest(new Request.Post(
                        String.valueOf(i),
                        new Tokens("token-" + (i % 1000), "secret"),
                        "routing benchmark " + i,
                        List.of(),
                        Optional.empty()));
                pub.basicPublish("", requests, props, body);
            }
            pub.waitForConfirmsOrDie(60_000);
            var os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            long cpu0 = os.getProcessCpuTime();
            long t0 = System.nanoTime();
            try (Worker router = new Worker(config, x)) {
                router.start();
                while (ch.queueDeclarePassive(requests).getMessageCount() > 0 || !router.routing()) {
                    Thread.sleep(10);
                }
                long moved = 0;
                while (moved < n) {
                    moved = 0;
                    for (int k = 0; k < config.shards(); k++) {
                        moved += ch.queueDeclarePassive(config.shardQueue(k)).getMessageCount();
                    }
                    moved += config.shards(); // one message of each shard is held by its idle consumer
                    Thread.sleep(10);
                }
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            double cpuPer1k = (os.getProcessCpuTime() - cpu0) / 1e9 / n * 1000;
            String line = String.format(
                    "{\"when\":\"%s\",\"commit\":\"%s\",\"requests\":%d,\"shards\":%d,\"seconds\":%.2f,\"routed_per_s\":%.0f,"
                            + "\"cpu_s_per_1k\":%.3f,\"cores\":%d,\"loadavg_after\":\"%s\"}",
                    Instant.now(),
                    WorkerThroughput.git("rev-parse", "--short", "HEAD"),
                    n,
                    config.shards(),
                    seconds,
                    n / seconds,
                    cpuPer1k,
                    Runtime.getRuntime().availableProcessors(),
                    Files.readString(Path.of("/proc/loadavg")).trim());
            System.out.println(line);
            Path results = Path.of("benchmarks/results/routing-cost.jsonl");
            Files.createDirectories(results.getParent());
            Files.writeString(
                    results, line + System.lineSeparator(), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            ch.queueDelete(requests);
            ch.queueDelete(config.deadLetterQueue());
            ch.queueDelete(config.rosterQueue());
            for (int k = 0; k < config.shards(); k++) {
                ch.queueDelete(config.shardQueue(k));
                ch.queueDelete(config.shardStateQueue(k));
            }
        }
        System.exit(0);
    }
}
