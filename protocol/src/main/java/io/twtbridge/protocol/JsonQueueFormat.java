package io.twtbridge.protocol;

import jakarta.json.spi.JsonProvider;
import jakarta.json.stream.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.OutputStreamWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The JSON queue format for new clients (AMQP content type {@code application/json}). One UTF-8 JSON object
 * per message; unknown members are ignored. See RPC_FORMAT.md for the schema.
 */
public final class JsonQueueFormat implements QueueFormat {
    /** Looked up once: Json.createX() would search the class path on every call. */
    static final JsonProvider JSON = JsonProvider.provider();
    /** The one instance. */
    public static final JsonQueueFormat INSTANCE = new JsonQueueFormat();

    private JsonQueueFormat() {}

    @Override
    public Decoded decode(byte[] body) {
        if (body == null || body.length == 0) {
            return new Decoded.Malformed(
                    Problem.EMPTY_BODY, Optional.empty(), Optional.empty(), Problem.EMPTY_BODY.description());
        }
        if (body.length > Limits.MAX_JSON_BYTES) {
            return new Decoded.Malformed(
                    Problem.TOO_LARGE,
                    Optional.empty(),
                    Optional.empty(),
                    "the message is larger than " + Limits.MAX_JSON_BYTES + " bytes");
        }
        // Decoded once, strictly; the parser then reads the text (it would replace bad bytes instead of refusing them).
        Optional<String> text = Utf8.decode(body);
        if (text.isEmpty()) {
            return new Decoded.Malformed(
                    Problem.INVALID_UTF8, Optional.empty(), Optional.empty(), Problem.INVALID_UTF8.description());
        }
        try {
            return switch (JsonTree.read(text.get())) {
                case JsonTree.Result.Ok ok -> new Reader(ok.root()).request();
                case JsonTree.Result.Invalid ignored ->
                    new Decoded.Malformed(
                            Problem.INVALID_JSON,
                            Optional.empty(),
                            Optional.empty(),
                            Problem.INVALID_JSON.description());
                case JsonTree.Result.Refused r -> new Reader(r.partialRoot()).refused(r.detail());
            };
        } catch (RuntimeException e) {
            // Never expected (the reader catches the library's failures); a decoder must not throw all the same.
            return new Decoded.Malformed(
                    Problem.INVALID_JSON, Optional.empty(), Optional.empty(), Problem.INVALID_JSON.description());
        }
    }

    /** Reads one request object; the first problem found is the answer. */
    private static final class Reader {
        private final JsonTree.Obj o;
        private Optional<String> id = Optional.empty();
        private Optional<Command> command = Optional.empty();

        Reader(JsonTree.Obj o) {
            this.o = o;
        }

        /** A message refused part-way: answered with its id and command when they were read before the refusal. */
        Decoded refused(String detail) {
            Optional<String> readId = o.get("id")
                    .flatMap(v -> v instanceof JsonTree.Str s && Fields.usableId(s.value())
                            ? Optional.of(s.value())
                            : Optional.empty());
            Optional<Command> readCommand = o.get("command")
                    .flatMap(v -> v instanceof JsonTree.Str s ? Command.fromWire(s.value()) : Optional.empty());
            return new Decoded.Malformed(
                    Problem.INVALID_JSON, readId, readId.isPresent() ? readCommand : Optional.empty(), detail);
        }

        Decoded request() {
            if (!(o.get("id").orElse(null) instanceof JsonTree.Str s) || !Fields.usableId(s.value())) {
                return new Decoded.Malformed(
                        Problem.MISSING_ID,
                        Optional.empty(),
                        Optional.empty(),
                        "'id' must be a non-empty string of at most " + Limits.MAX_ID_CHARS + " characters");
            }
            id = Optional.of(s.value());
            if (!(o.get("command").orElse(null) instanceof JsonTree.Str cs)) {
                return fail(Problem.INVALID_FIELD, "'command' must be a string");
            }
            command = Command.fromWire(cs.value());
            if (command.isEmpty()) {
                return fail(Problem.UNKNOWN_COMMAND, "unknown command");
            }
            try {
                return switch (command.get()) {
                    case AUTH -> new Decoded.Ok(new Request.Auth(id.get()));
                    case VERIFY_PIN ->
                        LoginCheck.verifyPin(
                                id.get(),
                                string("pin"),
                                new Tokens(string("request_token"), string("request_token_secret")));
                    case UPLOAD_POST -> post();
                    case DELETE_POST -> delete();
                    case POST_THREAD -> thread();
                };
            } catch (BadField e) {
                return fail(Problem.INVALID_FIELD, e.getMessage());
            }
        }

