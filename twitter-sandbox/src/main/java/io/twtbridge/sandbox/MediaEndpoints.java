package io.twtbridge.sandbox;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * X's v2 media endpoints: the simple upload (images), the chunked upload (INIT, APPEND, FINALIZE, STATUS with
 * {@code processing_info} for GIFs and MP4 videos), and alt text.
 */
final class MediaEndpoints implements HttpService {
    /** What the sandbox answers to an upload by a user whose images it refuses (as X does for a file it cannot decode). */
    static final String MEDIA_REFUSED = "The media could not be processed.";

    private static final long MAX_IMAGE = 5L * 1024 * 1024;
    private static final long MAX_GIF = 15L * 1024 * 1024;
    private static final long MAX_VIDEO = 512L * 1024 * 1024;
    static final String VIDEO = "video/mp4";

    private final SandboxState state;
    private final RequestAuth auth;

    MediaEndpoints(SandboxState state) {
        this.state = state;
        this.auth = new RequestAuth(state);
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/media/upload/initialize", auth.signed(this::initialize))
                .post("/media/upload/{id}/append", auth.signed(this::append))
                .post("/media/upload/{id}/finalize", auth.signed(this::finalizeUpload))
                .get("/media/upload", auth.signed(this::status))
                .post("/media/upload", auth.signed(this::simpleUpload))
                .post("/media/metadata", auth.signed(this::metadata));
    }

    private void simpleUpload(ServerRequest req, ServerResponse res, OAuthTokens.AccessToken user, byte[] body) {
        String contentType = req.headers().first(HeaderNames.CONTENT_TYPE).orElse("");
        byte[] media;
        Optional<String> boundary = Multipart.boundary(contentType);
        if (boundary.isPresent()) {
            Optional<Map<String, byte[]>> parts = Multipart.parse(body, boundary.get());
            if (parts.isEmpty() || !parts.get().containsKey("media")) {
                SandboxJson.send(
                        res,
                        Status.BAD_REQUEST_400,
                        SandboxJson.invalidRequest("media", "", "The media part is missing."));
                return;
            }
            media = parts.get().get("media");
        } else {
            Optional<JsonObject> o = SandboxJson.object(body);
            if (o.isEmpty() || !(o.get().get("media") instanceof JsonString s)) {
                SandboxJson.send(
                        res,
                        Status.BAD_REQUEST_400,
                        SandboxJson.invalidRequest("media", "", "The media field is missing."));
                return;
            }
            try {
                media = Base64.getDecoder().decode(s.getString());
            } catch (IllegalArgumentException e) {
                SandboxJson.send(
                        res,
                        Status.BAD_REQUEST_400,
                        SandboxJson.invalidRequest("media", "", "The media field is not base64."));
                return;
            }
        }
        Optional<String> type = sniff(media).filter(t -> !t.equals(VIDEO)); // X's simple upload takes images only
        if (type.isEmpty()) {
            SandboxJson.send(
                    res, Status.BAD_REQUEST_400, SandboxJson.invalidRequest("media", "", "Unsupported media type."));
            return;
        }
        if (media.length > (type.get().equals("image/gif") ? MAX_GIF : MAX_IMAGE)) {
            SandboxJson.send(
                    res,
                    Status.BAD_REQUEST_400,
                    SandboxJson.invalidRequest("media", "", "File size exceeds the limit."));
            return;
        }
        if (state.faults().refusesMedia(user.user().id())) {
            SandboxJson.send(res, Status.BAD_REQUEST_400, SandboxJson.invalidRequest("media", "", MEDIA_REFUSED));
            return;
        }
        Media.Upload m =
                new Media.Upload(state.ids().next(), user.user().id(), type.get(), media.length, MediaState.SUCCEEDED);
        m.size = media.length;
        state.media().put(m);
        state.counters().mediaUploads.incrementAndGet();
        SandboxJson.send(res, Status.OK_200, mediaJson(m, false));
    }

