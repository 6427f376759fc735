package io.twtbridge.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.rabbitmq.client.AMQP;
import io.twtbridge.protocol.Decoded;
import io.twtbridge.protocol.JsonQueueFormat;
import io.twtbridge.protocol.LegacyQueueFormat;
import io.twtbridge.protocol.QueueFormat;
import io.twtbridge.protocol.Tokens;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A whole worker fed generated hostile messages, JSON and legacy, in batches: after each batch a normal post is
 * still answered, every message whose id can be read gets its one reply, and every other one is dead-lettered.
 * Written against Harness's public helpers only (start a worker, send, read replies, read a queue).
 */
class HostileInputTest {
    private static final Duration T = Duration.ofSeconds(60);
    private static final AMQP.BasicProperties JSON =
            new AMQP.BasicProperties.Builder().contentType("application/json").build();

    /** One generated message, and whether the worker can answer it (its id is readable). */
    private record Message(byte[] body, boolean json) {
        boolean answerable() {
            QueueFormat f = json ? JsonQueueFormat.INSTANCE : LegacyQueueFormat.INSTANCE;
            return !(f.decode(body) instanceof Decoded.Malformed m) || m.answerable();
        }
    }

    @Test
    void hostileBatchesNeverStopTheWorker() throws Exception {
        long seed = System.nanoTime();
        System.out.println("[hostile-input] seed " + seed);
        Random r = new Random(seed);
        try (Harness h = new Harness()) {
            h.startWorker();
            Tokens probeUser = h.user("probe");
            int answerable = 0;
            int unanswerable = 0;
            int hostileReplies = 0;
            for (int batch = 0; batch < 8; batch++) {
                List<Message> messages = new ArrayList<>();
                for (int i = 0; i < 15; i++) {
                    String id = "h-" + batch + "-" + i;
                    messages.add(
                            r.nextBoolean()
                                    ? new Message(hostileJson(r, id).getBytes(StandardCharsets.UTF_8), true)
                                    : new Message(hostileLegacy(r, id), false));
                }
                if (r.nextInt(4) == 0) { // invalid UTF-8 somewhere
                    Message m = messages.get(r.nextInt(messages.size()));
                    byte[] b = m.body().clone();
                    b[r.nextInt(b.length)] = (byte) 0xC3;
                    messages.add(new Message(b, m.json()));
                }
                for (Message m : messages) {
                    if (m.answerable()) {
                        answerable++;
                    } else {
                        unanswerable++;
                    }
                    if (m.json()) {
                        h.send(m.body(), JSON);
                    } else {
                        h.send(m.body());
                    }
                }
                String probe = "probe-" + batch;
                h.send(Harness.legacy(
                        probe, "upload_post", probeUser.token(), probeUser.secret(), "still here " + batch, ""));
                // Replies to the batch may come in any order; the probe's must come, and be a success.
                while (true) {
                    String reply = h.nextReply(T).text();
                    if (reply.startsWith(probe + "\u00FF")) {
                        assertEquals(probe + "\u00FFtwt\u00FFupload_post\u00FF0", reply);
                        break;
                    }
                    hostileReplies++;
                }
            }
            // Every answerable message is answered exactly once; the rest went to the dead-letter queue.
            while (hostileReplies < answerable) {
                h.nextReply(T);
                hostileReplies++;
            }
            h.assertNoMoreReplies(Duration.ofSeconds(2));
            for (int i = 0; i < unanswerable; i++) {
                h.getFrom(h.requests + ".dead", T);
            }
            assertEquals(8, h.sandbox.posts().all().size(), "exactly the probes were posted");
        }
    }

    /** JSON shaped like a request, with hostile values where the members go. */
    static String hostileJson(Random r, String id) {
        StringBuilder b = new StringBuilder("{");
        boolean idFirst = r.nextInt(3) > 0;
        if (idFirst) {
            b.append("\"id\":\"").append(id).append("\",");
        }
        String[] keys = {
            "command",
            "access_token",
            "access_token_secret",
            "text",
            "media",
            "pin",
            "request_token",
            "request_token_secret",
            "reply_to_tweet_id",
            "x"
        };
        int members = r.nextInt(6);
        for (int i = 0; i < members; i++) {
            b.append('"')
                    .append(keys[r.nextInt(keys.length)])
                    .append("\":")
                    .append(hostileValue(r))
                    .append(',');
        }
        b.append("\"command\":\"")
                .append(new String[] {"auth", "upload_post", "verify_pin", "dance"}[r.nextInt(4)])
                .append('"');
        if (!idFirst && r.nextBoolean()) {
            b.append(",\"id\":\"").append(id).append('"');
        }
        b.append('}');
        String s = b.toString();
        return r.nextInt(5) == 0 ? s.substring(0, r.nextInt(s.length())) : s; // truncated now and then
    }

    static String hostileValue(Random r) {
        int n = 1 + r.nextInt(200_000);
        return switch (r.nextInt(10)) {
            case 0 -> "[".repeat(n) + "]".repeat(n);
            case 1 -> "{\"a\":".repeat(n % 50_000 + 1) + "1" + "}".repeat(n % 50_000 + 1);
            case 2 -> "1e9999999999";
            case 3 -> "-" + "9".repeat(n) + "." + "9".repeat(n) + "E-" + n;
            case 4 -> "\"" + "a.".repeat(n / 2) + "\"";
            case 5 -> "[" + "{\"data\":\"AAAA\"},".repeat(r.nextInt(8)) + "{\"url\":\"http://127.0.0.1:1/x\"}]";
            case 6 -> "\"\\ud800\\u0000\"";
            case 7 -> "[" + "1,".repeat(n % 10_000) + "1]";
            case 8 -> "true";
            default -> "\"" + "x".repeat(n % 30_000) + "\"";
        };
    }

    static byte[] hostileLegacy(Random r, String id) {
        List<String> fields = new ArrayList<>();
        if (r.nextInt(4) > 0) {
            fields.add(id);
        } else {
            fields.add(r.nextBoolean() ? "" : "x".repeat(200)); // unreadable id
        }
        fields.add(new String[] {"upload_post", "auth", "verify_pin", "dance", ""}[r.nextInt(5)]);
        int more = r.nextInt(7);
        for (int i = 0; i < more; i++) {
            fields.add(
                    switch (r.nextInt(5)) {
                        case 0 -> "a.".repeat(r.nextInt(12_000));
                        case 1 -> "\u0001";
                        case 2 -> "/etc/passwd";
                        case 3 -> "x".repeat(r.nextInt(2_000));
                        default -> "";
                    });
        }
        byte[] b = String.join("\u00FF", fields).getBytes(StandardCharsets.UTF_8);
        if (r.nextInt(6) == 0) { // the raw FF separator
            for (int i = 0; i + 1 < b.length; i++) {
                if ((b[i] & 0xFF) == 0xC3 && (b[i + 1] & 0xFF) == 0xBF) {
                    b[i] = (byte) 0xFF;
                    b[i + 1] = (byte) 'y';
                }
            }
        }
        return b;
    }
}
