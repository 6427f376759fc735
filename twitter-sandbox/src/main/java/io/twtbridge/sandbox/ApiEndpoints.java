package io.twtbridge.sandbox;

import com.twitter.twittertext.TwitterTextParser;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The X API v2 endpoints twt-bridge uses: posts, media uploads (simple and chunked; images, GIFs, MP4 videos), alt text. */
final class ApiEndpoints implements HttpService {
    /** What the sandbox answers to an upload by a user whose images it refuses (as X does for a file it cannot decode). */
    static final String MEDIA_REFUSED = "The media could not be processed.";
    static final String DUPLICATE_DETAIL = "You are not allowed to create a Tweet with duplicate content.";
    private static final long MAX_IMAGE = 5L * 1024 * 1024;
    private static final long MAX_GIF = 15L * 1024 * 1024;
    private static final long MAX_VIDEO = 512L * 1024 * 1024;
    static final String VIDEO = "video/mp4";
    /** X's limit for users who may post long (premium); others have 280. */
    static final int MAX_LONG_POST = 25_000;
    /** X's values of {@code reply_settings}. */
    static final List<String> REPLY_SETTINGS = List.of("following", "mentionedUsers", "subscribers", "verified");

    private final SandboxState state;
    private final RequestAuth auth;

    ApiEndpoints(SandboxState state) {
        this.state = state;
        this.auth = new RequestAuth(state);
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/tweets", signed(this::createTweet))
                .delete("/tweets/{id}", signed(this::deleteTweet))
                .post("/media/upload/initialize", signed(this::initialize))
                .post("/media/upload/{id}/append", signed(this::append))
                .post("/media/upload/{id}/finalize", signed(this::finalizeUpload))
                .get("/media/upload", signed(this::status))
                .post("/media/upload", signed(this::simpleUpload))
                .post("/media/metadata", signed(this::metadata));
    }

    /** A handler of a call whose OAuth signature checked out, for the user owning the access token. */
    @FunctionalInterface
    private interface SignedHandler {
        void handle(ServerRequest req, ServerResponse res, SandboxState.AccessToken user, byte[] body);
    }

    /** Verifies the signature first, answering 401 as X does when it is off. */
    private Handler signed(SignedHandler handler) {
        return (req, res) -> {
            byte[] body = RequestAuth.body(req);
            user(req, res, body).ifPresent(user -> handler.handle(req, res, user, body));
        };
    }

    /** The signed-in user of a v2 call, or empty after answering 401. */
    private Optional<SandboxState.AccessToken> user(ServerRequest req, ServerResponse res, byte[] body) {
        RequestAuth.Verification r = auth.verify(req, body, true, t -> state.accessToken(t).map(SandboxState.AccessToken::secret));
        if (r instanceof RequestAuth.Signed s) {
            Optional<SandboxState.AccessToken> t = state.accessToken(s.token().orElseThrow())
                    .filter(a -> a.consumerKey().equals(s.consumerKey()));
            if (t.isPresent()) {
                return t;
            }
        }
        state.counters.signatureFailures.incrementAndGet();
        json(res, Status.UNAUTHORIZED_401, SandboxJson.problem("Unauthorized", 401, "Unauthorized", "about:blank"));
        return Optional.empty();
    }

