package io.twtbridge.sandbox;

import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import java.util.Optional;

/** {@code /sandbox/…}: control for tests, demos and benchmarks. Not part of X. */
final class ControlEndpoints implements HttpService {
    private final SandboxState state;
    private final String defaultConsumerKey;
    private final Limits initialLimits;

    ControlEndpoints(SandboxState state, String defaultConsumerKey, Limits initialLimits) {
        this.state = state;
        this.defaultConsumerKey = defaultConsumerKey;
        this.initialLimits = initialLimits;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/users", this::createUser)
                .post("/revoke", this::revoke)
                .post("/suspend", this::suspend)
                .post("/premium", this::premium)
                .get("/pin", this::pin)
                .get("/posts", this::posts)
                .get("/counters", this::counters)
                .post("/reset", this::reset)
                .put("/faults", this::faults)
                .put("/limits", this::limits)
                .post("/fail-next-video", this::failNextVideo);
    }

    private void createUser(ServerRequest req, ServerResponse res) {
        JsonObject o = SandboxJson.object(RequestAuth.body(req)).orElse(JsonObject.EMPTY_JSON_OBJECT);
        String name = o.getString("screen_name", "user" + OAuthTokens.random(6));
        UserTokens u = state.users().create(name, o.getString("consumer_key", defaultConsumerKey));
        SandboxJson.send(
                res,
                Status.CREATED_201,
                SandboxJson.JSON
                        .createObjectBuilder()
                        .add("user_id", u.userId())
                        .add("screen_name", u.screenName())
                        .add("access_token", u.accessToken())
                        .add("access_token_secret", u.accessTokenSecret())
                        .build()
                        .toString());
    }

    private void revoke(ServerRequest req, ServerResponse res) {
        JsonObject o = SandboxJson.object(RequestAuth.body(req)).orElse(JsonObject.EMPTY_JSON_OBJECT);
        boolean done = state.tokens().revoke(o.getString("access_token", ""));
        SandboxJson.send(
                res,
                done ? Status.OK_200 : Status.NOT_FOUND_404,
                SandboxJson.JSON
                        .createObjectBuilder()
                        .add("revoked", done)
                        .build()
                        .toString());
    }

    private void suspend(ServerRequest req, ServerResponse res) {
        JsonObject o = SandboxJson.object(RequestAuth.body(req)).orElse(JsonObject.EMPTY_JSON_OBJECT);
        state.users().suspend(o.getString("screen_name", ""));
        res.status(Status.NO_CONTENT_204).send();
    }

    private void premium(ServerRequest req, ServerResponse res) {
        JsonObject o = SandboxJson.object(RequestAuth.body(req)).orElse(JsonObject.EMPTY_JSON_OBJECT);
        state.users().premium(o.getString("screen_name", ""));
        res.status(Status.NO_CONTENT_204).send();
    }

    private void pin(ServerRequest req, ServerResponse res) {
        String token = req.query().first("oauth_token").orElse("");
        String name = req.query().first("screen_name").orElse("sandbox_user");
        Optional<String> pin = state.users().authorize(token, name);
        if (pin.isEmpty()) {
            SandboxJson.send(
                    res,
                    Status.NOT_FOUND_404,
                    SandboxJson.JSON
                            .createObjectBuilder()
                            .add("error", "unknown request token")
                            .build()
                            .toString());
            return;
        }
        SandboxJson.send(
                res,
                Status.OK_200,
                SandboxJson.JSON
                        .createObjectBuilder()
                        .add("pin", pin.get())
                        .build()
                        .toString());
    }