    private void initialize(ServerRequest req, ServerResponse res, OAuthTokens.AccessToken user, byte[] body) {
        Optional<JsonObject> o = SandboxJson.object(body);
        String mediaType = o.map(j -> j.getString("media_type", "")).orElse("");
        long total = o.map(j -> j.getJsonNumber("total_bytes") == null
                        ? -1L
                        : j.getJsonNumber("total_bytes").longValue())
                .orElse(-1L);
        String category = o.map(j -> j.getString("media_category", "")).orElse("");
        if (!List.of("image/jpeg", "image/png", "image/gif", "image/webp", VIDEO)
                        .contains(mediaType)
                || total <= 0) {
            SandboxJson.send(
                    res,
                    Status.BAD_REQUEST_400,
                    SandboxJson.invalidRequest("media_type", mediaType, "Unsupported media type or size."));
            return;
        }
        if (mediaType.equals(VIDEO) && !List.of("tweet_video", "amplify_video").contains(category)) {
            SandboxJson.send(
                    res,
                    Status.BAD_REQUEST_400,
                    SandboxJson.invalidRequest(
                            "media_category",
                            category,
                            "A video needs the media_category tweet_video (or amplify_video)."));
            return;
        }
        if (state.faults().refusesMedia(user.user().id())) {
            SandboxJson.send(res, Status.BAD_REQUEST_400, SandboxJson.invalidRequest("media", "", MEDIA_REFUSED));
            return;
        }
        if (total > (mediaType.equals(VIDEO) ? MAX_VIDEO : mediaType.equals("image/gif") ? MAX_GIF : MAX_IMAGE)) {
            SandboxJson.send(
                    res,
                    Status.BAD_REQUEST_400,
                    SandboxJson.invalidRequest("total_bytes", String.valueOf(total), "File size exceeds the limit."));
            return;
        }
        Media.Upload m = state.media()
                .put(new Media.Upload(state.ids().next(), user.user().id(), mediaType, total, MediaState.INITIALIZED));
        SandboxJson.send(
                res,
                Status.OK_200,
                SandboxJson.data(SandboxJson.JSON
                        .createObjectBuilder()
                        .add("id", m.id)
                        .add("media_key", "3_" + m.id)
                        .add("expires_after_secs", 86_400)));
    }

    private Optional<Media.Upload> ownMedia(
            ServerRequest req, ServerResponse res, OAuthTokens.AccessToken user, String id) {
        Optional<Media.Upload> m =
                state.media().find(id).filter(x -> x.ownerId.equals(user.user().id()));
        if (m.isEmpty()) {
            SandboxJson.send(
                    res, Status.BAD_REQUEST_400, SandboxJson.invalidRequest("id", id, "Your media ID is invalid."));
        }
        return m;
    }

    private void append(ServerRequest req, ServerResponse res, OAuthTokens.AccessToken user, byte[] body) {
        Optional<Media.Upload> m =
                ownMedia(req, res, user, req.path().pathParameters().get("id"));
        if (m.isEmpty()) {
            return;
        }
        Optional<String> boundary =
                Multipart.boundary(req.headers().first(HeaderNames.CONTENT_TYPE).orElse(""));
        Optional<Map<String, byte[]>> parts = boundary.flatMap(b -> Multipart.parse(body, b));
        if (parts.isEmpty()
                || !parts.get().containsKey("media")
                || !parts.get().containsKey("segment_index")
                || m.get().state != MediaState.INITIALIZED) {
            SandboxJson.send(
                    res,
                    Status.BAD_REQUEST_400,
                    SandboxJson.invalidRequest("media", "", "A media part and a segment_index are required."));
            return;
        }
        synchronized (m.get()) {
            m.get().received.writeBytes(parts.get().get("media"));
            if (m.get().received.size() > m.get().totalBytes) {
                m.get().state = MediaState.FAILED;
            }
        }
        SandboxJson.send(
                res,
                Status.OK_200,
                SandboxJson.data(SandboxJson.JSON
                        .createObjectBuilder()
                        .add("expires_at", state.now().getEpochSecond() + 86_400)));
    }

    private void finalizeUpload(ServerRequest req, ServerResponse res, OAuthTokens.AccessToken user, byte[] body) {
        Optional<Media.Upload> m =
                ownMedia(req, res, user, req.path().pathParameters().get("id"));
        if (m.isEmpty()) {
            return;
        }
        Media.Upload media = m.get();
        byte[] bytes;
        synchronized (media) {
            bytes = media.received.toByteArray();
            media.received = new ByteArrayOutputStream(0); // the bytes are not kept after FINALIZE
        }
        Optional<String> type = sniff(bytes);
        if (media.state != MediaState.INITIALIZED
                || bytes.length != media.totalBytes
                || type.isEmpty()
                || !type.get().equals(media.mediaType)) {
            media.state = MediaState.FAILED;
            SandboxJson.send(
                    res,
                    Status.BAD_REQUEST_400,
                    SandboxJson.invalidRequest(
                            "id", media.id, "The uploaded bytes do not match the declared size or media type."));
            return;
        }
        media.size = bytes.length;
        boolean video = media.mediaType.equals(VIDEO);
        media.pollsLeft =
                video || media.mediaType.equals("image/gif") ? state.limits().processingPolls() : 0;
        // A video always goes through processing; it fails when the control API said so or its bytes carry the marker.
        media.failProcessing =
                video && (state.faults().takeVideoFailure() || contains(bytes, Faults.FAIL_PROCESSING_MARKER));
        media.state = video || media.pollsLeft > 0 ? MediaState.PENDING : MediaState.SUCCEEDED;
        state.counters().mediaUploads.incrementAndGet();
        SandboxJson.send(res, Status.OK_200, mediaJson(media, media.state != MediaState.SUCCEEDED));
    }

