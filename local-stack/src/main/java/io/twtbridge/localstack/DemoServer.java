package io.twtbridge.localstack;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.twtbridge.protocol.JsonQueueFormat;
import io.twtbridge.protocol.LegacyQueueFormat;
import io.twtbridge.protocol.Limits;
import io.twtbridge.protocol.Media;
import io.twtbridge.protocol.MediaSource;
import io.twtbridge.protocol.QueueFormat;
import io.twtbridge.protocol.Request;
import io.twtbridge.protocol.Tokens;
import io.twtbridge.twitter.Mp4Probe;
import io.twtbridge.twitter.TextCheck;
import io.twtbridge.worker.Worker;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The demo page and the little API behind it, playing the existing main server: it publishes posting requests on
 * the worker's request queue ({@code twt}, legacy or JSON format), stores legacy images in the upload directory it
 * shares with the worker, and collects the replies arriving on the worker's reply queue ({@code to_server}); both
 * names are the worker's configuration's ({@code WorkerConfig}).
 */
final class DemoServer implements HttpService, AutoCloseable {
    static final JsonProvider JSON = JsonProvider.provider();
    /** The JSON format's limit (the legacy format carries one image). */
    static final int MAX_IMAGES = 4;
    /**
     * The largest video the page sends inline: its base64 (4/3 of it, 20 MiB) fits the JSON message's 21 MiB
     * ({@link Limits#MAX_JSON_BYTES}) with room for the texts; a larger one would have to go by URL or path.
     */
    static final int MAX_INLINE_VIDEO_BYTES = 15 << 20;
    /**
     * The largest body the page may post to {@code /api/posts} (the web server refuses a larger one with 413): a
     * JSON message's worth, plus 1 MiB for the page's own members.
     */
    static final long MAX_BODY_BYTES = Limits.MAX_JSON_BYTES + (1L << 20);
    /** 25,000 characters (a message's limit) of up to 4 UTF-8 bytes. */
    private static final int MAX_COUNTED_BYTES = 100_000;

    private final String requestQueue;
    private final Path uploads;
    private final URI gateway;
    private final Optional<URI> sandbox;
    private final Connection connection;
    private final Channel channel;
    private final AtomicLong msgIds = new AtomicLong(1000);
    private final List<String> replies = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private final byte[] html = resource("demo/index.html");
    private final byte[] js = resource("demo/demo.js");
    private final byte[] css = resource("demo/demo.css");

    DemoServer(URI amqp, String requestQueue, String replyQueue, Path uploads, URI gateway, Optional<URI> sandbox)
            throws IOException {
        this.requestQueue = requestQueue;
        this.uploads = uploads;
        this.gateway = gateway;
        this.sandbox = sandbox;
        try {
            connection = Worker.connectionFactory(amqp).newConnection("twt-local-demo");
            channel = connection.createChannel();
            channel.queueDeclare(replyQueue, true, false, false, null);
            channel.basicConsume(replyQueue, true, new DefaultConsumer(channel) {
                @Override
                public void handleDelivery(String tag, Envelope env, AMQP.BasicProperties props, byte[] body) {
                    String format = QueueFormat.JSON_CONTENT_TYPE.equals(props.getContentType()) ? "json" : "legacy";
                    String entry = JSON.createObjectBuilder()
                            .add("format", format)
                            .add("body", new String(body, StandardCharsets.UTF_8))
                            .build()
                            .toString();
                    synchronized (replies) {
                        replies.add(entry);
                    }
                }
            });
        } catch (TimeoutException e) {
            throw new IOException(e);
        }
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", (req, res) -> page(res, html, "text/html; charset=utf-8"))
                .get("/demo.js", (req, res) -> page(res, js, "text/javascript; charset=utf-8"))
                .get("/demo.css", (req, res) -> page(res, css, "text/css; charset=utf-8"))
                .get(
                        "/api/config",
                        (req, res) -> json(
                                res,
                                Status.OK_200,
                                JSON.createObjectBuilder()
                                        .add("gateway", gateway.toString())
                                        .add("sandbox", sandbox.isPresent())
                                        .add("max_video_bytes", MAX_INLINE_VIDEO_BYTES)
                                        .add("max_posts", Request.Thread.MAX_PARTS)
                                        .build()
                                        .toString()))
                .post("/api/posts", this::post)
                .post("/api/count", this::count)
                .get("/api/replies", this::replies)
                .get("/api/timeline", this::timeline);
    }