    private void createTweet(ServerRequest req, ServerResponse res, SandboxState.AccessToken user, byte[] body) {
        String userId = user.user().id();
        int injected = state.failThisPost(userId);
        if (injected >= 500) {
            state.counters.injectedErrors.incrementAndGet();
            json(res, Status.create(injected), SandboxJson.problem("Service Unavailable", injected, "Service Unavailable", "about:blank"));
            return;
        }
        if (state.isSuspended(userId) || injected != 0) {
            json(res, Status.FORBIDDEN_403, SandboxJson.problem("Forbidden", 403,
                    "You are not permitted to perform this action.", "about:blank"));
            return;
        }
        SandboxState.Window w = state.userWindow(userId);
        Optional<JsonObject> json = SandboxJson.object(body);
        if (json.isEmpty()) {
            json(res, Status.BAD_REQUEST_400, SandboxJson.problem("Invalid Request", 400, "The request body is not valid JSON.",
                    "https://api.twitter.com/2/problems/invalid-request"));
            return;
        }
        JsonObject o = json.get();
        String text = o.get("text") instanceof JsonString s ? s.getString() : "";
        List<String> mediaIds = new ArrayList<>();
        if (o.get("media") instanceof JsonObject m && m.get("media_ids") instanceof JsonArray ids) {
            for (JsonValue v : ids) {
                mediaIds.add(v instanceof JsonString s ? s.getString() : v.toString());
            }
        }
        String replyTo = o.get("reply") instanceof JsonObject r && r.get("in_reply_to_tweet_id") instanceof JsonString s
                ? s.getString() : null;
        if (text.isEmpty() && mediaIds.isEmpty()) {
            json(res, Status.BAD_REQUEST_400, SandboxJson.invalidRequest("text", "", "Text or media is required."));
            return;
        }
        if (!text.isEmpty() && weightedLength(text) > (state.isPremium(userId) ? MAX_LONG_POST : 280)) {
            json(res, Status.BAD_REQUEST_400, SandboxJson.invalidRequest("text", "", "Text is too long."));
            return;
        }
        if (mediaIds.size() > 4) {
            json(res, Status.BAD_REQUEST_400, SandboxJson.invalidRequest("media.media_ids", String.join(",", mediaIds),
                    "At most 4 media ids are allowed."));
            return;
        }
        List<String> alts = new ArrayList<>();
        boolean video = false;
        for (String id : mediaIds) {
            Optional<SandboxState.Media> m = state.media(id).filter(x -> x.ownerId.equals(userId) && "succeeded".equals(x.state));
            if (m.isEmpty()) {
                json(res, Status.BAD_REQUEST_400, SandboxJson.invalidRequest("media.media_ids", id, "Your media IDs are invalid."));
                return;
            }
            alts.add(m.get().altText == null ? "" : m.get().altText);
            video |= VIDEO.equals(m.get().mediaType);
        }
        if (video && mediaIds.size() > 1) {
            json(res, Status.BAD_REQUEST_400, SandboxJson.invalidRequest("media.media_ids", String.join(",", mediaIds),
                    "A video must be the only media of a post."));
            return;
        }
        if (replyTo != null && state.posts().stream().noneMatch(p -> p.id().equals(replyTo))) {
            json(res, Status.BAD_REQUEST_400, SandboxJson.invalidRequest("reply.in_reply_to_tweet_id", replyTo,
                    "The tweet to reply to does not exist."));
            return;
        }
        String quote = o.get("quote_tweet_id") instanceof JsonString s ? s.getString() : null;
        if (quote != null && state.posts().stream().noneMatch(p -> p.id().equals(quote) && !state.isDeleted(quote))) {
            json(res, Status.BAD_REQUEST_400, SandboxJson.invalidRequest("quote_tweet_id", quote, "The quoted tweet does not exist."));
            return;
        }
        String replySettings = null;
        if (o.containsKey("reply_settings")) {
            replySettings = o.get("reply_settings") instanceof JsonString s ? s.getString() : "";
            if (!REPLY_SETTINGS.contains(replySettings)) {
                json(res, Status.BAD_REQUEST_400, SandboxJson.invalidRequest("reply_settings", replySettings,
                        "reply_settings must be one of " + REPLY_SETTINGS + "."));
                return;
            }
        }
        List<String> pollOptions = new ArrayList<>();
        int pollMinutes = 0;
        if (o.containsKey("poll")) {
            // X: 2-4 options of 1-25 characters, 5 to 10080 minutes; not with media or a quote.
            boolean valid = o.get("poll") instanceof JsonObject poll && poll.get("options") instanceof JsonArray opts
                    && poll.get("duration_minutes") instanceof jakarta.json.JsonNumber n && n.isIntegral();
            if (valid) {
                JsonObject poll = o.getJsonObject("poll");
                for (JsonValue v : poll.getJsonArray("options")) {
                    String option = v instanceof JsonString s ? s.getString() : "";
                    valid &= !option.isBlank() && option.codePointCount(0, option.length()) <= 25;
                    pollOptions.add(option);
                }
                pollMinutes = poll.getJsonNumber("duration_minutes").intValue();
                valid &= pollOptions.size() >= 2 && pollOptions.size() <= 4 && pollMinutes >= 5 && pollMinutes <= 10_080;
            }
            if (!valid || !mediaIds.isEmpty() || quote != null) {
                json(res, Status.BAD_REQUEST_400, SandboxJson.invalidRequest("poll", "", "The poll is invalid."));
                return;
            }
        }
        Optional<SandboxState.RateLimitHit> hit = state.takePostSlot(userId);
        if (hit.isPresent()) {
            SandboxState.RateLimitHit h = hit.get();
            state.counters.rateLimited(user.user().screenName(), h.userWindow());
            res.header("x-rate-limit-limit", String.valueOf(state.limits().userPostLimit()))
                    .header("x-rate-limit-remaining", "0")
                    .header("x-rate-limit-reset", String.valueOf(h.userWindow().reset().getEpochSecond()));
            String prefix = h.userLimit() ? "x-user-limit-24hour-" : "x-app-limit-24hour-";
            res.header(prefix + "limit", String.valueOf(h.limit()))
                    .header(prefix + "remaining", "0")
                    .header(prefix + "reset", String.valueOf(h.reset().getEpochSecond()));
            json(res, Status.TOO_MANY_REQUESTS_429, SandboxJson.problem("Too Many Requests", 429, "Too Many Requests", "about:blank"));
            return;
        }
        rateHeaders(res, w);
        if (state.isDuplicate(userId, text)) {
            state.counters.duplicates.incrementAndGet();
            json(res, Status.FORBIDDEN_403, SandboxJson.problem("Forbidden", 403, DUPLICATE_DETAIL, "about:blank"));
            return;
        }
        SandboxState.Post p = state.addPost(new SandboxState.Post(state.nextId(), userId, user.user().screenName(),
                text, List.copyOf(mediaIds), List.copyOf(alts), replyTo, state.now(), quote, List.copyOf(pollOptions), pollMinutes,
                replySettings));
        state.counters.posts.incrementAndGet();
        json(res, Status.CREATED_201, SandboxJson.JSON.createObjectBuilder().add("data", SandboxJson.JSON.createObjectBuilder()
                .add("id", p.id()).add("text", text)
                .add("edit_history_tweet_ids", SandboxJson.JSON.createArrayBuilder().add(p.id()))).build().toString());
    }

