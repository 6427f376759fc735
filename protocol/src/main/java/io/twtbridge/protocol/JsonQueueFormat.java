package io.twtbridge.protocol;

import jakarta.json.spi.JsonProvider;
import jakarta.json.stream.JsonGenerator;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * The JSON queue format for new clients (AMQP content type {@code application/json}). One UTF-8 JSON object
 * per message; unknown members are ignored. See RPC_FORMAT.md for the schema.
 */
public final class JsonQueueFormat implements QueueFormat {
    /** Looked up once: Json.createX() would search the class path on every call. */
    static final JsonProvider JSON = JsonProvider.provider();
    /** The one instance. */
    public static final JsonQueueFormat INSTANCE = new JsonQueueFormat();

    private JsonQueueFormat() {
    }

    @Override
    public Decoded decode(byte[] body) {
        if (body == null || body.length == 0) {
            return new Decoded.Malformed(Problem.EMPTY_BODY, Optional.empty(), Optional.empty(), Problem.EMPTY_BODY.description());
        }
        if (body.length > Limits.MAX_JSON_BYTES) {
            return new Decoded.Malformed(Problem.TOO_LARGE, Optional.empty(), Optional.empty(),
                    "the message is larger than " + Limits.MAX_JSON_BYTES + " bytes");
        }
        // Decoded once, strictly; the parser then reads the text (it would replace bad bytes instead of refusing them).
        Optional<String> text = LegacyFields.decodeUtf8(body);
        if (text.isEmpty()) {
            return new Decoded.Malformed(Problem.INVALID_UTF8, Optional.empty(), Optional.empty(), Problem.INVALID_UTF8.description());
        }
        try {
            return switch (JsonTree.read(text.get())) {
                case JsonTree.Result.Ok ok -> new Reader(ok.root()).request();
                case JsonTree.Result.Invalid ignored -> new Decoded.Malformed(Problem.INVALID_JSON, Optional.empty(),
                        Optional.empty(), Problem.INVALID_JSON.description());
                case JsonTree.Result.Refused r -> new Reader(r.partialRoot()).refused(r.detail());
            };
        } catch (RuntimeException e) {
            // Never expected (the reader catches the library's failures); a decoder must not throw all the same.
            return new Decoded.Malformed(Problem.INVALID_JSON, Optional.empty(), Optional.empty(), Problem.INVALID_JSON.description());
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
            Optional<String> readId = o.get("id").flatMap(v -> v instanceof JsonTree.Str s && Fields.usableId(s.value())
                    ? Optional.of(s.value()) : Optional.empty());
            Optional<Command> readCommand = o.get("command")
                    .flatMap(v -> v instanceof JsonTree.Str s ? Command.fromWire(s.value()) : Optional.empty());
            return new Decoded.Malformed(Problem.INVALID_JSON, readId, readId.isPresent() ? readCommand : Optional.empty(), detail);
        }

        Decoded request() {
            if (!(o.get("id").orElse(null) instanceof JsonTree.Str s) || !Fields.usableId(s.value())) {
                return new Decoded.Malformed(Problem.MISSING_ID, Optional.empty(), Optional.empty(),
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
                    case VERIFY_PIN -> LegacyQueueFormat.verifyPin(id.get(), string("pin"),
                            new Tokens(string("request_token"), string("request_token_secret")));
                    case UPLOAD_POST -> post();
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
            Tokens user = o.members().containsKey("sealed_token") ? sealedUser() : new Tokens(string("access_token"), string("access_token_secret"));
            String text = o.members().containsKey("text") ? string("text") : "";
            List<Media> media = new ArrayList<>();
            Optional<JsonTree.Node> mv = o.get("media");
            if (mv.isPresent()) {
                if (!(mv.get() instanceof JsonTree.Arr array)) {
                    throw new BadField("'media' must be an array");
                }
                if (array.items().size() > Limits.MAX_MEDIA) {
                    throw new BadField("at most " + Limits.MAX_MEDIA + " media items");
                }
                for (int i = 0; i < array.items().size(); i++) {
                    media.add(media(i, array.items().get(i)));
                }
            }
            Optional<String> replyTo = optionalString(o, "reply_to_tweet_id", "reply_to_tweet_id");
            Optional<PostCheck.Failure> failure = PostCheck.check(user, text, media, replyTo);
            if (failure.isPresent()) {
                return fail(failure.get().problem(), failure.get().detail());
            }
            return new Decoded.Ok(new Request.Post(id.get(), user, text, media, replyTo));
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
                if (!u.isAbsolute() || u.getHost() == null
                        || !("https".equalsIgnoreCase(u.getScheme()) || "http".equalsIgnoreCase(u.getScheme()))) {
                    throw new BadField("'" + name + ".url' must be an absolute https URL");
                }
                return u;
            } catch (URISyntaxException e) {
                throw new BadField("'" + name + ".url' is not a URL");
            }
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
                case Request.Auth ignored -> { }
                case Request.VerifyPin v -> g.write("pin", v.pin())
                        .write("request_token", v.requestToken().token())
                        .write("request_token_secret", v.requestToken().secret());
                case Request.Post p -> {
                    if (p.user().isSealed()) {
                        g.write("sealed_token", p.user().token());
                    } else {
                        g.write("access_token", p.user().token()).write("access_token_secret", p.user().secret());
                    }
                    g.write("text", p.text());
                    if (!p.media().isEmpty()) {
                        g.writeStartArray("media");
                        for (Media m : p.media()) {
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
                    p.replyToTweetId().ifPresent(r -> g.write("reply_to_tweet_id", r));
                }
            }
        });
    }

    @Override
    public byte[] encodeReply(String id, Command command, Outcome outcome) {
        return write(g -> {
            g.write("id", id).write("command", command.wireName());
            switch (outcome) {
                case Outcome.Posted p -> {
                    g.write("status", "posted");
                    if (p.tweetId().isPresent()) {
                        g.write("tweet_id", p.tweetId().get());
                        p.tweetUrl().ifPresent(u -> g.write("tweet_url", u));
                    } else {
                        g.write("already_posted", true);
                    }
                }
                case Outcome.AuthStarted a -> g.write("status", "auth_started")
                        .write("authorize_url", a.authorizeUrl())
                        .write("request_token", a.requestToken().token())
                        .write("request_token_secret", a.requestToken().secret());
                case Outcome.PinVerified v -> {
                    g.write("status", "verified");
                    if (v.accessToken().isSealed()) {
                        g.write("sealed_token", v.accessToken().token());
                    } else {
                        g.write("access_token", v.accessToken().token()).write("access_token_secret", v.accessToken().secret());
                    }
                    g.write("user_id", v.userId()).write("screen_name", v.screenName());
                }
                case Outcome.Failed f -> {
                    g.write("status", "failed").writeStartObject("error")
                            .write("code", f.code().wireName())
                            .write("message", f.message());
                    f.retryAfterSeconds().ifPresent(s -> g.write("retry_after_s", s));
                    g.writeEnd();
                }
            }
        });
    }

    @Override
    public String contentType() {
        return JSON_CONTENT_TYPE;
    }

    private static byte[] write(java.util.function.Consumer<JsonGenerator> body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = JSON.createGenerator(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8))) {
            g.writeStartObject();
            body.accept(g);
            g.writeEnd();
        }
        return out.toByteArray();
    }
}
