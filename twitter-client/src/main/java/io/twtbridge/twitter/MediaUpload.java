package io.twtbridge.twitter;

import io.helidon.http.Method;
import io.twtbridge.protocol.Tokens;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.UUID;

/**
 * Media going up to X for a post: a still image up to {@link #SIMPLE_UPLOAD_MAX} in one {@code POST /2/media/upload};
 * larger images, GIFs and videos in chunks ({@code initialize}, {@code append} per {@link #CHUNK}, {@code finalize}) and
 * the wait for X's processing ({@code GET /2/media/upload?command=STATUS}) that GIFs and videos need: {@code pending} →
 * {@code in_progress} → {@code succeeded} or {@code failed}, asking again after X's {@code check_after_secs}.
 *
 * <p>The wait sleeps the calling thread (the worker calls from a virtual thread, so no platform thread is held),
 * is bounded by {@code maxWait} from the end of the upload, and ends at once when the thread is interrupted. Alt text
 * goes up after the media ({@code POST /2/media/metadata}).
 */
final class MediaUpload {
    /** Images up to this size go up in one {@code POST /2/media/upload}; larger ones and GIFs are chunked. */
    static final int SIMPLE_UPLOAD_MAX = 1 << 20;
    /** Bytes per {@code append} of a chunked upload. */
    static final int CHUNK = 1 << 20;
    /** Waits between two STATUS calls are within these bounds, whatever X's {@code check_after_secs}. */
    static final Duration MIN_CHECK = Duration.ofSeconds(1);

    static final Duration MAX_CHECK = Duration.ofSeconds(30);

    /** Sends one signed request to X (the client's HTTP and OAuth). */
    @FunctionalInterface
    interface Transport {
        XClient.Response send(Method method, String path, String query, Tokens user, String contentType, byte[] body);
    }

    /** What to upload: the bytes, their MIME type, X's media category, and a word for messages ("image", "video"). */
    record Upload(byte[] bytes, String mimeType, String category, String what) {}

    private final Transport x;
    private final Duration maxWait;

    MediaUpload(Transport x, Duration maxWait) {
        this.x = x;
        this.maxWait = maxWait;
    }

    /** Uploads one image or video (checked by {@link XClient#check}), then its alt text; answers its media id once X may use it. */
    XResult<String> upload(Tokens user, MediaFile media) {
        XResult<String> id = switch (MediaCheck.kind(media.bytes()).orElseThrow()) {
            case MediaCheck.Kind.Video v ->
                chunked(user, new Upload(media.bytes(), MediaCheck.VIDEO_MIME, "tweet_video", "video"));
            case MediaCheck.Kind.Image img
            when img.type() != ImageType.GIF && media.bytes().length <= SIMPLE_UPLOAD_MAX ->
                simple(user, media.bytes());
            case MediaCheck.Kind.Image img ->
                chunked(
                        user,
                        new Upload(
                                media.bytes(),
                                img.type().mimeType(),
                                img.type() == ImageType.GIF ? "tweet_gif" : "tweet_image",
                                "image"));
        };
        if (id instanceof XResult.Ok<String> ok && media.altText().isPresent()) {
            JsonObject meta = XClient.JSON
                    .createObjectBuilder()
                    .add("id", ok.value())
                    .add(
                            "metadata",
                            XClient.JSON
                                    .createObjectBuilder()
                                    .add(
                                            "alt_text",
                                            XClient.JSON
                                                    .createObjectBuilder()
                                                    .add("text", media.altText().get())))
                    .build();
            XClient.Response r =
                    x.send(Method.POST, "/2/media/metadata", "", user, "application/json", utf8(meta.toString()));
            if (r.status() != 200) {
                return XResult.failed(XFailures.of(r));
            }
        }
        return id;
    }

    private XResult<String> simple(Tokens user, byte[] bytes) {
        Multipart mp = new Multipart().file("media", bytes).field("media_category", "tweet_image");
        XClient.Response r = x.send(Method.POST, "/2/media/upload", "", user, mp.contentType(), mp.body());
        return r.status() == 200 || r.status() == 201 ? XFailures.dataId(r) : XResult.failed(XFailures.of(r));
    }

