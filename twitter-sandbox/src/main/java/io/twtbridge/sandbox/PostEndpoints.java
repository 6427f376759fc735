package io.twtbridge.sandbox;

import com.twitter.twittertext.TwitterTextParser;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code POST /2/tweets} (text, media, reply, quote, poll, reply settings; rate limits, duplicates, suspended users,
 * injected failures) and {@code DELETE /2/tweets/:id}, as X answers them.
 */
final class PostEndpoints implements HttpService {
    static final String DUPLICATE_DETAIL = "You are not allowed to create a Tweet with duplicate content.";
    /** X's limit for users who may post long (premium); others have 280. */
    static final int MAX_LONG_POST = 25_000;
    /** X's values of {@code reply_settings}. */
    static final List<String> REPLY_SETTINGS = List.of("following", "mentionedUsers", "subscribers", "verified");

    private final SandboxState state;
    private final RequestAuth auth;

    PostEndpoints(SandboxState state) {
        this.state = state;
        this.auth = new RequestAuth(state);
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/tweets", auth.signed(this::createTweet)).delete("/tweets/{id}", auth.signed(this::deleteTweet));
    }

    private void createTweet(ServerRequest req, ServerResponse res, OAuthTokens.AccessToken user, byte[] body) {
        String userId = user.user().id();
        int injected = state.faults().failThisPost(userId);
        if (injected >= 500) {
            state.counters().injectedErrors.incrementAndGet();
            SandboxJson.send(
                    res,
                    Status.create(injected),
                    SandboxJson.problem("Service Unavailable", injected, "Service Unavailable", "about:blank"));
            return;
        }
        if (state.users().isSuspended(userId) || injected != 0) {
            SandboxJson.send(
                    res,
                    Status.FORBIDDEN_403,
                    SandboxJson.problem(
                            "Forbidden", 403, "You are not permitted to perform this action.", "about:blank"));
            return;
        }
        RateLimits.Window w = state.rateLimits().userWindow(userId);
        Optional<JsonObject> json = SandboxJson.object(body);
        if (json.isEmpty()) {
            SandboxJson.send(
                    res,
                    Status.BAD_REQUEST_400,
                    SandboxJson.problem(
                            "Invalid Request",
                            400,
                            "The request body is not valid JSON.",
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
                ? s.getString()
                : null;
        if (text.isEmpty() && mediaIds.isEmpty()) {
            SandboxJson.send(
                    res, Status.BAD_REQUEST_400, SandboxJson.invalidRequest("text", "", "Text or media is required."));
            return;
        }
        if (!text.isEmpty() && weightedLength(text) > (state.users().isPremium(userId) ? MAX_LONG_POST : 280)) {
            SandboxJson.send(res, Status.BAD_REQUEST_400, SandboxJson.invalidRequest("text", "", "Text is too long."));
            return;
        }
        if (mediaIds.size() > 4) {
            SandboxJson.send(
                    res,
                    Status.BAD_REQUEST_400,
                    SandboxJson.invalidRequest(
                            "media.media_ids", String.join(",", mediaIds), "At most 4 media ids are allowed."));
            return;
        }
        List<String> alts = new ArrayList<>();
        boolean video = false;
        for (String id : mediaIds) {
            Optional<Media.Upload> m =
                    state.media().find(id).filter(x -> x.ownerId.equals(userId) && x.state == MediaState.SUCCEEDED);
            if (m.isEmpty()) {
                SandboxJson.send(
                        res,
                        Status.BAD_REQUEST_400,
                        SandboxJson.invalidRequest("media.media_ids", id, "Your media IDs are invalid."));
                return;
            }
            alts.add(m.get().altText == null ? "" : m.get().altText);
            video |= MediaEndpoints.VIDEO.equals(m.get().mediaType);
        }
        if (video && mediaIds.size() > 1) {
            SandboxJson.send(
                    res,
                    Status.BAD_REQUEST_400,
                    SandboxJson.invalidRequest(
                            "media.media_ids",
                            String.join(",", mediaIds),
                            "A video must be the only media of a post."));
            return;
        }
        if (replyTo != null && !state.posts().exists(replyTo)) {
            SandboxJson.send(
                    res,
                    Status.BAD_REQUEST_400,
                    SandboxJson.invalidRequest(
                            "reply.in_reply_to_tweet_id", replyTo, "The tweet to reply to does not exist."));
            return;
        }
        String quote = o.get("quote_tweet_id") instanceof JsonString s ? s.getString() : null;
        if (quote != null && (!state.posts().exists(quote) || state.posts().isDeleted(quote))) {
            SandboxJson.send(
                    res,
                    Status.BAD_REQUEST_400,
                    SandboxJson.invalidRequest("quote_tweet_id", quote, "The quoted tweet does not exist."));
            return;
        }
        String replySettings = null;
        if (o.containsKey("reply_settings")) {
            replySettings = o.get("reply_settings") instanceof JsonString s ? s.getString() : "";
            if (!REPLY_SETTINGS.contains(replySettings)) {
                SandboxJson.send(
                        res,
                        Status.BAD_REQUEST_400,
                        SandboxJson.invalidRequest(
                                "reply_settings",
                                replySettings,
                                "reply_settings must be one of " + REPLY_SETTINGS + "."));
                return;
            }
        }
        List<String> pollOptions = new ArrayList<>();
        int pollMinutes = 0;
        if (o.containsKey("poll")) {
            // X: 2-4 options of 1-25 characters, 5 to 10080 minutes; not with media or a quote.
            boolean valid = o.get("poll") instanceof JsonObject poll
                    && poll.get("options") instanceof JsonArray opts
                    && poll.get("duration_minutes") instanceof JsonNumber n
                    && n.isIntegral();
            if (valid) {
                JsonObject poll = o.getJsonObject("poll");
                for (JsonValue v : poll.getJsonArray("options")) {
                    String option = v instanceof JsonString s ? s.getString() : "";
                    valid &= !option.isBlank() && option.codePointCount(0, option.length()) <= 25;
                    pollOptions.add(option);
                }
                pollMinutes = poll.getJsonNumber("duration_minutes").intValue();
                valid &=
                        pollOptions.size() >= 2 && pollOptions.size() <= 4 && pollMinutes >= 5 && pollMinutes <= 10_080;
            }
            if (!valid || !mediaIds.isEmpty() || quote != null) {
                SandboxJson.send(
                        res, Status.BAD_REQUEST_400, SandboxJson.invalidRequest("poll", "", "The poll is invalid."));
                return;
            }
        }
        Optional<RateLimits.RateLimitHit> hit = state.rateLimits().takePostSlot(userId);
        if (hit.isPresent()) {
            RateLimits.RateLimitHit h = hit.get();
            state.counters().rateLimited(user.user().screenName(), h.userWindow());
            res.header("x-rate-limit-limit", String.valueOf(state.limits().userPostLimit()))
                    .header("x-rate-limit-remaining", "0")
                    .header(
                            "x-rate-limit-reset",
                            String.valueOf(h.userWindow().reset().getEpochSecond()));
            String prefix = h.userLimit() ? "x-user-limit-24hour-" : "x-app-limit-24hour-";
            res.header(prefix + "limit", String.valueOf(h.limit()))
                    .header(prefix + "remaining", "0")
                    .header(prefix + "reset", String.valueOf(h.reset().getEpochSecond()));
            SandboxJson.send(
                    res,
                    Status.TOO_MANY_REQUESTS_429,
                    SandboxJson.problem("Too Many Requests", 429, "Too Many Requests", "about:blank"));
            return;
        }
        rateHeaders(res, w);
        if (state.posts().isDuplicate(userId, text)) {
            state.counters().duplicates.incrementAndGet();
            SandboxJson.send(
                    res, Status.FORBIDDEN_403, SandboxJson.problem("Forbidden", 403, DUPLICATE_DETAIL, "about:blank"));
            return;
        }
        Post p = state.posts()
                .add(new Post(
                        state.ids().next(),
                        userId,
                        user.user().screenName(),
                        text,
                        List.copyOf(mediaIds),
                        List.copyOf(alts),
                        replyTo,
                        state.now(),
                        quote,
                        List.copyOf(pollOptions),
                        pollMinutes,
                        replySettings));
        state.counters().posts.incrementAndGet();
        SandboxJson.send(
                res,
                Status.CREATED_201,
                SandboxJson.data(SandboxJson.JSON
                        .createObjectBuilder()
                        .add("id", p.id())
                        .add("text", text)
                        .add(
                                "edit_history_tweet_ids",
                                SandboxJson.JSON.createArrayBuilder().add(p.id()))));
    }

    /**
     * {@code DELETE /2/tweets/:id}: 200 {@code {"data":{"deleted":true}}} for the user's own live post; 404 for an id X
     * does not know (never posted, or deleted already: X keeps no deleted posts); 403 for another user's post.
     */
    private void deleteTweet(ServerRequest req, ServerResponse res, OAuthTokens.AccessToken user, byte[] body) {
        String id = req.path().pathParameters().get("id");
        switch (state.posts().delete(id, user.user().id())) {
            case DELETED -> {
                state.counters().deletes.incrementAndGet();
                SandboxJson.send(res, Status.OK_200, "{\"data\":{\"deleted\":true}}");
            }
            case NOT_FOUND ->
                SandboxJson.send(
                        res,
                        Status.NOT_FOUND_404,
                        SandboxJson.problem(
                                "Not Found Error",
                                404,
                                "Could not find tweet with id: [" + id + "].",
                                "https://api.twitter.com/2/problems/resource-not-found"));
            case NOT_OWNER ->
                SandboxJson.send(
                        res,
                        Status.FORBIDDEN_403,
                        SandboxJson.problem(
                                "Forbidden", 403, "You are not allowed to delete this Tweet.", "about:blank"));
        }
    }

    /** twitter-text's weighted length of the whole text. */
    private static int weightedLength(String text) {
        return TwitterTextParser.parseTweet(text).weightedLength;
    }

    private void rateHeaders(ServerResponse res, RateLimits.Window w) {
        int limit = state.limits().userPostLimit();
        res.header("x-rate-limit-limit", String.valueOf(limit))
                .header("x-rate-limit-remaining", String.valueOf(Math.max(0, limit - w.used.get())))
                .header("x-rate-limit-reset", String.valueOf(w.reset().getEpochSecond()));
    }
}