    /**
     * {@code DELETE /2/tweets/:id}: 200 {@code {"data":{"deleted":true}}} for the user's own live post; 404 for an id X
     * does not know (never posted, or deleted already: X keeps no deleted posts); 403 for another user's post.
     */
    private void deleteTweet(ServerRequest req, ServerResponse res, SandboxState.AccessToken user, byte[] body) {
        String id = req.path().pathParameters().get("id");
        switch (state.delete(id, user.user().id())) {
            case DELETED -> {
                state.counters.deletes.incrementAndGet();
                json(res, Status.OK_200, "{\"data\":{\"deleted\":true}}");
            }
            case NOT_FOUND -> json(res, Status.NOT_FOUND_404, SandboxJson.problem("Not Found Error", 404,
                    "Could not find tweet with id: [" + id + "].", "https://api.twitter.com/2/problems/resource-not-found"));
            case NOT_OWNER -> json(res, Status.FORBIDDEN_403, SandboxJson.problem("Forbidden", 403,
                    "You are not allowed to delete this Tweet.", "about:blank"));
        }
    }

    /** twitter-text's weighted length of the whole text. */
    private static int weightedLength(String text) {
        return TwitterTextParser.parseTweet(text).weightedLength;
    }

    private void rateHeaders(ServerResponse res, SandboxState.Window w) {
        int limit = state.limits().userPostLimit();
        res.header("x-rate-limit-limit", String.valueOf(limit))
                .header("x-rate-limit-remaining", String.valueOf(Math.max(0, limit - w.used.get())))
                .header("x-rate-limit-reset", String.valueOf(w.reset().getEpochSecond()));
    }