    /** Uploads in chunks and waits for X's processing; answers the media id once X may use it in a post. */
    XResult<String> chunked(Tokens user, Upload u) {
        JsonObject init = XClient.JSON
                .createObjectBuilder()
                .add("media_type", u.mimeType())
                .add("total_bytes", u.bytes().length)
                .add("media_category", u.category())
                .build();
        XClient.Response r =
                x.send(Method.POST, "/2/media/upload/initialize", "", user, "application/json", utf8(init.toString()));
        if (r.status() != 200 && r.status() != 201) {
            return XResult.failed(XFailures.of(r));
        }
        XResult<String> idResult = XFailures.dataId(r);
        if (!(idResult instanceof XResult.Ok<String> ok)) {
            return idResult;
        }
        String id = ok.value();
        byte[] bytes = u.bytes();
        for (int segment = 0, offset = 0; offset < bytes.length; segment++, offset += CHUNK) {
            byte[] chunk = Arrays.copyOfRange(bytes, offset, Math.min(bytes.length, offset + CHUNK));
            Multipart mp = new Multipart().file("media", chunk).field("segment_index", String.valueOf(segment));
            r = x.send(Method.POST, "/2/media/upload/" + id + "/append", "", user, mp.contentType(), mp.body());
            if (r.status() < 200 || r.status() > 299) {
                return XResult.failed(XFailures.of(r));
            }
        }
        r = x.send(Method.POST, "/2/media/upload/" + id + "/finalize", "", user, null, new byte[0]);
        if (r.status() != 200 && r.status() != 201) {
            return XResult.failed(XFailures.of(r));
        }
        return awaitProcessing(user, id, r, u.what());
    }

    /** X's processing state in an answer of {@code finalize} or {@code STATUS}; none means the media is ready. */
    record Processing(String state, Optional<Duration> checkAfter, String error) {
        static Processing of(XClient.Response r) {
            Optional<JsonObject> p = XClient.json(r.body())
                    .map(o -> o.get("data") instanceof JsonObject d ? d : null)
                    .map(d -> d.get("processing_info") instanceof JsonObject pi ? pi : null);
            if (p.isEmpty()) {
                return new Processing("succeeded", Optional.empty(), "");
            }
            JsonObject pi = p.get();
            String state = pi.get("state") instanceof JsonString s ? s.getString() : "";
            Optional<Duration> after = pi.get("check_after_secs") instanceof JsonNumber n
                    ? Optional.of(Duration.ofSeconds(Math.max(0, Math.min(n.longValue(), 3600))))
                    : Optional.empty();
            String error = "";
            if (pi.get("error") instanceof JsonObject e) {
                error = e.get("message") instanceof JsonString m
                        ? m.getString()
                        : e.get("name") instanceof JsonString n ? n.getString() : "";
            }
            return new Processing(state, after, error.length() > 200 ? error.substring(0, 200) : error);
        }
    }

    private XResult<String> awaitProcessing(Tokens user, String id, XClient.Response finalized, String what) {
        long deadline = System.nanoTime() + maxWait.toNanos();
        XClient.Response r = finalized;
        while (true) {
            Processing p = Processing.of(r);
            Optional<XResult<String>> settled = XFailures.processing(id, p.state(), p.error(), what);
            if (settled.isPresent()) {
                return settled.get();
            }
            long left = deadline - System.nanoTime();
            Duration wait = p.checkAfter().orElse(MIN_CHECK);
            wait = wait.compareTo(MIN_CHECK) < 0 ? MIN_CHECK : wait.compareTo(MAX_CHECK) > 0 ? MAX_CHECK : wait;
            if (left <= 0 || wait.toNanos() > left) {
                return XResult.failed(new XFailure.Unavailable(
                        "X did not finish processing the " + what + " within " + maxWait.toSeconds() + " s"));
            }
            try {
                Thread.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return XResult.failed(new XFailure.Unavailable("interrupted while X processed the " + what));
            }
            r = x.send(Method.GET, "/2/media/upload", "media_id=" + id + "&command=STATUS", user, null, null);
            if (r.status() != 200) {
                return XResult.failed(XFailures.of(r));
            }
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A multipart/form-data body (RFC 7578). */
    static final class Multipart {
        private final String boundary = "twtbridge-" + UUID.randomUUID();
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Multipart field(String name, String value) {
            out.writeBytes(utf8("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n"
                    + value + "\r\n"));
            return this;
        }

        Multipart file(String name, byte[] bytes) {
            out.writeBytes(utf8("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name
                    + "\"; filename=\"blob\"\r\nContent-Type: application/octet-stream\r\n\r\n"));
            out.writeBytes(bytes);
            out.writeBytes(utf8("\r\n"));
            return this;
        }

        String contentType() {
            return "multipart/form-data; boundary=" + boundary;
        }

        byte[] body() {
            ByteArrayOutputStream copy = new ByteArrayOutputStream(out.size() + 64);
            copy.writeBytes(out.toByteArray());
            copy.writeBytes(utf8("--" + boundary + "--\r\n"));
            return copy.toByteArray();
        }
    }
}
