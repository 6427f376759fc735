package io.twtbridge.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import io.twtbridge.protocol.Tokens;
import io.twtbridge.sandbox.Post;
import io.twtbridge.sandbox.TwitterSandbox;
import io.twtbridge.sandbox.UserTokens;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.io.File;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;

/**
 * Black-box fixture for crash and replica tests: a virtual host of its own on RabbitMQ, the X sandbox in this JVM,
 * and queue-workers as real OS processes ({@code java -cp <test class path> io.twtbridge.worker.Main}) configured
 * only by environment variables. The test plays the main server: it publishes to {@value #REQUESTS} and reads
 * {@value #REPLIES}. Worker output goes to {@code target/worker-logs/<label>/worker-<n>.log}.
 */
final class WorkerFleet implements AutoCloseable {
    static final String REQUESTS = "twt";
    static final String REPLIES = "to_server";
    private static final Path TARGET = Path.of("target");
    private static final Pattern PENDING = Pattern.compile(
            Pattern.quote(REQUESTS) + "(\\.shard\\.\\d+|\\.delay(\\..+)?|\\.dead)?|" + Pattern.quote(REPLIES));
    private static final String CLOSE_REASON = "twt-crash test: connection dropped by the broker";

    final String label;
    final String vhost = "twt-crash-" + UUID.randomUUID();
    final URI amqp;
    final TwitterSandbox sandbox;
    private final Path logDir;
    private final Connection client;
    private final Channel publisher;
    private final Channel consumer;
    private final Map<String, List<Reply>> replies = new ConcurrentHashMap<>();
    private final AtomicInteger replyCount = new AtomicInteger();
    private final AtomicInteger returned = new AtomicInteger();
    private final List<WorkerProcess> workers = new CopyOnWriteArrayList<>();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Thread reaper = new Thread(this::killAll, "twt-fleet-reaper");
    private int published;
    /** Faults {@link #drive} injected in its last run. */
    volatile int faultsInjected;

    /** A reply as the main server sees it: its id, whether it reports success, and the error code or legacy field. */
    record Reply(String id, boolean success, String code, String raw) {}

    /** One worker process. */
    static final class WorkerProcess {
        final int index;
        final int port;
        final Process process;
        final Path log;
        volatile boolean ready;

        WorkerProcess(int index, int port, Process process, Path log) {
            this.index = index;
            this.port = port;
            this.process = process;
            this.log = log;
        }

        long pid() {
            return process.pid();
        }

        @Override
        public String toString() {
            return "worker-" + index + " (pid " + process.pid() + ", port " + port + ")";
        }
    }

    WorkerFleet(String label) throws Exception {
        Harness.requireRabbitMq("a virtual host per run, SIGKILLed workers and rabbitmqctl close_connection");
        this.label = label;
        this.logDir = TARGET.resolve("worker-logs")
                .resolve(label + "-"
                        + LocalTime.now(ZoneOffset.UTC)
                                .truncatedTo(ChronoUnit.SECONDS)
                                .toString()
                                .replace(":", ""));
        Files.createDirectories(logDir);
        URI base = Harness.BROKER.uri();
        String userInfo = base.getRawUserInfo() == null ? "guest:guest" : base.getRawUserInfo();
        this.amqp = URI.create(
                "amqp://" + userInfo + "@" + base.getHost() + ":" + (base.getPort() < 0 ? 5672 : base.getPort()) + "/"
                        + URLEncoder.encode(vhost, StandardCharsets.UTF_8));
        Processes.rabbitmqctl("add_vhost", vhost);
        TwitterSandbox started = null;
        Connection c = null;
        try {
            Processes.rabbitmqctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*");
            started = TwitterSandbox.start(TwitterSandbox.Settings.defaults());
            c = Worker.connectionFactory(amqp).newConnection("twt-test-main-server");
            publisher = c.createChannel();
            publisher.confirmSelect();
            publisher.addReturnListener(r -> returned.incrementAndGet());
            consumer = c.createChannel();
            consumer.queueDeclare(REPLIES, true, false, false, null); // as the main server declares it
            consumer.basicConsume(REPLIES, true, new DefaultConsumer(consumer) {
                @Override
                public void handleDelivery(String tag, Envelope env, AMQP.BasicProperties props, byte[] body) {
                    Reply r = parse(props, body);
                    replies.computeIfAbsent(r.id(), k -> new CopyOnWriteArrayList<>())
                            .add(r);
                    replyCount.incrementAndGet();
                }
            });
        } catch (Exception | Error e) {
            if (c != null) {
                c.abort();
            }
            if (started != null) {
                started.close();
            }
            Processes.rabbitmqctl("-q", "delete_vhost", vhost);
            throw e;
        }
        sandbox = started;
        client = c;
        Runtime.getRuntime().addShutdownHook(reaper);
    }