    private void posts(ServerRequest req, ServerResponse res) {
        JsonArrayBuilder a = SandboxJson.JSON.createArrayBuilder();
        for (Post p : state.posts().all()) {
            JsonArrayBuilder media = SandboxJson.JSON.createArrayBuilder();
            for (int i = 0; i < p.mediaIds().size(); i++) {
                media.add(SandboxJson.JSON
                        .createObjectBuilder()
                        .add("media_id", p.mediaIds().get(i))
                        .add("alt_text", p.altTexts().get(i)));
            }
            var post = SandboxJson.JSON
                    .createObjectBuilder()
                    .add("id", p.id())
                    .add("author_id", p.authorId())
                    .add("author", p.authorScreenName())
                    .add("text", p.text())
                    .add("media", media)
                    .add("in_reply_to", p.inReplyTo() == null ? "" : p.inReplyTo())
                    .add("created_at", p.createdAt().toString())
                    .add("deleted", state.posts().isDeleted(p.id()));
            if (p.quoteTweetId() != null) {
                post.add("quote_tweet_id", p.quoteTweetId());
            }
            if (!p.pollOptions().isEmpty()) {
                post.add(
                        "poll",
                        SandboxJson.JSON
                                .createObjectBuilder()
                                .add("options", SandboxJson.JSON.createArrayBuilder(p.pollOptions()))
                                .add("duration_minutes", p.pollDurationMinutes()));
            }
            if (p.replySettings() != null) {
                post.add("reply_settings", p.replySettings());
            }
            a.add(post);
        }
        SandboxJson.send(
                res,
                Status.OK_200,
                SandboxJson.JSON.createObjectBuilder().add("posts", a).build().toString());
    }

    private void counters(ServerRequest req, ServerResponse res) {
        Counters c = state.counters();
        var byUser = SandboxJson.JSON.createObjectBuilder();
        for (String name : c.rateLimitedUsers()) {
            byUser.add(
                    name,
                    SandboxJson.JSON
                            .createObjectBuilder()
                            .add("total", c.rateLimited(name))
                            .add("max_per_window", c.rateLimitedMaxPerWindow(name)));
        }
        SandboxJson.send(
                res,
                Status.OK_200,
                SandboxJson.JSON
                        .createObjectBuilder()
                        .add("requests", c.requests())
                        .add("signature_failures", c.signatureFailures())
                        .add("rate_limited", c.rateLimited())
                        .add("rate_limited_by_user", byUser)
                        .add("duplicates", c.duplicates())
                        .add("posts", c.posts())
                        .add("media_uploads", c.mediaUploads())
                        .add("injected_errors", c.injectedErrors.get())
                        .add("peak_concurrent", c.peakConcurrent())
                        .add("connections", c.connections())
                        .build()
                        .toString());
    }

    private void reset(ServerRequest req, ServerResponse res) {
        state.reset(initialLimits);
        res.status(Status.NO_CONTENT_204).send();
    }

    private void faults(ServerRequest req, ServerResponse res) {
        JsonObject o = SandboxJson.object(RequestAuth.body(req)).orElse(JsonObject.EMPTY_JSON_OBJECT);
        Faults.Network f = new Faults.Network(
                o.getJsonNumber("latency_ms") == null
                        ? 0
                        : o.getJsonNumber("latency_ms").longValue(),
                o.getJsonNumber("error_rate") == null
                        ? 0
                        : o.getJsonNumber("error_rate").doubleValue(),
                o.getInt("error_status", 503),
                o.getJsonNumber("drop_rate") == null
                        ? 0
                        : o.getJsonNumber("drop_rate").doubleValue());
        state.faults().network(f);
        SandboxJson.send(res, Status.OK_200, o.toString());
    }

    private void failNextVideo(ServerRequest req, ServerResponse res) {
        JsonObject o = SandboxJson.object(RequestAuth.body(req)).orElse(JsonObject.EMPTY_JSON_OBJECT);
        int count = Math.max(0, Math.min(o.getInt("count", 1), 1_000));
        state.faults().failNextVideos(count);
        SandboxJson.send(
                res,
                Status.OK_200,
                SandboxJson.JSON
                        .createObjectBuilder()
                        .add("count", count)
                        .build()
                        .toString());
    }

    private void limits(ServerRequest req, ServerResponse res) {
        JsonObject o = SandboxJson.object(RequestAuth.body(req)).orElse(JsonObject.EMPTY_JSON_OBJECT);
        Limits cur = state.limits();
        Limits l = new Limits(
                o.getInt("user_post_limit", cur.userPostLimit()),
                o.getInt("app_post_limit", cur.appPostLimit()),
                o.getJsonNumber("window_s") == null
                        ? cur.windowSeconds()
                        : o.getJsonNumber("window_s").longValue(),
                cur.timestampWindowSeconds(),
                cur.requestTokenTtlSeconds(),
                o.getInt("processing_polls", cur.processingPolls()));
        state.rateLimits().limits(l);
        SandboxJson.send(res, Status.OK_200, o.toString());
    }
}