        /** {@code sealed_token} in place of {@code access_token} and {@code access_token_secret}; never both. */
        private Tokens sealedUser() throws BadField {
            if (o.members().containsKey("access_token") || o.members().containsKey("access_token_secret")) {
                throw new BadField("'sealed_token' replaces 'access_token' and 'access_token_secret'");
            }
            String sealed = string("sealed_token");
            if (!sealed.startsWith(Tokens.SEALED_PREFIX)) {
                throw new BadField("'sealed_token' is not a sealed token");
            }
            return Tokens.sealed(sealed);
        }

        private Decoded post() throws BadField {
            Tokens user = o.members().containsKey("sealed_token")
                    ? sealedUser()
                    : new Tokens(string("access_token"), string("access_token_secret"));
            String text = o.members().containsKey("text") ? string("text") : "";
            List<Media> media = mediaList(o, "media");
            Optional<String> replyTo = optionalString(o, "reply_to_tweet_id", "reply_to_tweet_id");
            PostOptions options = options();
            Optional<PostCheck.Failure> failure =
                    PostCheck.check(user, text, media, replyTo).or(() -> PostCheck.options(options, media));
            if (failure.isPresent()) {
                return fail(failure.get().problem(), failure.get().detail());
            }
            return new Decoded.Ok(new Request.Post(id.get(), user, text, media, replyTo, options));
        }

        /**
         * The quoted post: {@code quote_tweet_id} (X's name), or {@code quote_post_id} (the name) for the same
         * thing; both may be given only with the same value.
         */
        private Optional<String> quote() throws BadField {
            Optional<String> quote = optionalString(o, "quote_tweet_id", "quote_tweet_id");
            Optional<String> alias = optionalString(o, "quote_post_id", "quote_post_id");
            if (alias.isEmpty()) {
                return quote;
            }
            Optional<PostCheck.Failure> bad = PostCheck.tweetId("quote_post_id", alias.get());
            if (bad.isPresent()) {
                throw new BadField(bad.get().detail());
            }
            if (quote.isPresent() && !quote.equals(alias)) {
                throw new BadField("'quote_post_id' and 'quote_tweet_id' are two names for the quoted post and differ;"
                        + " send one of them");
            }
            return alias;
        }

        private PostOptions options() throws BadField {
            Optional<String> quote = quote();
            Optional<ReplySettings> replySettings = Optional.empty();
            Optional<String> rs = optionalString(o, "reply_settings", "reply_settings");
            if (rs.isPresent()) {
                replySettings = Optional.of(ReplySettings.fromWire(rs.get())
                        .orElseThrow(() -> new BadField(
                                "'reply_settings' must be one of following, mentionedUsers, subscribers, verified")));
            }
            Optional<Poll> poll = Optional.empty();
            Optional<JsonTree.Node> pv = o.get("poll");
            if (pv.isPresent()) {
                if (!(pv.get() instanceof JsonTree.Obj po)) {
                    throw new BadField("'poll' must be an object");
                }
                if (!(po.get("options").orElse(null) instanceof JsonTree.Arr items)) {
                    throw new BadField("'poll.options' must be an array");
                }
                if (items.items().size() > Poll.MAX_OPTIONS) {
                    throw new BadField("a poll has " + Poll.MIN_OPTIONS + " to " + Poll.MAX_OPTIONS + " options");
                }
                List<String> options = new ArrayList<>();
                for (JsonTree.Node item : items.items()) {
                    if (!(item instanceof JsonTree.Str s)) {
                        throw new BadField("'poll.options' must hold strings");
                    }
                    options.add(s.value());
                }
                if (!(po.get("duration_minutes").orElse(null) instanceof JsonTree.Int minutes)) {
                    throw new BadField("'poll.duration_minutes' must be a whole number of minutes from "
                            + Poll.MIN_MINUTES + " to " + Poll.MAX_MINUTES);
                }
                poll = Optional.of(new Poll(options, minutes.value()));
            }
            return new PostOptions(optionalBoolean("long_post"), quote, poll, replySettings);
        }

