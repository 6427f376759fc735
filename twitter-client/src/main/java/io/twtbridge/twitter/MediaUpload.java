package io.twtbridge.twitter;

import io.helidon.http.Method;
import io.twtbridge.protocol.Tokens;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;

import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;

/**
 * X's chunked media upload ({@code initialize}, {@code append} per {@link XClient#CHUNK}, {@code finalize}) and the
 * wait for X's processing ({@code GET /2/media/upload?command=STATUS}) that GIFs and videos need: {@code pending} →
 * {@code in_progress} → {@code succeeded} or {@code failed}, asking again after X's {@code check_after_secs}.
 *
 * <p>The wait sleeps the calling thread (the worker calls from a virtual thread, so no platform thread is held),
 * is bounded by {@code maxWait} from the end of the upload, and ends at once when the thread is interrupted.
 */
final class MediaUpload {
    /** Waits between two STATUS calls are within these bounds, whatever X's {@code check_after_secs}. */
    static final Duration MIN_CHECK = Duration.ofSeconds(1);
    static final Duration MAX_CHECK = Duration.ofSeconds(30);

    /** Sends one signed request to X (the client's HTTP and OAuth). */
    @FunctionalInterface
    interface Transport {
        XClient.Response send(Method method, String path, String query, Tokens user, String contentType, byte[] body);
    }

    /** What to upload: the bytes, their MIME type, X's media category, and a word for messages ("image", "video"). */
    record Upload(byte[] bytes, String mimeType, String category, String what) {
    }

    private final Transport x;
    private final Duration maxWait;

    MediaUpload(Transport x, Duration maxWait) {
        this.x = x;
        this.maxWait = maxWait;
    }

    /** Uploads in chunks and waits for X's processing; answers the media id once X may use it in a post. */
    XResult<String> chunked(Tokens user, Upload u) {
        JsonObject init = XClient.JSON.createObjectBuilder().add("media_type", u.mimeType()).add("total_bytes", u.bytes().length)
                .add("media_category", u.category()).build();
        XClient.Response r = x.send(Method.POST, "/2/media/upload/initialize", "", user, "application/json", utf8(init.toString()));
        if (r.status() != 200 && r.status() != 201) {
            return XResult.failed(XClient.failure(r));
        }
        XResult<String> idResult = XClient.dataId(r);
        if (!(idResult instanceof XResult.Ok<String> ok)) {
            return idResult;
        }
        String id = ok.value();
        byte[] bytes = u.bytes();
        for (int segment = 0, offset = 0; offset < bytes.length; segment++, offset += XClient.CHUNK) {
            byte[] chunk = Arrays.copyOfRange(bytes, offset, Math.min(bytes.length, offset + XClient.CHUNK));
            XClient.Multipart mp = new XClient.Multipart().file("media", chunk).field("segment_index", String.valueOf(segment));
            r = x.send(Method.POST, "/2/media/upload/" + id + "/append", "", user, mp.contentType(), mp.body());
            if (r.status() < 200 || r.status() > 299) {
                return XResult.failed(XClient.failure(r));
            }
        }
        r = x.send(Method.POST, "/2/media/upload/" + id + "/finalize", "", user, null, new byte[0]);
        if (r.status() != 200 && r.status() != 201) {
            return XResult.failed(XClient.failure(r));
        }
        return awaitProcessing(user, id, r, u.what());
    }

    /** X's processing state in an answer of {@code finalize} or {@code STATUS}; none means the media is ready. */
    record Processing(String state, Optional<Duration> checkAfter, String error) {
        static Processing of(XClient.Response r) {
            Optional<JsonObject> p = XClient.json(r.body()).map(o -> o.get("data") instanceof JsonObject d ? d : null)
                    .map(d -> d.get("processing_info") instanceof JsonObject pi ? pi : null);
            if (p.isEmpty()) {
                return new Processing("succeeded", Optional.empty(), "");
            }
            JsonObject pi = p.get();
            String state = pi.get("state") instanceof JsonString s ? s.getString() : "";
            Optional<Duration> after = pi.get("check_after_secs") instanceof JsonNumber n
                    ? Optional.of(Duration.ofSeconds(Math.max(0, Math.min(n.longValue(), 3600)))) : Optional.empty();
            String error = "";
            if (pi.get("error") instanceof JsonObject e) {
                error = e.get("message") instanceof JsonString m ? m.getString() : e.get("name") instanceof JsonString n ? n.getString() : "";
            }
            return new Processing(state, after, error.length() > 200 ? error.substring(0, 200) : error);
        }
    }

    private XResult<String> awaitProcessing(Tokens user, String id, XClient.Response finalized, String what) {
        long deadline = System.nanoTime() + maxWait.toNanos();
        XClient.Response r = finalized;
        while (true) {
            Processing p = Processing.of(r);
            switch (p.state()) {
                case "succeeded" -> {
                    return XResult.ok(id);
                }
                case "failed" -> {
                    return XResult.failed(new XFailure.MediaProcessingFailed("X could not process the " + what
                            + (p.error().isEmpty() ? "" : ": " + p.error())));
                }
                case "pending", "in_progress" -> {
                }
                default -> {
                    return XResult.failed(new XFailure.Unavailable("X answered an unknown processing state for the " + what));
                }
            }
            long left = deadline - System.nanoTime();
            Duration wait = p.checkAfter().orElse(MIN_CHECK);
            wait = wait.compareTo(MIN_CHECK) < 0 ? MIN_CHECK : wait.compareTo(MAX_CHECK) > 0 ? MAX_CHECK : wait;
            if (left <= 0 || wait.toNanos() > left) {
                return XResult.failed(new XFailure.Unavailable("X did not finish processing the " + what + " within " + maxWait.toSeconds() + " s"));
            }
            try {
                Thread.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return XResult.failed(new XFailure.Unavailable("interrupted while X processed the " + what));
            }
            r = x.send(Method.GET, "/2/media/upload", "media_id=" + id + "&command=STATUS", user, null, null);
            if (r.status() != 200) {
                return XResult.failed(XClient.failure(r));
            }
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
