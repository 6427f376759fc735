package io.twtbridge.bench;

import io.twtbridge.protocol.LegacySocketFormat;
import io.twtbridge.protocol.Request;
import io.twtbridge.protocol.Tokens;
import io.twtbridge.sandbox.TwitterSandbox;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The auth-gateway's footprint and capacity: one gateway process started exactly as the image starts it (the
 * {@code JAVA_TOOL_OPTIONS} of auth-gateway/Dockerfile, passed in by benchmarks/run-gateway), the X sandbox in this
 * JVM. Opens {@code idle} WebSocket connections that stay open and answer pings, reads the gateway's resident set
 * size (VmRSS) once they are all open, then runs {@code logins} PIN logins at once on top of them and counts how
 * many succeed. Prints one JSON line and appends it to benchmarks/results/gateway-scale.jsonl. Asserts nothing.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar io.twtbridge.bench.GatewayScale [idle] [logins]</pre>
 */
public final class GatewayScale {
    private static final String ORIGIN = "http://bench.example";

    private GatewayScale() {}

    public static void main(String[] args) throws Exception {
        int idle = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int logins = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
        String javaOpts = System.getenv().getOrDefault("GATEWAY_JAVA_TOOL_OPTIONS", "");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        URI ws = URI.create("ws://127.0.0.1:" + port + "/");
        try (TwitterSandbox sandbox = TwitterSandbox.start(TwitterSandbox.Settings.defaults())) {
            // As the image runs it: java -jar with the gateway's own libs and application.yaml, options from the
            // environment.
            ProcessBuilder pb = new ProcessBuilder(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-jar",
                    "auth-gateway/target/auth-gateway.jar");
            pb.environment()
                    .putAll(Map.of(
                            "JAVA_TOOL_OPTIONS",
                            javaOpts,
                            "SERVER_PORT",
                            String.valueOf(port),
                            "TWITTER_API_BASE_URL",
                            sandbox.baseUri().toString(),
                            "TWITTER_CONSUMER_KEY",
                            TwitterSandbox.DEFAULT_CONSUMER_KEY,
                            "TWITTER_CONSUMER_SECRET",
                            TwitterSandbox.DEFAULT_CONSUMER_SECRET,
                            "GATEWAY_ALLOWED_ORIGINS",
                            ORIGIN,
                            "GATEWAY_CONNECTIONS_PER_ADDRESS",
                            String.valueOf(idle + logins + 10),
                            "GATEWAY_X_CALLS_PER_MINUTE",
                            "1000000",
                            "GATEWAY_X_CALLS_PER_ADDRESS_PER_MINUTE",
                            "1000000"));
            pb.redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(
                            Path.of("benchmarks/target/gateway-scale.log").toFile()));
            Process gateway = pb.start();
            try {
                awaitReady(port);
                long baseKib = rssKib(gateway.pid());
                List<HttpClient> clients = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    clients.add(HttpClient.newHttpClient());
                }
                long openStart = System.nanoTime();
                List<WebSocket> open = new ArrayList<>();
                for (int i = 0; i < idle; i += 500) {
                    List<CompletableFuture<WebSocket>> batch = new ArrayList<>();
                    for (int j = i; j < Math.min(idle, i + 500); j++) {
                        batch.add(clients.get(j % clients.size())
                                .newWebSocketBuilder()
                                .header("Origin", ORIGIN)
                                .buildAsync(ws, new WebSocket.Listener() {}));
                    }
                    batch.forEach(f -> open.add(f.join()));
                }
                double openSeconds = (System.nanoTime() - openStart) / 1e9;
                Thread.sleep(5_000); // let the gateway settle: the number is its steady footprint, not a burst's
                long idleKib = 0;
                for (int i = 0; i < 5; i++) {
                    idleKib = Math.max(idleKib, rssKib(gateway.pid()));
                    Thread.sleep(1_000);
                }
                int openOnGateway = openConnections(port);

                long loginStart = System.nanoTime();
                int ok = runLogins(ws, sandbox, logins);
                double loginSeconds = (System.nanoTime() - loginStart) / 1e9;
                long afterKib = rssKib(gateway.pid());
                boolean stillOpen = open.stream().noneMatch(WebSocket::isInputClosed);
                report(
                        javaOpts,
                        idle,
                        openOnGateway,
                        openSeconds,
                        baseKib,
                        idleKib,
                        stillOpen,
                        logins,
                        ok,
                        loginSeconds,
                        afterKib);
                open.forEach(WebSocket::abort);
            } finally {
                gateway.destroy();
                gateway.waitFor(10, TimeUnit.SECONDS);
            }
        }
        System.exit(0);
    }

    /** All logins at once, each on its own connection: auth, the user approves on X, verify_pin. */
    private static int runLogins(URI ws, TwitterSandbox sandbox, int logins) throws Exception {
        sandbox.reset();
        HttpClient http = HttpClient.newHttpClient();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<CompletableFuture<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < logins; i++) {
                String user = "bench" + i;
                results.add(CompletableFuture.supplyAsync(
                        () -> {
                            try {
                                Replies replies = new Replies();
                                WebSocket c = http.newWebSocketBuilder()
                                        .header("Origin", ORIGIN)
                                        .buildAsync(ws, replies)
                                        .join();
                                List<String> auth = LegacySocketFormat.replyFields(
                                        replies.call(c, LegacySocketFormat.encodeRequest(new Request.Auth(""))));
                                Tokens requestToken = new Tokens(auth.get(3), auth.get(4));
                                String pin = sandbox.users()
                                        .authorize(requestToken.token(), user)
                                        .orElseThrow();
                                List<String> verified = LegacySocketFormat.replyFields(replies.call(
                                        c,
                                        LegacySocketFormat.encodeRequest(
                                                new Request.VerifyPin("", pin, requestToken))));
                                c.sendClose(WebSocket.NORMAL_CLOSURE, "");
                                return verified.size() == 4;
                            } catch (RuntimeException e) {
                                return false;
                            }
                        },
                        pool));
            }
            return (int) results.stream().filter(CompletableFuture::join).count();
        }
    }

    /** One reply at a time. */
    private static final class Replies implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();
        private CompletableFuture<String> next = new CompletableFuture<>();

        String call(WebSocket c, String request) {
            next = new CompletableFuture<>();
            c.sendText(request, true).join();
            return next.orTimeout(60, TimeUnit.SECONDS).join();
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                next.complete(text.toString());
                text.setLength(0);
            }
            ws.request(1);
            return null;
        }
    }

    private static void awaitReady(int port) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            try {
                if (http.send(
                                        HttpRequest.newBuilder(URI.create(
                                                        "http://127.0.0.1:" + port + "/observe/health/ready"))
                                                .build(),
                                        HttpResponse.BodyHandlers.discarding())
                                .statusCode()
                        == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the gateway did not start; see benchmarks/target/gateway-scale.log");
    }

    private static int openConnections(int port) throws Exception {
        String metrics = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/observe/metrics"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        return metrics.lines()
                .filter(l -> l.startsWith("twt_gateway_open_connections"))
                .mapToInt(l -> (int) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .findFirst()
                .orElse(-1);
    }

    /** Resident set size of a process, from /proc (Linux). */
    private static long rssKib(long pid) throws IOException {
        return procField(Path.of("/proc/" + pid + "/status"), "VmRSS:");
    }

    private static long procField(Path file, String field) throws IOException {
        return Files.readAllLines(file).stream()
                .filter(l -> l.startsWith(field))
                .mapToLong(l -> Long.parseLong(l.replaceAll("\\D", "")))
                .findFirst()
                .orElse(-1);
    }

    private static void report(
            String javaOpts,
            int idle,
            int openOnGateway,
            double openSeconds,
            long baseKib,
            long idleKib,
            boolean stillOpen,
            int logins,
            int ok,
            double loginSeconds,
            long afterKib)
            throws IOException {
        String line = String.format(
                "{\"when\":\"%s\",\"java_tool_options\":\"%s\",\"idle_connections\":%d,\"open_on_gateway\":%d,"
                        + "\"open_seconds\":%.1f,\"rss_started_mib\":%d,\"rss_idle_mib\":%d,\"kib_per_idle_connection\":%.1f,"
                        + "\"idle_still_open\":%b,\"logins\":%d,\"logins_ok\":%d,\"login_seconds\":%.1f,\"rss_after_logins_mib\":%d,"
                        + "\"cores\":%d,\"ram_mib\":%d,\"java\":\"%s\"}",
                Instant.now(),
                javaOpts.replace("\"", "'"),
                idle,
                openOnGateway,
                openSeconds,
                baseKib / 1024,
                idleKib / 1024,
                (idleKib - baseKib) / (double) Math.max(1, idle),
                stillOpen,
                logins,
                ok,
                loginSeconds,
                afterKib / 1024,
                Runtime.getRuntime().availableProcessors(),
                procField(Path.of("/proc/meminfo"), "MemTotal:") / 1024,
                System.getProperty("java.version"));
        System.out.println(line);
        Path results = Path.of(System.getProperty("results", "benchmarks/results/gateway-scale.jsonl"));
        Files.createDirectories(results.getParent());
        Files.writeString(results, line + System.lineSeparator(), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