    private void status(ServerRequest req, ServerResponse res, OAuthTokens.AccessToken user, byte[] body) {
        Optional<Media.Upload> m =
                ownMedia(req, res, user, req.query().first("media_id").orElse(""));
        if (m.isEmpty()) {
            return;
        }
        Media.Upload media = m.get();
        if (!media.state.isFinal()) {
            media.polls++;
            if (media.pollsLeft-- <= 0 || media.finishNow) {
                media.state = media.failProcessing ? MediaState.FAILED : MediaState.SUCCEEDED;
            } else {
                media.state = MediaState.IN_PROGRESS;
            }
        }
        SandboxJson.send(res, Status.OK_200, mediaJson(media, true));
    }

    private void metadata(ServerRequest req, ServerResponse res, OAuthTokens.AccessToken user, byte[] body) {
        Optional<JsonObject> o = SandboxJson.object(body);
        String id = o.map(j -> j.getString("id", "")).orElse("");
        Optional<String> alt = o.flatMap(j -> Optional.ofNullable(j.getJsonObject("metadata")))
                .flatMap(md -> Optional.ofNullable(md.getJsonObject("alt_text")))
                .map(a -> a.getString("text", null));
        if (alt.isEmpty() || alt.get().length() > 1000) {
            SandboxJson.send(
                    res,
                    Status.BAD_REQUEST_400,
                    SandboxJson.invalidRequest(
                            "metadata.alt_text.text", "", "Alt text is missing or longer than 1000 characters."));
            return;
        }
        Optional<Media.Upload> m = ownMedia(req, res, user, id);
        if (m.isEmpty()) {
            return;
        }
        m.get().altText = alt.get();
        SandboxJson.send(
                res,
                Status.OK_200,
                SandboxJson.data(SandboxJson.JSON
                        .createObjectBuilder()
                        .add("id", id)
                        .add(
                                "associated_metadata",
                                SandboxJson.JSON
                                        .createObjectBuilder()
                                        .add(
                                                "alt_text",
                                                SandboxJson.JSON
                                                        .createObjectBuilder()
                                                        .add("text", alt.get())))));
    }

    private static String mediaJson(Media.Upload m, boolean withProcessing) {
        JsonObjectBuilder data = SandboxJson.JSON
                .createObjectBuilder()
                .add("id", m.id)
                .add("media_key", "3_" + m.id)
                .add("size", m.size)
                .add("expires_after_secs", 86_400);
        if (withProcessing) {
            JsonObjectBuilder p = SandboxJson.JSON.createObjectBuilder().add("state", m.state.wireName());
            switch (m.state) {
                case PENDING -> p.add("check_after_secs", 1);
                case IN_PROGRESS ->
                    p.add("check_after_secs", 1)
                            .add(
                                    "progress_percent",
                                    Math.min(99, 100 * m.polls / (m.polls + Math.max(0, m.pollsLeft) + 1)));
                case SUCCEEDED -> p.add("progress_percent", 100);
                case FAILED ->
                    p.add("progress_percent", 100)
                            .add(
                                    "error",
                                    SandboxJson.JSON
                                            .createObjectBuilder()
                                            .add("code", 1)
                                            .add("name", "InvalidMedia")
                                            .add("message", "Unsupported video format"));
                default -> {}
            }
            data.add("processing_info", p);
        }
        return SandboxJson.data(data);
    }

    /** Whether {@code marker} occurs in {@code b} (linear in the length of {@code b}). */
    static boolean contains(byte[] b, String marker) {
        byte[] m = marker.getBytes(StandardCharsets.US_ASCII);
        outer:
        for (int i = 0; i + m.length <= b.length; i++) {
            for (int j = 0; j < m.length; j++) {
                if (b[i + j] != m[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /** The media type from the first bytes: JPEG, PNG, GIF, WEBP, or MP4 (an {@code ftyp} box at offset 4). */
    static Optional<String> sniff(byte[] b) {
        if (b.length >= 12 && b[4] == 'f' && b[5] == 't' && b[6] == 'y' && b[7] == 'p') {
            return Optional.of(VIDEO);
        }
        if (b.length >= 3 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xD8 && (b[2] & 0xFF) == 0xFF) {
            return Optional.of("image/jpeg");
        }
        if (b.length >= 8 && (b[0] & 0xFF) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G') {
            return Optional.of("image/png");
        }
        if (b.length >= 6 && b[0] == 'G' && b[1] == 'I' && b[2] == 'F' && b[3] == '8') {
            return Optional.of("image/gif");
        }
        if (b.length >= 12
                && b[0] == 'R'
                && b[1] == 'I'
                && b[2] == 'F'
                && b[3] == 'F'
                && b[8] == 'W'
                && b[9] == 'E'
                && b[10] == 'B'
                && b[11] == 'P') {
            return Optional.of("image/webp");
        }
        return Optional.empty();
    }
}