    private void simpleUpload(ServerRequest req, ServerResponse res, SandboxState.AccessToken user, byte[] body) {
        String contentType = req.headers().first(HeaderNames.CONTENT_TYPE).orElse("");
        byte[] media;
        Optional<String> boundary = Multipart.boundary(contentType);
        if (boundary.isPresent()) {
            Optional<Map<String, byte[]>> parts = Multipart.parse(body, boundary.get());
            if (parts.isEmpty() || !parts.get().containsKey("media")) {
                json(res, Status.BAD_REQUEST_400, SandboxJson.invalidRequest("media", "", "The media part is missing."));
                return;
            }
            media = parts.get().get("media");
        } else {
            Optional<JsonObject> o = SandboxJson.object(body);
            if (o.isEmpty() || !(o.get().get("media") instanceof JsonString s)) {
                json(res, Status.BAD_REQUEST_400, SandboxJson.invalidRequest("media", "", "The media field is missing."));
                return;
            }
            try {
                media = Base64.getDecoder().decode(s.getString());
            } catch (IllegalArgumentException e) {
                json(res, Status.BAD_REQUEST_400, SandboxJson.invalidRequest("media", "", "The media field is not base64."));
                return;
            }
        }
        Optional<String> type = sniff(media).filter(t -> !t.equals(VIDEO)); // X's simple upload takes images only
        if (type.isEmpty()) {
            json(res, Status.BAD_REQUEST_400, SandboxJson.invalidRequest("media", "", "Unsupported media type."));
            return;
        }
        if (media.length > (type.get().equals("image/gif") ? MAX_GIF : MAX_IMAGE)) {
            json(res, Status.BAD_REQUEST_400, SandboxJson.invalidRequest("media", "", "File size exceeds the limit."));
            return;
        }
        if (state.refusesMedia(user.user().id())) {
            json(res, Status.BAD_REQUEST_400, SandboxJson.invalidRequest("media", "", MEDIA_REFUSED));
            return;
        }
        SandboxState.Media m = new SandboxState.Media(state.nextId(), user.user().id(), type.get(), media.length, "succeeded");
        m.size = media.length;
        state.putMedia(m);
        state.counters.mediaUploads.incrementAndGet();
        json(res, Status.OK_200, mediaJson(m, false));
    }

    private void initialize(ServerRequest req, ServerResponse res, SandboxState.AccessToken user, byte[] body) {
        Optional<JsonObject> o = SandboxJson.object(body);
        String mediaType = o.map(j -> j.getString("media_type", "")).orElse("");
        long total = o.map(j -> j.getJsonNumber("total_bytes") == null ? -1L : j.getJsonNumber("total_bytes").longValue()).orElse(-1L);
        String category = o.map(j -> j.getString("media_category", "")).orElse("");
        if (!List.of("image/jpeg", "image/png", "image/gif", "image/webp", VIDEO).contains(mediaType) || total <= 0) {
            json(res, Status.BAD_REQUEST_400, SandboxJson.invalidRequest("media_type", mediaType, "Unsupported media type or size."));
            return;
        }
        if (mediaType.equals(VIDEO) && !List.of("tweet_video", "amplify_video").contains(category)) {
            json(res, Status.BAD_REQUEST_400, SandboxJson.invalidRequest("media_category", category,
                    "A video needs the media_category tweet_video (or amplify_video)."));
            return;
        }
        if (state.refusesMedia(user.user().id())) {
            json(res, Status.BAD_REQUEST_400, SandboxJson.invalidRequest("media", "", MEDIA_REFUSED));
            return;
        }
        if (total > (mediaType.equals(VIDEO) ? MAX_VIDEO : mediaType.equals("image/gif") ? MAX_GIF : MAX_IMAGE)) {
            json(res, Status.BAD_REQUEST_400, SandboxJson.invalidRequest("total_bytes", String.valueOf(total), "File size exceeds the limit."));
            return;
        }
        SandboxState.Media m = state.putMedia(new SandboxState.Media(state.nextId(), user.user().id(), mediaType, total, "initialized"));
        json(res, Status.OK_200, SandboxJson.JSON.createObjectBuilder().add("data", SandboxJson.JSON.createObjectBuilder()
                .add("id", m.id).add("media_key", "3_" + m.id).add("expires_after_secs", 86_400)).build().toString());
    }

