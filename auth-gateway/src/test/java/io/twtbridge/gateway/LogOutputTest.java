package io.twtbridge.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.twtbridge.sandbox.TwitterSandbox;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.stream.JsonParsingException;
import java.io.File;
import java.io.StringReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The gateway's log as a process writes it, through the shared logging setup (module {@code logging}): with
 * {@code LOG_FORMAT} unset, every line on stderr is one JSON object, and a whole login (auth, a wrong PIN, the right
 * one, a JSON frame, a malformed one, stop) leaves no token, secret, PIN or id in anything the process writes.
 */
class LogOutputTest {
    private TwitterSandbox sandbox;
    private Process process;
    private Path out;
    private Path err;

    @BeforeEach
    void start() throws Exception {
        sandbox = TwitterSandbox.start(TwitterSandbox.Settings.defaults());
        out = Files.createTempFile("auth-gateway-out", ".txt");
        err = Files.createTempFile("auth-gateway-log", ".txt");
    }

    @AfterEach
    void stop() throws Exception {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
        }
        sandbox.close();
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
    }

    @Test
    void aWholeLoginLogsJsonLinesWithoutSecrets() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        ProcessBuilder pb =
                new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Main.class.getName());
        pb.environment()
                .keySet()
                .removeIf(k -> k.startsWith("TWITTER_") || k.startsWith("GATEWAY_") || k.equals("LOG_FORMAT"));
        pb.environment()
                .putAll(Map.of(
                        "SERVER_PORT",
                        String.valueOf(port),
                        "TWITTER_CONSUMER_KEY",
                        TwitterSandbox.DEFAULT_CONSUMER_KEY,
                        "TWITTER_CONSUMER_SECRET",
                        TwitterSandbox.DEFAULT_CONSUMER_SECRET,
                        "TWITTER_API_BASE_URL",
                        sandbox.baseUri().toString(),
                        "GATEWAY_ALLOW_MISSING_ORIGIN",
                        "true"));
        process = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        URI health = URI.create("http://127.0.0.1:" + port + "/observe/health");
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try {
                if (WsClient.HTTP
                                .send(HttpRequest.newBuilder(health).build(), HttpResponse.BodyHandlers.discarding())
                                .statusCode()
                        == 200) {
                    break;
                }
            } catch (Exception e) {
                // not up yet
            }
            if (System.nanoTime() > deadline) {
                fail("gateway process not up:\n" + Files.readString(err));
            }
            Thread.sleep(50);
        }

        String run = UUID.randomUUID().toString();
        List<String> secret = new ArrayList<>(List.of(TwitterSandbox.DEFAULT_CONSUMER_SECRET));
        WsClient c = WsClient.connect(URI.create("ws://127.0.0.1:" + port + "/"), null);
        String[] auth = c.call("auth").split("\u00FF", -1);
        assertEquals(5, auth.length, String.join("|", auth));
        secret.addAll(List.of(auth[3], auth[4]));
        String pin = sandbox.users().authorize(auth[3], "log_user").orElseThrow();
        secret.add(pin);
        assertEquals(
                "twt\u00FFverify_pin\u00FFexception_occurred",
                c.call("verify_pin\u00FF0" + pin + "\u00FF" + auth[3] + "\u00FF" + auth[4]));
        String[] verified = c.call("verify_pin\u00FF" + pin + "\u00FF" + auth[3] + "\u00FF" + auth[4])
                .split("\u00FF", -1);
        assertEquals(4, verified.length, String.join("|", verified));
        secret.addAll(List.of(verified[2], verified[3]));
        String id = "msgid-" + run;
        String json = c.call("{\"id\":\"" + id + "\",\"command\":\"verify_pin\",\"pin\":\"p-" + run
                + "\",\"request_token\":\"rt-" + run + "\",\"request_token_secret\":\"rs-" + run + "\"}");
        assertTrue(json.startsWith("{\"id\":\"" + id + "\",\"command\":\"verify_pin\",\"status\":\"failed\""), json);
        assertEquals("twt\u00FFerror\u00FFunknown_command", c.call("hello\u00FF" + run));
        c.close();

        process.destroy();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "gateway did not stop on SIGTERM");
        String log = Files.readString(err, StandardCharsets.UTF_8);
        String all = Files.readString(out, StandardCharsets.UTF_8) + log;
        List<String> lines = log.lines().toList();
        assertFalse(lines.isEmpty(), "the gateway logged nothing");
        for (String line : lines) {
            JsonObject o;
            try {
                o = Json.createReader(new StringReader(line)).readObject();
            } catch (JsonParsingException e) {
                throw new AssertionError("not a JSON line: " + line + "\nwhole log:\n" + log, e);
            }
            for (String member : List.of("time", "level", "logger", "message")) {
                assertTrue(o.containsKey(member), member + " missing: " + line);
            }
        }
        for (String s : secret) {
            assertFalse(all.contains(s), "a token, secret or PIN is in the output:\n" + all);
        }
        assertFalse(all.contains(run), "an id or field of a request is in the output:\n" + all);
    }
}