    // ---------------------------------------------------------------------------------------------- sandbox (X)

    /** A sandbox user with a ready access token. */
    Tokens user(String screenName) {
        UserTokens u = sandbox.users().create(screenName);
        return new Tokens(u.accessToken(), u.accessTokenSecret());
    }

    /** Latency X adds to every API call (the sandbox's faults API). */
    void latency(long ms) {
        sandbox.faults().latency(Duration.ofMillis(ms));
    }

    /** X's posting limit per user and window. */
    void userPostLimit(int posts, long windowSeconds) {
        sandbox.limits(sandbox.limits().withUserPostLimit(posts).withWindowSeconds(windowSeconds));
    }

    /** Every post X accepted, oldest first. */
    List<Post> posts() {
        return sandbox.posts().all();
    }

    /** Each author's posts in timeline order (the order X accepted them), by screen name. */
    Map<String, List<Post>> timelines() {
        Map<String, List<Post>> t = new LinkedHashMap<>();
        for (Post p : posts()) {
            t.computeIfAbsent(p.authorScreenName(), k -> new ArrayList<>()).add(p);
        }
        return t;
    }

    // ---------------------------------------------------------------------------------------------- workers

    /** Starts a worker process and waits until it reports ready. */
    WorkerProcess start() throws IOException {
        int index = workers.size();
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        ProcessBuilder pb = new ProcessBuilder(
                java,
                "-XX:+UseSerialGC",
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName());
        pb.environment()
                .keySet()
                .removeIf(k -> k.startsWith("TWITTER_")
                        || k.startsWith("AMQP")
                        || k.startsWith("WORKER_")
                        || k.startsWith("SERVER_")
                        || k.startsWith("MEDIA_"));
        pb.environment()
                .putAll(Map.of(
                        "SERVER_PORT",
                        String.valueOf(port),
                        "AMQP_URI",
                        amqp.toString(),
                        "TWITTER_CONSUMER_KEY",
                        TwitterSandbox.DEFAULT_CONSUMER_KEY,
                        "TWITTER_CONSUMER_SECRET",
                        TwitterSandbox.DEFAULT_CONSUMER_SECRET,
                        "TWITTER_API_BASE_URL",
                        sandbox.baseUri().toString(),
                        "WORKER_BROKER_PROFILE",
                        "rabbitmq",
                        "WORKER_QUEUE_REQUESTS",
                        REQUESTS,
                        "WORKER_QUEUE_REPLIES",
                        REPLIES));
        Path log = logDir.resolve("worker-" + index + ".log");
        pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        WorkerProcess w = new WorkerProcess(index, port, pb.start(), log);
        workers.add(w);
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/observe/health/ready"))
                .timeout(Duration.ofSeconds(2))
                .build();
        await(w + " ready", Duration.ofSeconds(60), () -> {
            if (!w.process.isAlive()) {
                fail(w + " exited with " + w.process.exitValue() + " before it was ready; see "
                        + w.log.toAbsolutePath());
            }
            try {
                return http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        });
        w.ready = true;
        return w;
    }

    /** Worker processes that are running now, oldest first. */
    List<WorkerProcess> live() {
        return workers.stream().filter(w -> w.process.isAlive()).toList();
    }

    /** Running worker processes that reported ready once, oldest first. */
    List<WorkerProcess> liveAndReady() {
        return workers.stream().filter(w -> w.ready && w.process.isAlive()).toList();
    }

    /** SIGKILL: no shutdown hook, no drain, nothing acknowledged or closed by the worker. */
    void kill(WorkerProcess w) throws InterruptedException {
        w.process.destroyForcibly(); // on Linux: kill(pid, SIGKILL)
        if (!w.process.waitFor(30, TimeUnit.SECONDS)) {
            fail(w + " still alive 30 s after SIGKILL");
        }
        assertEquals(128 + 9, w.process.exitValue(), w + " did not die of SIGKILL (exit status 128+9 expected)");
    }

    /**
     * Closes this worker's broker connections from the broker side ({@code rabbitmqctl close_connection}), as a
     * network failure or a broker node restart would. Matches the broker's connections to the process by the local
     * ports the process holds ({@code ss -tnp}). Returns how many were closed.
     */
    int closeConnections(WorkerProcess w) throws Exception {
        Set<String> ports = new HashSet<>();
        String ss = Processes.succeed("ss", "-tnpH");
        for (String line : ss.split("\n")) {
            if (line.contains("pid=" + w.pid() + ",")) {
                String[] cols = line.trim().split("\\s+");
                if (cols.length >= 5 && cols[4].endsWith(":" + amqp.getPort())) {
                    ports.add(cols[3].substring(cols[3].lastIndexOf(':') + 1));
                }
            }
        }
        int closed = 0;
        for (String line : Processes.rabbitmqctl("-q", "list_connections", "pid", "vhost", "peer_port")
                .split("\n")) {
            String[] cols = line.split("\t");
            if (cols.length == 3 && cols[1].equals(vhost) && ports.contains(cols[2].trim())) {
                Processes.rabbitmqctl("-q", "close_connection", cols[0].trim(), CLOSE_REASON);
                closed++;
            }
        }
        return closed;
    }

    /**
     * Broker-side closes of this virtual host's connections that this fleet did not make (e.g. another test on the
     * shared broker closing every "twt-queue-worker" connection), read from the broker's log
     * ({@code -Dtwt.rabbitmq.log}, default /var/log/rabbitmq/rabbit@*.log); -1 when the log cannot be read.
     * Results with foreign closes had more faults than planned.
     */
    int foreignCloses() {
        try {
            List<Path> logs = new ArrayList<>();
            String configured = System.getProperty("twt.rabbitmq.log");
            if (configured != null) {
                logs.add(Path.of(configured));
            } else {
                try (var dir = Files.newDirectoryStream(Path.of("/var/log/rabbitmq"), "rabbit@*.log")) {
                    dir.forEach(p -> {
                        if (!p.getFileName().toString().contains("_upgrade")) {
                            logs.add(p);
                        }
                    });
                }
            }
            if (logs.isEmpty()) {
                return -1;
            }
            int n = 0;
            for (Path log : logs) {
                List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
                for (int i = 0; i + 1 < lines.size(); i++) {
                    if (lines.get(i).contains("Error on AMQP connection")
                            && lines.get(i).contains("vhost: '" + vhost + "'")
                            && lines.get(i + 1).contains("connection_forced")
                            && !lines.get(i + 1).contains(CLOSE_REASON)) {
                        n++;
                    }
                }
            }
            return n;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** A gauge or counter from a worker's {@code /observe/metrics} (the sum over its label sets), or -1 if absent. */
    double metric(WorkerProcess w, String name) {
        try {
            HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + w.port + "/observe/metrics"))
                    .header("Accept", "text/plain")
                    .timeout(Duration.ofSeconds(5))
                    .build();
            String body = http.send(r, HttpResponse.BodyHandlers.ofString()).body();
            double sum = -1;
            for (String line : body.split("\n")) {
                if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                    sum = Math.max(sum, 0) + Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
            return sum;
        } catch (IOException | RuntimeException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    // ---------------------------------------------------------------------------------------------- main server

    /** Publishes a legacy {@code upload_post} (no content type, persistent), as the main server does. */
    void publishLegacy(String id, Tokens u, String text) throws IOException {
        byte[] body = String.join("\u00FF", id, "upload_post", u.token(), u.secret(), text, "")
                .getBytes(StandardCharsets.UTF_8);
        publish(body, new AMQP.BasicProperties.Builder().deliveryMode(2).build());
    }

    /** Publishes a JSON {@code upload_post}: text (may be null) and images given as bytes with alt texts. */
    void publishJson(String id, Tokens u, String text, List<byte[]> images, List<String> altTexts) throws IOException {
        JsonObjectBuilder o = Json.createObjectBuilder()
                .add("id", id)
                .add("command", "upload_post")
                .add("access_token", u.token())
                .add("access_token_secret", u.secret());
        if (text != null) {
            o.add("text", text);
        }
        if (!images.isEmpty()) {
            JsonArrayBuilder media = Json.createArrayBuilder();
            for (int i = 0; i < images.size(); i++) {
                media.add(Json.createObjectBuilder()
                        .add("data", Base64.getEncoder().encodeToString(images.get(i)))
                        .add("alt_text", altTexts.get(i)));
            }
            o.add("media", media);
        }
        publish(
                o.build().toString().getBytes(StandardCharsets.UTF_8),
                new AMQP.BasicProperties.Builder()
                        .contentType("application/json")
                        .deliveryMode(2)
                        .build());
    }

    private void publish(byte[] body, AMQP.BasicProperties props) throws IOException {
        publisher.basicPublish("", REQUESTS, true, props, body); // mandatory: a missing queue is reported, not dropped
        if (++published % 200 == 0) {
            confirmPublished();
        }
    }

    /** Waits until the broker has confirmed every request published so far; fails if any could not be routed. */
    void confirmPublished() throws IOException {
        try {
            publisher.waitForConfirmsOrDie(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        } catch (TimeoutException e) {
            throw new IOException("the broker did not confirm the requests within 30 s", e);
        }
        assertEquals(0, returned.get(), "requests returned unroutable: is queue " + REQUESTS + " declared?");
    }

    /** Replies so far, by id (a list longer than one is a doubled reply). */
    Map<String, List<Reply>> replies() {
        return replies;
    }

    /** Distinct ids answered so far. */
    int answered() {
        return replies.size();
    }

    /** Replies received so far, doubles included. */
    int replyCount() {
        return replyCount.get();
    }

    /**
     * Waits until nothing is left to do: the queues that carry requests and replies hold no message, ready or
     * unacknowledged, on two checks in a row. Those are {@value #REQUESTS}, its shard queues
     * ({@code twt.shard.<k>}), delay queues ({@code twt.delay.*}), dead-letter queue ({@code twt.dead}) and
     * {@value #REPLIES}; other queues a worker may keep (e.g. state) are not counted. Returns "" when quiet, else the
     * queues still holding messages at the deadline (e.g. {@code {twt.delay.2m=1}}).
     */
    String awaitQuiet(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        int quietChecks = 0;
        Map<String, Long> busy = new TreeMap<>();
        while (System.nanoTime() < deadline) {
            busy.clear();
            for (String line : Processes.rabbitmqctl("-q", "list_queues", "-p", vhost, "name", "messages")
                    .split("\n")) {
                String[] cols = line.trim().split("\\s+");
                if (cols.length == 2
                        && PENDING.matcher(cols[0]).matches()
                        && cols[1].matches("\\d+")
                        && Long.parseLong(cols[1]) > 0) {
                    busy.put(cols[0], Long.parseLong(cols[1]));
                }
            }
            quietChecks = busy.isEmpty() ? quietChecks + 1 : 0;
            if (quietChecks >= 2) {
                return "";
            }
            Thread.sleep(200); // poll interval; each rabbitmqctl call itself takes most of a second
        }
        return busy.isEmpty() ? "not checked twice" : busy.toString();
    }

    static Reply parse(AMQP.BasicProperties props, byte[] body) {
        String raw = new String(body, StandardCharsets.UTF_8);
        if ("application/json".equals(props.getContentType())) {
            try {
                JsonObject o = Json.createReader(new StringReader(raw)).readObject();
                boolean ok = "posted".equals(o.getString("status", ""));
                String code = ok
                        ? "posted"
                        : o.containsKey("error")
                                ? o.getJsonObject("error").getString("code", "?")
                                : o.getString("status", "?");
                return new Reply(o.getString("id", "?"), ok, code, raw);
            } catch (RuntimeException e) {
                return new Reply("?unparsable", false, "unparsable", raw);
            }
        }
        String[] f = raw.split("\u00FF", -1);
        String outcome = f.length >= 4 ? f[3] : "?";
        return new Reply(f[0], f.length == 4 && "0".equals(outcome), outcome, raw);
    }

    // ---------------------------------------------------------------------------------------------- faults

    /** A fault injected while requests are in flight. */
    enum Fault {
        /** SIGKILL a worker, then start a replacement. */
        KILL,
        /** Close a worker's broker connection from the broker side. */
        CLOSE
    }

    /** Faults of a run: {@code kills} KILLs and {@code closes} CLOSEs, interleaved. */
    static List<Fault> plan(int kills, int closes) {
        List<Fault> plan = new ArrayList<>();
        for (int i = 0; i < Math.max(kills, closes); i++) {
            if (i < kills) {
                plan.add(Fault.KILL);
            }
            if (i < closes) {
                plan.add(Fault.CLOSE);
            }
        }
        return plan;
    }

    /** Publishes requests {@code from} (inclusive) to {@code to} (exclusive) of a run. */
    interface Requests {
        void publish(int from, int to) throws IOException;
    }

    /**
     * Runs a load with faults: the requests go out in plan.size()+1 bursts; when half of a burst is answered, the
     * next fault is injected (the other half is in flight), then the next burst goes out. Faults hit the live, ready
     * workers in turn; a killed worker's replacement starts in the background. Then waits until all {@code total}
     * ids are answered or the deadline passes (the caller counts what is missing). Returns a note of what was done;
     * {@link #faultsInjected} says how many faults went in.
     */
    String drive(int total, List<Fault> plan, Duration timeout, Requests requests) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        StringBuffer done = new StringBuffer();
        List<CompletableFuture<WorkerProcess>> replacements = new ArrayList<>();
        int bursts = plan.size() + 1;
        int sent = 0;
        int injected = 0;
        int victim = 0;
        for (int k = 0; k < bursts && System.nanoTime() < deadline; k++) {
            int from = sent;
            int to = (int) ((long) total * (k + 1) / bursts);
            requests.publish(from, to);
            confirmPublished();
            sent = to;
            if (k == plan.size()) {
                break;
            }
            int mark = from + (to - from) / 2;
            while ((answered() < mark || liveAndReady().isEmpty()) && System.nanoTime() < deadline) {
                Thread.sleep(20); // poll interval
            }
            List<WorkerProcess> live = liveAndReady();
            if (live.isEmpty()) {
                break;
            }
            WorkerProcess w = live.get(victim++ % live.size());
            int at = answered();
            if (plan.get(k) == Fault.KILL) {
                kill(w);
                done.append(String.format("SIGKILL %s at %d/%d answered of %d sent; ", w, at, total, sent));
                replacements.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        return start();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }));
            } else {
                int closed = closeConnections(w);
                if (closed < 1) {
                    fail("no broker connection of " + w + " found to close");
                }
                done.append(String.format(
                        "closed %d connection(s) of %s at %d/%d answered of %d sent; ", closed, w, at, total, sent));
            }
            injected++;
        }
        while (answered() < total && System.nanoTime() < deadline) {
            Thread.sleep(20); // poll interval
        }
        for (var r : replacements) {
            r.get(90, TimeUnit.SECONDS); // a replacement that could not start fails the test here
        }
        faultsInjected = injected;
        if (injected < plan.size()) {
            done.append(String.format("only %d of %d faults injected before the deadline; ", injected, plan.size()));
        }
        return done.toString();
    }

    /** What the main server saw for a set of request ids. */
    record Tally(int requests, int lost, int doubled, int failed, Map<String, Integer> outcomes, int foreign) {
        String outcomesText() {
            return outcomes.toString();
        }
    }

    /** Lost (no reply), doubled (replies beyond the first), failed (non-success) replies for these ids. */
    Tally tally(Set<String> ids) {
        int lost = 0;
        int doubled = 0;
        int failed = 0;
        Map<String, Integer> outcomes = new TreeMap<>();
        for (String id : ids) {
            List<Reply> rs = replies.getOrDefault(id, List.of());
            if (rs.isEmpty()) {
                lost++;
                continue;
            }
            doubled += rs.size() - 1;
            for (Reply r : rs) {
                outcomes.merge(r.code(), 1, Integer::sum);
                if (!r.success()) {
                    failed++;
                }
            }
        }
        int foreign =
                (int) replies.keySet().stream().filter(k -> !ids.contains(k)).count();
        return new Tally(ids.size(), lost, doubled, failed, outcomes, foreign);
    }

    // ---------------------------------------------------------------------------------------------- helpers

    /** Polls a condition every 20 ms until it holds; fails at the deadline. */
    static void await(String what, Duration timeout, BooleanSupplier condition) {
        Harness.await(what, timeout, condition);
    }

    static int intProperty(String name, int def) {
        return Integer.getInteger(name, def);
    }

    /** Appends a result row to {@code target/resilience-results.txt} and prints it. */
    static void record(String row) throws IOException {
        System.out.println(row);
        System.err.println(row);
        Files.createDirectories(TARGET);
        Files.writeString(
                TARGET.resolve("resilience-results.txt"),
                row + System.lineSeparator(),
                StandardCharsets.UTF_8,
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }

    /** The commit under test, for result rows ("unknown" outside git). */
    static String commit() {
        try {
            String head =
                    Processes.succeed("git", "rev-parse", "--short", "HEAD").trim();
            String dirty = Processes.succeed("git", "status", "--porcelain", "--untracked-files=no")
                            .isBlank()
                    ? ""
                    : "+dirty";
            return head + dirty;
        } catch (Exception e) {
            return "unknown";
        }
    }

    static String now() {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private void killAll() {
        for (WorkerProcess w : workers) {
            w.process.destroyForcibly();
        }
    }

    @Override
    public void close() throws Exception {
        killAll();
        for (WorkerProcess w : workers) {
            w.process.waitFor(30, TimeUnit.SECONDS);
        }
        // Queue by queue first: RabbitMQ 3.10 can hang for good deleting a vhost that still holds dozens of quorum
        // queues (seen twice on this machine), while deleting them one at a time is routine.
        List<String> queues = new ArrayList<>(List.of(REQUESTS, REPLIES, REQUESTS + ".dead", REQUESTS + ".workers"));
        for (int k = 0; k < 16; k++) {
            queues.add(REQUESTS + ".shard." + k);
            queues.add(REQUESTS + ".shard." + k + ".state");
        }
        for (String q : queues) {
            try (Channel ch = client.createChannel()) {
                ch.queueDelete(q);
            } catch (IOException | TimeoutException | RuntimeException e) {
                // not there
            }
        }
        try {
            client.close();
        } catch (IOException | RuntimeException e) {
            // already closed
        }
        try {
            Processes.rabbitmqctl("-q", "delete_vhost", vhost);
        } finally {
            sandbox.close();
            try {
                Runtime.getRuntime().removeShutdownHook(reaper);
            } catch (IllegalStateException e) {
                // shutting down
            }
        }
    }
}