    private Optional<SandboxState.Media> ownMedia(ServerRequest req, ServerResponse res, SandboxState.AccessToken user, String id) {
        Optional<SandboxState.Media> m = state.media(id).filter(x -> x.ownerId.equals(user.user().id()));
        if (m.isEmpty()) {
            json(res, Status.BAD_REQUEST_400, SandboxJson.invalidRequest("id", id, "Your media ID is invalid."));
        }
        return m;
    }

    private void append(ServerRequest req, ServerResponse res, SandboxState.AccessToken user, byte[] body) {
        Optional<SandboxState.Media> m = ownMedia(req, res, user, req.path().pathParameters().get("id"));
        if (m.isEmpty()) {
            return;
        }
        Optional<String> boundary = Multipart.boundary(req.headers().first(HeaderNames.CONTENT_TYPE).orElse(""));
        Optional<Map<String, byte[]>> parts = boundary.flatMap(b -> Multipart.parse(body, b));
        if (parts.isEmpty() || !parts.get().containsKey("media") || !parts.get().containsKey("segment_index")
                || !"initialized".equals(m.get().state)) {
            json(res, Status.BAD_REQUEST_400, SandboxJson.invalidRequest("media", "", "A media part and a segment_index are required."));
            return;
        }
        synchronized (m.get()) {
            m.get().received.writeBytes(parts.get().get("media"));
            if (m.get().received.size() > m.get().totalBytes) {
                m.get().state = "failed";
            }
        }
        json(res, Status.OK_200, SandboxJson.JSON.createObjectBuilder().add("data", SandboxJson.JSON.createObjectBuilder()
                .add("expires_at", state.now().getEpochSecond() + 86_400)).build().toString());
    }

    private void finalizeUpload(ServerRequest req, ServerResponse res, SandboxState.AccessToken user, byte[] body) {
        Optional<SandboxState.Media> m = ownMedia(req, res, user, req.path().pathParameters().get("id"));
        if (m.isEmpty()) {
            return;
        }
        SandboxState.Media media = m.get();
        byte[] bytes;
        synchronized (media) {
            bytes = media.received.toByteArray();
        }
        Optional<String> type = sniff(bytes);
        if (!"initialized".equals(media.state) || bytes.length != media.totalBytes || type.isEmpty() || !type.get().equals(media.mediaType)) {
            media.state = "failed";
            json(res, Status.BAD_REQUEST_400, SandboxJson.invalidRequest("id", media.id,
                    "The uploaded bytes do not match the declared size or media type."));
            return;
        }
        media.size = bytes.length;
        boolean video = media.mediaType.equals(VIDEO);
        media.pollsLeft = video || media.mediaType.equals("image/gif") ? state.limits().processingPolls() : 0;
        // A video always goes through processing; it fails when the control API said so or its bytes carry the marker.
        media.failProcessing = video && (state.takeVideoFailure() || contains(bytes, SandboxState.FAIL_PROCESSING_MARKER));
        media.state = video || media.pollsLeft > 0 ? "pending" : "succeeded";
        state.counters.mediaUploads.incrementAndGet();
        json(res, Status.OK_200, mediaJson(media, !"succeeded".equals(media.state)));
    }