        private Decoded thread() throws BadField {
            Tokens user = o.members().containsKey("sealed_token")
                    ? sealedUser()
                    : new Tokens(string("access_token"), string("access_token_secret"));
            if (!(o.get("posts").orElse(null) instanceof JsonTree.Arr array)) {
                throw new BadField("'posts' must be an array");
            }
            if (array.items().isEmpty() || array.items().size() > Request.Thread.MAX_PARTS) {
                throw new BadField("a thread has 1 to " + Request.Thread.MAX_PARTS + " posts");
            }
            Optional<String> replyTo = optionalString(o, "reply_to_tweet_id", "reply_to_tweet_id");
            List<Request.Thread.Part> parts = new ArrayList<>();
            for (int i = 0; i < array.items().size(); i++) {
                String name = "posts[" + i + "]";
                if (!(array.items().get(i) instanceof JsonTree.Obj po)) {
                    throw new BadField("'" + name + "' must be an object");
                }
                String text = optionalString(po, "text", name + ".text").orElse("");
                List<Media> media = mediaList(po, name + ".media");
                Optional<PostCheck.Failure> failure =
                        PostCheck.check(user, text, media, i == 0 ? replyTo : Optional.empty());
                if (failure.isPresent()) {
                    return fail(
                            failure.get().problem(), name + ": " + failure.get().detail());
                }
                if (text.isBlank()) {
                    return fail(Problem.INVALID_FIELD, name + ": every post of a thread needs text");
                }
                parts.add(new Request.Thread.Part(text, media));
            }
            return new Decoded.Ok(new Request.Thread(id.get(), user, parts, replyTo));
        }

        private static List<Media> mediaList(JsonTree.Obj obj, String name) throws BadField {
            List<Media> media = new ArrayList<>();
            Optional<JsonTree.Node> mv = obj.get("media");
            if (mv.isPresent()) {
                if (!(mv.get() instanceof JsonTree.Arr array)) {
                    throw new BadField("'" + name + "' must be an array");
                }
                if (array.items().size() > Limits.MAX_MEDIA) {
                    throw new BadField("at most " + Limits.MAX_MEDIA + " media items");
                }
                for (int i = 0; i < array.items().size(); i++) {
                    media.add(media(i, array.items().get(i)));
                }
            }
            return media;
        }

        private Decoded delete() throws BadField {
            Tokens user = o.members().containsKey("sealed_token")
                    ? sealedUser()
                    : new Tokens(string("access_token"), string("access_token_secret"));
            String tweetId = string("tweet_id");
            Optional<PostCheck.Failure> failure = PostCheck.field(
                            "access_token", user.token(), Limits.MAX_TOKEN_CHARS, false, true)
                    .or(() -> user.isSealed()
                            ? Optional.empty()
                            : PostCheck.field(
                                    "access_token_secret", user.secret(), Limits.MAX_TOKEN_CHARS, false, true))
                    .or(() -> PostCheck.tweetId("tweet_id", tweetId));
            if (failure.isPresent()) {
                return fail(failure.get().problem(), failure.get().detail());
            }
            return new Decoded.Ok(new Request.Delete(id.get(), user, tweetId));
        }

