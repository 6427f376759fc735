package io.twtbridge.worker;

import static io.twtbridge.worker.Harness.legacy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import io.twtbridge.protocol.Tokens;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.stream.JsonParsingException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The worker's log as a process writes it, through the shared logging setup (module {@code logging}): with
 * {@code LOG_FORMAT} unset, every line is one JSON object, and a whole run (start, posts that succeed and fail, auth,
 * verify_pin, stop) leaves no token, secret, PIN or msg_id in it.
 */
class LogOutputTest {
    private Harness h;
    private Process process;
    private Path log;

    @BeforeEach
    void start() throws Exception {
        h = new Harness();
        log = Files.createTempFile("queue-worker-log", ".txt");
    }

    @AfterEach
    void stop() throws Exception {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
        }
        h.close();
        Files.deleteIfExists(log);
    }

    private String reply() throws InterruptedException {
        return h.nextReply(Duration.ofSeconds(20)).text();
    }

    @Test
    void aWholeRunLogsJsonLinesWithoutSecrets() throws Exception {
        int port = Harness.freePort();
        process = Harness.workerProcess(h.processEnvironment(port))
                .redirectOutput(log.toFile())
                .start();
        Harness.awaitReady(port);

        List<String> secret = new ArrayList<>(List.of("sandbox-consumer-secret"));
        String run = UUID.randomUUID().toString();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            ids.add("msgid-" + i + "-" + run);
        }
        Tokens user = h.user("log_user");
        secret.addAll(List.of(user.token(), user.secret()));

        h.send(legacy(ids.get(0), "upload_post", user.token(), user.secret(), "a logged run", ""));
        assertEquals(ids.get(0) + "ÿtwtÿupload_postÿ0", reply());
        String badToken = "revoked-token-" + run;
        String badSecret = "revoked-secret-" + run;
        secret.addAll(List.of(badToken, badSecret));
        h.send(legacy(ids.get(1), "upload_post", badToken, badSecret, "refused", ""));
        assertEquals(ids.get(1) + "ÿtwtÿupload_postÿexception_occurred", reply());
        h.send(legacy(
                ids.get(2),
                "upload_post",
                user.token(),
                user.secret(),
                "with an image",
                "/nonexistent-" + run + ".png"));
        assertEquals(ids.get(2) + "ÿtwtÿupload_postÿimage error", reply());
        h.send(legacy(ids.get(3), "upload_post", user.token()));
        assertEquals(ids.get(3) + "ÿtwtÿupload_postÿexception_occurred", reply());

        h.send(legacy(ids.get(4), "auth"));
        String[] auth = reply().split("ÿ", -1);
        assertEquals(6, auth.length, String.join("|", auth));
        secret.addAll(List.of(auth[4], auth[5]));
        String pin = h.sandbox.users().authorize(auth[4], "log_login").orElseThrow();
        secret.add(pin);
        h.send(legacy(ids.get(5), "verify_pin", "0" + pin, auth[4], auth[5]));
        assertEquals(ids.get(5) + "ÿtwtÿverify_pinÿexception_occurred", reply());
        h.send(legacy(ids.get(6), "verify_pin", pin, auth[4], auth[5]));
        String[] verified = reply().split("ÿ", -1);
        assertEquals(5, verified.length, String.join("|", verified));
        secret.addAll(List.of(verified[3], verified[4]));
        h.send(
                String.format(
                                "{\"id\":\"%s\",\"command\":\"upload_post\",\"access_token\":\"%s\",\"access_token_secret\":\"%s\","
                                        + "\"text\":\"json\",\"media\":[{\"url\":\"http://127.0.0.1:1/%s.png\"}]}",
                                ids.get(7), verified[3], verified[4], run)
                        .getBytes(StandardCharsets.UTF_8),
                new AMQP.BasicProperties.Builder()
                        .contentType("application/json")
                        .deliveryMode(2)
                        .build());
        assertTrue(reply().startsWith("{\"id\":\"" + ids.get(7) + "\""));

        process.destroy(); // SIGTERM: drains and logs its stop
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "worker did not stop on SIGTERM");
        String out = Files.readString(log, StandardCharsets.UTF_8);
        List<String> lines = out.lines().toList();
        assertFalse(lines.isEmpty(), "the worker logged nothing");
        for (String line : lines) {
            JsonObject o;
            try {
                o = Json.createReader(new StringReader(line)).readObject();
            } catch (JsonParsingException e) {
                throw new AssertionError("not a JSON line: " + line + "\nwhole log:\n" + out, e);
            }
            for (String member : List.of("time", "level", "logger", "message")) {
                assertTrue(o.containsKey(member), member + " missing: " + line);
            }
        }
        for (String s : secret) {
            assertFalse(out.contains(s), "a token, secret or PIN is in the log:\n" + out);
        }
        for (String id : ids) {
            assertFalse(out.contains(id), "a msg_id is in the log: " + id + "\n" + out);
        }
        assertFalse(out.contains(run), "something of the requests is in the log:\n" + out);
    }
}