    private void page(ServerResponse res, byte[] body, String type) {
        String ws = "ws://localhost:" + gateway.getPort() + " ws://127.0.0.1:" + gateway.getPort();
        res.header(HeaderNames.CONTENT_TYPE, type)
                .header(
                        "Content-Security-Policy",
                        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                                + "connect-src 'self' " + ws
                                + "; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
                .header("X-Content-Type-Options", "nosniff")
                .header(HeaderNames.CACHE_CONTROL, "no-store")
                .send(body);
    }

    /**
     * {"format","access_token","access_token_secret","posts":[{"text","images":[{"data","alt_text"}],"video":{"data"}}],
     * "reply_to_tweet_id"} → publishes a request: {@code upload_post} for one post, {@code post_thread} (JSON only) for
     * several. Without {@code posts}, the object itself is the one post.
     */
    private void post(ServerRequest req, ServerResponse res) {
        JsonObject o;
        // Decoded strictly first: the JSON reader would turn bytes that are not UTF-8 into U+FFFD and post them.
        try (var reader = JSON.createReader(new StringReader(StandardCharsets.UTF_8
                .newDecoder()
                .decode(ByteBuffer.wrap(req.content().as(byte[].class)))
                .toString()))) {
            o = reader.readObject();
        } catch (CharacterCodingException | RuntimeException e) {
            json(res, Status.BAD_REQUEST_400, error("the body must be a JSON object"));
            return;
        }
        boolean legacy = !"json".equals(o.getString("format", "legacy"));
        JsonArray posts = o.get("posts") instanceof JsonArray a
                ? a
                : JSON.createArrayBuilder().add(o).build();
        Optional<String> replyTo =
                Optional.ofNullable(o.getString("reply_to_tweet_id", null)).filter(s -> !s.isBlank());
        if (posts.isEmpty() || posts.size() > Request.Thread.MAX_PARTS) {
            json(res, Status.BAD_REQUEST_400, error("a thread has 1 to " + Request.Thread.MAX_PARTS + " posts"));
            return;
        }
        if (legacy && (posts.size() > 1 || replyTo.isPresent())) {
            json(res, Status.BAD_REQUEST_400, error("a thread goes in the JSON format only: switch to JSON"));
            return;
        }
        List<Part> parts = new ArrayList<>();
        for (int i = 0; i < posts.size(); i++) {
            String which = posts.size() == 1 ? "the post" : "post " + (i + 1);
            if (!(posts.get(i) instanceof JsonObject p)) {
                json(res, Status.BAD_REQUEST_400, error(which + " must be a JSON object"));
                return;
            }
            String text = p.getString("text", "").replace('\u00FF', 'y');
            if (posts.size() > 1 && text.isBlank()) {
                json(
                        res,
                        Status.BAD_REQUEST_400,
                        error(which + " of the thread has no text: every post of a thread needs one"));
                return;
            }
            PartOrError part = part(p, which, text, legacy);
            if (part.error() != null) {
                json(res, Status.BAD_REQUEST_400, error(part.error()));
                return;
            }
            parts.add(part.part());
        }
        String id = String.valueOf(msgIds.incrementAndGet());
        Tokens user = new Tokens(o.getString("access_token", ""), o.getString("access_token_secret", ""));
        Request request = parts.size() == 1
                ? new Request.Post(
                        id, user, parts.getFirst().text(), parts.getFirst().media(), replyTo)
                : new Request.Thread(
                        id,
                        user,
                        parts.stream()
                                .map(p -> new Request.Thread.Part(p.text(), p.media()))
                                .toList(),
                        replyTo);
        QueueFormat format = legacy ? LegacyQueueFormat.INSTANCE : JsonQueueFormat.INSTANCE;
        byte[] message = format.encodeRequest(request);
        int max = legacy ? Limits.MAX_LEGACY_BYTES : Limits.MAX_JSON_BYTES;
        if (message.length > max) {
            json(
                    res,
                    Status.REQUEST_ENTITY_TOO_LARGE_413,
                    error("the message would take " + size(message.length) + ", more than the "
                            + (legacy ? "legacy" : "JSON") + " format's " + size(max)
                            + ": attach less (a video sent inline may take "
                            + size(MAX_INLINE_VIDEO_BYTES) + ")"));
            discardUploads(parts);
            return;
        }
        AMQP.BasicProperties props = new AMQP.BasicProperties.Builder()
                .contentType(format.contentType())
                .deliveryMode(2)
                .build();
        try {
            synchronized (channel) {
                channel.basicPublish("", requestQueue, props, message);
            }
        } catch (IOException e) {
            discardUploads(parts);
            json(res, Status.SERVICE_UNAVAILABLE_503, error("the broker refused the message"));
            return;
        }
        json(
                res,
                Status.ACCEPTED_202,
                JSON.createObjectBuilder()
                        .add("id", id)
                        .add("format", legacy ? "legacy" : "json")
                        .add("summary", summary(legacy, parts, replyTo, message.length))
                        .build()
                        .toString());
    }

    /** Deletes the files stored for a legacy request that was not sent (the worker never reads them). */
    private static void discardUploads(List<Part> parts) {
        for (Part part : parts) {
            for (Media m : part.media()) {
                if (m.source() instanceof MediaSource.FilePath f) {
                    try {
                        Files.deleteIfExists(Path.of(f.path()));
                    } catch (IOException e) {
                        // a leftover file in the demo's uploads folder, removed with it at exit
                    }
                }
            }
        }
    }

    /** One post of a request, with what its summary says. */
    private record Part(String text, List<Media> media, long imageBytes, int alts, long videoBytes) {}

    /** A part, or why it cannot be sent. */
    private record PartOrError(Part part, String error) {}

    private PartOrError part(JsonObject p, String which, String text, boolean legacy) {
        JsonArray images = p.get("images") instanceof JsonArray a ? a : JsonValue.EMPTY_JSON_ARRAY;
        JsonObject video = p.get("video") instanceof JsonObject v ? v : null;
        if (images.size() > MAX_IMAGES) {
            return new PartOrError(null, which + " takes at most " + MAX_IMAGES + " images");
        }
        List<Media> media = new ArrayList<>();
        if (video != null) {
            if (legacy) {
                return new PartOrError(null, "a video goes in the JSON format only: switch to JSON");
            }
            if (!images.isEmpty()) {
                return new PartOrError(null, "a video is the only media of its post: remove the images of " + which);
            }
            byte[] bytes;
            try {
                bytes = Base64.getDecoder().decode(video.getString("data", ""));
            } catch (IllegalArgumentException | ClassCastException e) {
                return new PartOrError(null, "the video of " + which + " could not be read");
            }
            if (!Mp4Probe.isMp4(bytes)) {
                return new PartOrError(
                        null, "the video of " + which + " is not an MP4 (X takes MP4 with H.264 video and AAC audio)");
            }
            media.add(Media.of(new MediaSource.Data(bytes)));
            return new PartOrError(new Part(text, media, 0, 0, bytes.length), null);
        }
        long imageBytes = 0;
        int alts = 0;
        try {
            for (JsonValue v : images) {
                JsonObject image = v.asJsonObject();
                byte[] bytes = Base64.getDecoder().decode(image.getString("data", ""));
                Optional<String> alt =
                        Optional.ofNullable(image.getString("alt_text", null)).filter(s -> !s.isBlank());
                imageBytes += bytes.length;
                alts += alt.isPresent() ? 1 : 0;
                if (legacy) {
                    if (images.size() > 1 || alt.isPresent()) {
                        return new PartOrError(
                                null, "the legacy format carries one image, without alt text: switch to JSON");
                    }
                    // What the main server does: store the upload, send its path.
                    Path file = uploads.resolve(UUID.randomUUID() + ".img");
                    Files.write(file, bytes);
                    media.add(Media.of(new MediaSource.FilePath(file.toString())));
                } else {
                    media.add(new Media(new MediaSource.Data(bytes), alt));
                }
            }
        } catch (IOException | IllegalArgumentException | ClassCastException e) {
            return new PartOrError(null, "an image could not be read");
        }
        return new PartOrError(new Part(text, media, imageBytes, alts, 0), null);
    }

    /**
     * What was sent, for a person: the format, each post's text count, images and video, the size; never the bytes or
     * the token.
     */
    private static String summary(boolean legacy, List<Part> parts, Optional<String> replyTo, int messageBytes) {
        StringBuilder s = new StringBuilder();
        if (parts.size() == 1) {
            s.append(legacy ? "legacy upload_post" : "JSON post")
                    .append(", ")
                    .append(describe(legacy, parts.getFirst()));
        } else {
            s.append("JSON post_thread of ").append(parts.size()).append(" posts (");
            for (int i = 0; i < parts.size(); i++) {
                s.append(i == 0 ? "" : "; ").append(i + 1).append(": ").append(describe(legacy, parts.get(i)));
            }
            s.append(')');
        }
        replyTo.ifPresent(r -> s.append(", replying to ").append(r));
        return s.append("; ").append(size(messageBytes)).append(" on queue twt").toString();
    }

    private static String describe(boolean legacy, Part part) {
        StringBuilder s = new StringBuilder("text of ")
                .append(TextCheck.weightedLength(part.text()))
                .append('/')
                .append(TextCheck.MAX_WEIGHTED)
                .append(" weighted characters");
        if (part.videoBytes() > 0) {
            s.append(", 1 video (").append(size(part.videoBytes())).append(", MP4 inline)");
        } else if (!part.media().isEmpty()) {
            int images = part.media().size();
            s.append(", ")
                    .append(images)
                    .append(images == 1 ? " image" : " images")
                    .append(" (")
                    .append(size(part.imageBytes()));
            s.append(
                            legacy
                                    ? ", stored in the upload directory and sent by path"
                                    : ", " + part.alts() + " with alt text")
                    .append(')');
        }
        return s.toString();
    }

    private static String size(long bytes) {
        if (bytes >= 1L << 20) {
            return String.format(Locale.ROOT, "%.1f MB", bytes / 1048576.0);
        }
        return bytes < 10_000 ? bytes + " bytes" : (bytes + 512) / 1024 + " KB";
    }

    /** The text in the body, as plain UTF-8 → {"weighted","max"}: X's weighted count (URLs 23, CJK and emoji 2). */
    private void count(ServerRequest req, ServerResponse res) {
        byte[] body = req.content().as(byte[].class);
        if (body.length > MAX_COUNTED_BYTES) {
            json(res, Status.REQUEST_ENTITY_TOO_LARGE_413, error("the text is longer than a message may carry"));
            return;
        }
        int weighted = TextCheck.weightedLength(new String(body, StandardCharsets.UTF_8));
        json(
                res,
                Status.OK_200,
                JSON.createObjectBuilder()
                        .add("weighted", weighted)
                        .add("max", TextCheck.MAX_WEIGHTED)
                        .build()
                        .toString());
    }

    private void replies(ServerRequest req, ServerResponse res) {
        int since = req.query().first("since").map(Integer::parseInt).orElse(0);
        JsonArrayBuilder out = JSON.createArrayBuilder();
        int next;
        synchronized (replies) {
            for (int i = Math.max(0, since); i < replies.size(); i++) {
                out.add(JSON.createReader(new StringReader(replies.get(i))).readObject());
            }
            next = replies.size();
        }
        json(
                res,
                Status.OK_200,
                JSON.createObjectBuilder()
                        .add("replies", out)
                        .add("next", next)
                        .build()
                        .toString());
    }

    /** The sandbox's posts (the "timeline"), when the stack runs the sandbox. */
    private void timeline(ServerRequest req, ServerResponse res) {
        if (sandbox.isEmpty()) {
            json(res, Status.OK_200, "{\"posts\":[]}");
            return;
        }
        try {
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(sandbox.get().resolve("/sandbox/posts"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            json(res, Status.OK_200, r.body());
        } catch (IOException | InterruptedException e) {
            json(res, Status.BAD_GATEWAY_502, error("the sandbox did not answer"));
        }
    }

    private static String error(String message) {
        return JSON.createObjectBuilder().add("error", message).build().toString();
    }

    private static void json(ServerResponse res, Status status, String body) {
        res.status(status)
                .header(HeaderNames.CONTENT_TYPE, "application/json")
                .send(body.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] resource(String name) {
        try (InputStream in = DemoServer.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws Exception {
        connection.abort(2_000);
    }
}