        private static Media media(int i, JsonTree.Node v) throws BadField {
            String name = "media[" + i + "]";
            if (!(v instanceof JsonTree.Obj m)) {
                throw new BadField("'" + name + "' must be an object");
            }
            Optional<String> path = optionalString(m, "path", name + ".path");
            Optional<String> url = optionalString(m, "url", name + ".url");
            Optional<String> data = optionalString(m, "data", name + ".data");
            int given = (path.isPresent() ? 1 : 0) + (url.isPresent() ? 1 : 0) + (data.isPresent() ? 1 : 0);
            if (given != 1) {
                throw new BadField("'" + name + "' needs exactly one of 'path', 'url', 'data'");
            }
            Optional<String> alt = optionalString(m, "alt_text", name + ".alt_text");
            MediaSource source;
            if (path.isPresent()) {
                source = new MediaSource.FilePath(path.get());
            } else if (url.isPresent()) {
                source = new MediaSource.Url(uri(url.get(), name));
            } else {
                try {
                    source = new MediaSource.Data(Base64.getDecoder().decode(data.get()));
                } catch (IllegalArgumentException e) {
                    throw new BadField("'" + name + ".data' is not base64");
                }
            }
            return new Media(source, alt);
        }

        private static URI uri(String s, String name) throws BadField {
            try {
                URI u = new URI(s);
                if (!u.isAbsolute()
                        || u.getHost() == null
                        || !("https".equalsIgnoreCase(u.getScheme()) || "http".equalsIgnoreCase(u.getScheme()))) {
                    throw new BadField("'" + name + ".url' must be an absolute https URL");
                }
                return u;
            } catch (URISyntaxException e) {
                throw new BadField("'" + name + ".url' is not a URL");
            }
        }

        private boolean optionalBoolean(String key) throws BadField {
            Optional<JsonTree.Node> v = o.get(key);
            if (v.isEmpty()) {
                return false;
            }
            if (v.get() == JsonTree.Scalar.TRUE || v.get() == JsonTree.Scalar.FALSE) {
                return v.get() == JsonTree.Scalar.TRUE;
            }
            throw new BadField("'" + key + "' must be true or false");
        }

        private String string(String key) throws BadField {
            return optionalString(o, key, key).orElseThrow(() -> new BadField("'" + key + "' is required"));
        }

        private static Optional<String> optionalString(JsonTree.Obj obj, String key, String name) throws BadField {
            Optional<JsonTree.Node> v = obj.get(key);
            if (v.isEmpty()) {
                return Optional.empty();
            }
            if (!(v.get() instanceof JsonTree.Str s)) {
                throw new BadField("'" + name + "' must be a string");
            }
            return Optional.of(s.value());
        }

        private Decoded fail(Problem p, String detail) {
            return new Decoded.Malformed(p, id, command, detail);
        }
    }

    private static final class BadField extends Exception {
        BadField(String message) {
            super(message, null, false, false);
        }
    }

    @Override
    public byte[] encodeRequest(Request request) {
        return write(g -> {
            g.write("id", request.id()).write("command", request.command().wireName());
            switch (request) {
                case Request.Auth ignored -> {}
                case Request.VerifyPin v ->
                    g.write("pin", v.pin())
                            .write("request_token", v.requestToken().token())
                            .write("request_token_secret", v.requestToken().secret());
                case Request.Post p -> {
                    writeUser(g, p.user());
                    g.write("text", p.text());
                    writeMedia(g, p.media());
                    p.replyToTweetId().ifPresent(r -> g.write("reply_to_tweet_id", r));
                    PostOptions options = p.options();
                    options.quoteTweetId().ifPresent(q -> g.write("quote_tweet_id", q));
                    options.poll().ifPresent(poll -> {
                        g.writeStartObject("poll").writeStartArray("options");
                        poll.options().forEach(g::write);
                        g.writeEnd()
                                .write("duration_minutes", poll.durationMinutes())
                                .writeEnd();
                    });
                    options.replySettings().ifPresent(r -> g.write("reply_settings", r.wireName()));
                    if (options.longPost()) {
                        g.write("long_post", true);
                    }
                }
                case Request.Thread t -> {
                    writeUser(g, t.user());
                    g.writeStartArray("posts");
                    for (Request.Thread.Part part : t.parts()) {
                        g.writeStartObject().write("text", part.text());
                        writeMedia(g, part.media());
                        g.writeEnd();
                    }
                    g.writeEnd();
                    t.replyToTweetId().ifPresent(r -> g.write("reply_to_tweet_id", r));
                }
                case Request.Delete del -> {
                    writeUser(g, del.user());
                    g.write("tweet_id", del.tweetId());
                }
            }
        });
    }

