package io.twtbridge.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import io.twtbridge.protocol.ErrorCode;
import io.twtbridge.protocol.JsonQueueFormat;
import io.twtbridge.protocol.Media;
import io.twtbridge.protocol.MediaSource;
import io.twtbridge.protocol.Request;
import io.twtbridge.protocol.Tokens;
import jakarta.json.JsonObject;
import jakarta.json.spi.JsonProvider;
import java.io.StringReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The media budget in a real worker: a burst of the largest legal requests, and the loader's accounting. */
class MediaBudgetBurstTest {
    private static final long MIB = 1 << 20;

    /** The largest image X takes: a GIF of exactly 15 MiB (20 MiB in the message as base64). */
    static byte[] largestGif() {
        byte[] gif = new byte[15 << 20];
        System.arraycopy("GIF89a".getBytes(StandardCharsets.US_ASCII), 0, gif, 0, 6);
        return gif;
    }

    @Test
    @Tag("rabbitmq-only")
    void aBurstOfTheLargestRequestsIsAnsweredWithinTheBudget() throws Exception {
        // The embedded broker lives in the test's JVM: 6 messages of 20 MiB, moved twice, trip its flow control.
        Harness.requireRabbitMq("messages of 20 MiB in bulk");
        try (Harness h = new Harness()) {
            // Every call to X takes 300 ms, so requests that were let through together would overlap at X.
            h.sandbox.faults().latency(Duration.ofMillis(300));
            h.startWorker(h.config(Map.of("worker.media.budget", String.valueOf(32 * MIB)))); // two GIFs at once
            byte[] gif = largestGif();
            int n = 6;
            for (int i = 0; i < n; i++) {
                Tokens u = h.user("burst" + i);
                Request.Post p = new Request.Post(
                        "b-" + i, u, "", List.of(Media.of(new MediaSource.Data(gif))), Optional.empty());
                byte[] body = JsonQueueFormat.INSTANCE.encodeRequest(p);
                assertTrue(body.length > 20 * MIB, "a message of " + body.length + " bytes");
                h.send(
                        body,
                        new AMQP.BasicProperties.Builder()
                                .contentType("application/json")
                                .build());
            }
            Set<String> answered = new HashSet<>();
            for (int i = 0; i < n; i++) {
                JsonObject reply = JsonProvider.provider()
                        .createReader(new StringReader(
                                h.nextReply(Duration.ofSeconds(120)).text()))
                        .readObject();
                assertEquals("posted", reply.getString("status"), reply.toString());
                answered.add(reply.getString("id"));
            }
            assertEquals(n, answered.size());
            assertEquals(n, h.sandbox.posts().all().size());
            int peak = h.sandbox.counters().peakConcurrent();
            assertTrue(
                    peak <= 2, "X saw " + peak + " calls at once; the budget lets two 15 MiB GIFs through at a time");
        }
    }

    @Test
    void theLoaderReservesBeforeLoadingAndGivesBackOnClose() throws Exception {
        MediaBudget budget = new MediaBudget(16 * MIB);
        WorkerConfig.MediaFetch fetch = WorkerConfig.MediaFetch.builder()
                .maxBytes(15 * MIB)
                .timeout(Duration.ofSeconds(5))
                .maxRedirects(3)
                .allowPrivateAddresses()
                .allowHttp()
                .budgetBytes(16 * MIB)
                .build();
        MediaLoader loader = new MediaLoader(Optional.empty(), fetch, budget);
        byte[] png = TestImages.png();
        MediaLoader.Loaded.Files files = assertInstanceOf(
                MediaLoader.Loaded.Files.class,
                loader.load(List.of(Media.of(new MediaSource.Data(png)), Media.of(new MediaSource.Data(png)))));
        assertEquals(2, files.files().size());
        assertEquals(1024, budget.inUse(), "two 67-byte images: one KiB unit");
        files.close();
        assertEquals(0, budget.inUse());
        // Four images of 5 MiB: 20 MiB can never fit a 16 MiB budget; refused, not waited for.
        byte[] five = new byte[5 << 20];
        System.arraycopy(png, 0, five, 0, png.length);
        Media m = Media.of(new MediaSource.Data(five));
        MediaLoader.Loaded.Failed failed =
                assertInstanceOf(MediaLoader.Loaded.Failed.class, loader.load(List.of(m, m, m, m)));
        assertEquals(ErrorCode.MEDIA_TOO_LARGE, failed.failure().code());
        assertTrue(
                failed.failure().message().contains("WORKER_MEDIA_BUDGET"),
                failed.failure().message());
        assertEquals(0, budget.inUse());
        // A failing item gives back what the request reserved (the inline image, and the URL's 15 MiB cap).
        MediaLoader.Loaded.Failed missing = assertInstanceOf(
                MediaLoader.Loaded.Failed.class,
                loader.load(List.of(
                        Media.of(new MediaSource.Data(png)),
                        Media.of(new MediaSource.Url(URI.create("http://127.0.0.1:1/nothing.png"))))));
        assertEquals(ErrorCode.MEDIA_UNREACHABLE, missing.failure().code());
        assertEquals(0, budget.inUse());
        // Waiting for the budget and interrupted (the worker is stopping): nothing reserved, tried again later.
        MediaBudget.Lease held = assertInstanceOf(MediaBudget.Reservation.Granted.class, budget.reserve(10 * MIB))
                .lease();
        AtomicReference<MediaLoader.Loaded> result = new AtomicReference<>();
        Thread waiter = Thread.ofVirtual()
                .start(() -> result.set(loader.load(List.of(Media.of(new MediaSource.Data(five)), m))));
        Harness.await(
                "the loader waits for the budget",
                Duration.ofSeconds(20),
                () -> waiter.getState() == Thread.State.WAITING);
        waiter.interrupt();
        waiter.join(Duration.ofSeconds(20));
        assertInstanceOf(MediaLoader.Loaded.Interrupted.class, result.get());
        assertEquals(10 * MIB, budget.inUse());
        held.close();
        assertEquals(0, budget.inUse());
    }
}