    private void status(ServerRequest req, ServerResponse res, SandboxState.AccessToken user, byte[] body) {
        Optional<SandboxState.Media> m = ownMedia(req, res, user, req.query().first("media_id").orElse(""));
        if (m.isEmpty()) {
            return;
        }
        SandboxState.Media media = m.get();
        if (!"succeeded".equals(media.state) && !"failed".equals(media.state)) {
            media.polls++;
            if (media.pollsLeft-- <= 0) {
                media.state = media.failProcessing ? "failed" : "succeeded";
            } else {
                media.state = "in_progress";
            }
        }
        json(res, Status.OK_200, mediaJson(media, true));
    }

    private void metadata(ServerRequest req, ServerResponse res, SandboxState.AccessToken user, byte[] body) {
        Optional<JsonObject> o = SandboxJson.object(body);
        String id = o.map(j -> j.getString("id", "")).orElse("");
        Optional<String> alt = o.flatMap(j -> Optional.ofNullable(j.getJsonObject("metadata")))
                .flatMap(md -> Optional.ofNullable(md.getJsonObject("alt_text")))
                .map(a -> a.getString("text", null));
        if (alt.isEmpty() || alt.get().length() > 1000) {
            json(res, Status.BAD_REQUEST_400, SandboxJson.invalidRequest("metadata.alt_text.text", "", "Alt text is missing or longer than 1000 characters."));
            return;
        }
        Optional<SandboxState.Media> m = ownMedia(req, res, user, id);
        if (m.isEmpty()) {
            return;
        }
        m.get().altText = alt.get();
        json(res, Status.OK_200, SandboxJson.JSON.createObjectBuilder().add("data", SandboxJson.JSON.createObjectBuilder().add("id", id)
                .add("associated_metadata", SandboxJson.JSON.createObjectBuilder().add("alt_text",
                        SandboxJson.JSON.createObjectBuilder().add("text", alt.get())))).build().toString());
    }

    private static String mediaJson(SandboxState.Media m, boolean withProcessing) {
        JsonObjectBuilder data = SandboxJson.JSON.createObjectBuilder().add("id", m.id).add("media_key", "3_" + m.id)
                .add("size", m.size).add("expires_after_secs", 86_400);
        if (withProcessing) {
            JsonObjectBuilder p = SandboxJson.JSON.createObjectBuilder().add("state", m.state);
            switch (m.state) {
                case "pending" -> p.add("check_after_secs", 1);
                case "in_progress" -> p.add("check_after_secs", 1)
                        .add("progress_percent", Math.min(99, 100 * m.polls / (m.polls + Math.max(0, m.pollsLeft) + 1)));
                case "succeeded" -> p.add("progress_percent", 100);
                case "failed" -> p.add("progress_percent", 100).add("error", SandboxJson.JSON.createObjectBuilder()
                        .add("code", 1).add("name", "InvalidMedia").add("message", "Unsupported video format"));
                default -> { }
            }
            data.add("processing_info", p);
        }
        return SandboxJson.JSON.createObjectBuilder().add("data", data).build().toString();
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
        if (b.length >= 12 && b[0] == 'R' && b[1] == 'I' && b[2] == 'F' && b[3] == 'F'
                && b[8] == 'W' && b[9] == 'E' && b[10] == 'B' && b[11] == 'P') {
            return Optional.of("image/webp");
        }
        return Optional.empty();
    }

    static void json(ServerResponse res, Status status, String body) {
        String type = status.code() >= 400 ? "application/problem+json" : "application/json";
        res.status(status).header(HeaderNames.CONTENT_TYPE, type + "; charset=utf-8").send(body.getBytes(StandardCharsets.UTF_8));
    }
}