    /** The user's credentials: {@code sealed_token}, or {@code access_token} and {@code access_token_secret}. */
    private static void writeUser(JsonGenerator g, Tokens user) {
        if (user.isSealed()) {
            g.write("sealed_token", user.token());
        } else {
            g.write("access_token", user.token()).write("access_token_secret", user.secret());
        }
    }

    private static void writeMedia(JsonGenerator g, List<Media> media) {
        if (media.isEmpty()) {
            return;
        }
        g.writeStartArray("media");
        for (Media m : media) {
            g.writeStartObject();
            switch (m.source()) {
                case MediaSource.FilePath fp -> g.write("path", fp.path());
                case MediaSource.Url u -> g.write("url", u.url().toString());
                case MediaSource.Data d -> g.write("data", Base64.getEncoder().encodeToString(d.bytes()));
            }
            m.altText().ifPresent(a -> g.write("alt_text", a));
            g.writeEnd();
        }
        g.writeEnd();
    }

    private static void writePosted(JsonGenerator g, Outcome.Posted p) {
        g.write("status", "posted");
        p.tweetId().ifPresent(t -> g.write("tweet_id", t));
        p.tweetUrl().ifPresent(u -> g.write("tweet_url", u));
        if (p.alreadyPosted()) {
            g.write("already_posted", true);
        }
    }

    private static void writeFailure(JsonGenerator g, Outcome.Failed f) {
        g.writeStartObject("error").write("code", f.code().wireName()).write("message", f.message());
        f.retryAfterSeconds().ifPresent(s -> g.write("retry_after_s", s));
        g.writeEnd();
    }

    @Override
    public byte[] encodeReply(String id, Command command, Outcome outcome) {
        return write(g -> {
            g.write("id", id).write("command", command.wireName());
            switch (outcome) {
                case Outcome.Posted p -> writePosted(g, p);
                case Outcome.ThreadPosted t -> {
                    g.write("status", t.failure().isPresent() ? "failed" : "posted");
                    t.failure().ifPresent(f -> writeFailure(g, f));
                    g.writeStartArray("posts");
                    for (Outcome.ThreadPart part : t.parts()) {
                        g.writeStartObject();
                        switch (part) {
                            case Outcome.ThreadPart.Sent s -> writePosted(g, s.post());
                            case Outcome.ThreadPart.Failed ignored -> g.write("status", "failed");
                            case Outcome.ThreadPart.NotSent ignored -> g.write("status", "not_sent");
                        }
                        g.writeEnd();
                    }
                    g.writeEnd();
                }
                case Outcome.Deleted del ->
                    g.write("status", del.deleted() ? "deleted" : "not_found").write("tweet_id", del.tweetId());
                case Outcome.AuthStarted a ->
                    g.write("status", "auth_started")
                            .write("authorize_url", a.authorizeUrl())
                            .write("request_token", a.requestToken().token())
                            .write("request_token_secret", a.requestToken().secret());
                case Outcome.PinVerified v -> {
                    g.write("status", "verified");
                    if (v.accessToken().isSealed()) {
                        g.write("sealed_token", v.accessToken().token());
                    } else {
                        g.write("access_token", v.accessToken().token())
                                .write("access_token_secret", v.accessToken().secret());
                    }
                    g.write("user_id", v.userId()).write("screen_name", v.screenName());
                }
                case Outcome.Failed f -> {
                    g.write("status", "failed");
                    writeFailure(g, f);
                }
            }
        });
    }

    @Override
    public String contentType() {
        return JSON_CONTENT_TYPE;
    }

    private static byte[] write(Consumer<JsonGenerator> body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = JSON.createGenerator(new OutputStreamWriter(out, StandardCharsets.UTF_8))) {
            g.writeStartObject();
            body.accept(g);
            g.writeEnd();
        }
        return out.toByteArray();
    }
}
