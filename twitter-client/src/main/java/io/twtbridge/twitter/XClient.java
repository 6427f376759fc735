package io.twtbridge.twitter;

import com.github.scribejava.core.builder.ServiceBuilder;
import com.github.scribejava.core.model.OAuth1AccessToken;
import com.github.scribejava.core.model.OAuth1RequestToken;
import com.github.scribejava.core.model.OAuthRequest;
import com.github.scribejava.core.model.Verb;
import com.github.scribejava.core.services.TimestampService;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.media.ReadableEntity;
import io.helidon.webclient.api.ClientConnection;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.Proxy;
import io.helidon.webclient.api.WebClient;
import io.helidon.webclient.api.WebClientConfig;
import io.helidon.webclient.http1.Http1Client;
import io.twtbridge.protocol.Limits;
import io.twtbridge.protocol.Outcome;
import io.twtbridge.protocol.PostOptions;
import io.twtbridge.protocol.Tokens;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * X's API as twt-bridge uses it: the OAuth 1.0a PIN flow, posts and deletes (media go up through {@code MediaUpload},
 * what X's answers mean is {@code XFailures}). Thread-safe; one instance per process. Every method answers with an
 * {@link XResult}; none throws for anything X or the network does. The login's two steps answer the protocol's
 * outcomes themselves, so the queue worker and the gateway reply with the same ones.
 */
public final class XClient {
    /** Looked up once: Json.createX() would search the class path on every call. */
    static final JsonProvider JSON = JsonProvider.provider();
    /** An id in a path ({@code /2/media/upload/123/append}, {@code /2/tweets/123}), not the {@code /2/} of the API version. */
    private static final Pattern MEDIA_ID = Pattern.compile("/\\d{3,}(?=/|$)");

    private static final System.Logger LOG = System.getLogger(XClient.class.getName());

    private final XClientConfig config;
    /** HTTP/1.1 directly (the only protocol on the class path): no per-request protocol discovery. */
    private final Http1Client http;
    /** Every call's connection comes from here, never from Helidon's connection cache (see {@link XConnections}). */
    private final XConnections connections;

    private static final int MAX_URIS = 64;
    /** The URIs of the calls without an id in their path (a handful; at most {@link #MAX_URIS}), parsed once. */
    private final Map<String, URI> uris = new ConcurrentHashMap<>();

    private final XApi.Signer signer;
    private final CallListener listener;
    private final MediaUpload uploads;

    /** Told about every HTTP exchange with X: endpoint (e.g. {@code POST /2/tweets}), status (-1: no answer), time. */
    @FunctionalInterface
    public interface CallListener {
        void onCall(String endpoint, int status, Duration latency);
    }

    public XClient(XClientConfig config) {
        this(config, (e, s, l) -> {}, null);
    }

    public XClient(XClientConfig config, CallListener listener) {
        this(config, listener, null);
    }

    XClient(XClientConfig config, CallListener listener, TimestampService timestamps) {
        this.config = config;
        this.listener = listener;
        WebClientConfig.Builder client = WebClient.builder()
                .baseUri(config.baseUri())
                .connectTimeout(config.connectTimeout())
                .readTimeout(config.readTimeout())
                .followRedirects(false)
                .proxy(proxyForJvmSettings());
        WebClient web = client.build();
        this.http = web.client(Http1Client.PROTOCOL);
        this.connections = new XConnections(
                web,
                http.prototype(),
                config.baseUri(),
                config.keptConnections() > 0 ? config.keptConnections() : XClientConfig.DEFAULT_KEPT_CONNECTIONS,
                System::nanoTime);
        this.signer = (XApi.Signer) new ServiceBuilder(config.consumerKey())
                .apiSecret(config.consumerSecret())
                .callback(config.callback())
                .build(new XApi(config.baseUri().toString(), timestamps));
        this.uploads = new MediaUpload(this::signedSend, config.mediaProcessingMaxWait());
    }

    /**
     * The JVM's proxy settings when any is set ({@code https.proxyHost}, {@code http.proxyHost},
     * {@code socksProxyHost}, {@code java.net.useSystemProxies}), else none: the JVM's proxy selector, asked on every
     * request, costs 2 % of a worker's CPU to answer "no proxy". (A selector installed with
     * {@code ProxySelector.setDefault} and no property is not asked; neither process installs one.)
     */
    static Proxy proxyForJvmSettings() {
        boolean configured = Stream.of("https.proxyHost", "http.proxyHost", "socksProxyHost")
                        .anyMatch(p -> System.getProperty(p) != null)
                || Boolean.getBoolean("java.net.useSystemProxies");
        return configured ? Proxy.create() : Proxy.noProxy();
    }

    /** The proxy this client's requests take. */
    Proxy proxy() {
        return http.prototype().proxy();
    }

    /** The connections to X this client keeps open for reuse. */
    XConnections connections() {
        return connections;
    }

    /** The public web address of a post. */
    public static String tweetUrl(String tweetId) {
        return "https://x.com/i/status/" + tweetId;
    }

    // ---- OAuth 1.0a PIN flow ----

    /** Step 1 ({@code auth}): a request token and the URL where the user authorizes the app, as the reply to give. */
    public XResult<Outcome.AuthStarted> requestToken() {
        OAuthRequest signed = signer.signedRequestTokenRequest();
        Response r = send(
                Method.POST,
                signed.getCompleteUrl(),
                "/oauth/request_token",
                signed.getHeaders().get("Authorization"),
                null,
                new byte[0]);
        if (r.status() != 200) {
            return XResult.failed(XFailures.ofRequestToken(r));
        }
        Map<String, String> form = form(r.body());
        Optional<XFailure> noToken = XFailures.withoutToken("request_token", form);
        if (noToken.isPresent()) {
            return XResult.failed(noToken.get());
        }
        String token = form.get("oauth_token");
        String secret = form.get("oauth_token_secret");
        String url = signer.getAuthorizationUrl(new OAuth1RequestToken(token, secret));
        return XResult.ok(new Outcome.AuthStarted(url, new Tokens(token, secret)));
    }

    /**
     * Step 2 ({@code verify_pin}): exchange the request token and the PIN (or callback {@code oauth_verifier}) for the
     * user's access token and identity, as the reply to give.
     */
    public XResult<Outcome.PinVerified> accessToken(Tokens requestToken, String verifier) {
        OAuthRequest signed = signer.signedAccessTokenRequest(
                new OAuth1RequestToken(requestToken.token(), requestToken.secret()), verifier);
        Response r = send(
                Method.POST,
                signed.getCompleteUrl(),
                "/oauth/access_token",
                signed.getHeaders().get("Authorization"),
                null,
                new byte[0]);
        if (r.status() != 200) {
            return XResult.failed(XFailures.ofAccessToken(r));
        }
        Map<String, String> form = form(r.body());
        Optional<XFailure> noToken = XFailures.withoutToken("access_token", form);
        if (noToken.isPresent()) {
            return XResult.failed(noToken.get());
        }
        String token = form.get("oauth_token");
        String secret = form.get("oauth_token_secret");
        return XResult.ok(new Outcome.PinVerified(
                new Tokens(token, secret), form.getOrDefault("user_id", ""), form.getOrDefault("screen_name", "")));
    }

    // ---- Posting ----

    /**
     * What is wrong with this post before any call to X: text over 280 weighted characters (or no text and no
     * media), more than 4 images, a GIF or a video with other media, an unknown type, media over X's size limit, a
     * video shorter or longer than X takes ({@link MediaCheck}).
     */
    public static Optional<XFailure> check(String text, List<MediaFile> media) {
        return check(text, media, TextCheck.MAX_WEIGHTED);
    }

    /**
     * {@link #check(String, List)} with a text limit of {@code maxWeighted} (25,000 for a long post). A post with
     * neither text (only whitespace counts as none) nor media is {@link XFailure.Rejected} ({@code bad_request},
     * RPC_FORMAT.md §4), one over the limit {@link XFailure.TextTooLong}.
     */
    public static Optional<XFailure> check(String text, List<MediaFile> media, int maxWeighted) {
        if (text.isBlank() && media.isEmpty()) {
            return Optional.of(new XFailure.Rejected("a post needs text or media"));
        }
        int weighted = TextCheck.weightedLength(text);
        if (weighted > maxWeighted) {
            return Optional.of(new XFailure.TextTooLong(weighted, maxWeighted, ""));
        }
        return MediaCheck.check(media);
    }

    /** Posts as the user: checks, uploads each image (with alt text), then {@code POST /2/tweets}. Answers the new post's id. */
    public XResult<String> post(Tokens user, String text, List<MediaFile> media, Optional<String> replyToTweetId) {
        return post(user, text, media, replyToTweetId, PostOptions.NONE);
    }

    /**
     * A post with options: a long post is checked against 25,000 weighted characters and X decides whether the user may
     * post that long (its refusal is {@link XFailure.TextTooLong}).
     */
    public XResult<String> post(
            Tokens user, String text, List<MediaFile> media, Optional<String> replyToTweetId, PostOptions options) {
        int maxWeighted = options.longPost() ? Limits.MAX_LONG_POST_WEIGHTED : TextCheck.MAX_WEIGHTED;
        Optional<XFailure> invalid = check(text, media, maxWeighted);
        if (invalid.isPresent()) {
            return XResult.failed(invalid.get());
        }
        List<String> mediaIds = new ArrayList<>();
        for (int i = 0; i < media.size(); i++) {
            XResult<String> up = uploads.upload(user, media.get(i));
            if (up instanceof XResult.Failed<String> f) {
                return XResult.failed(XFailures.imageRefused(i, f.failure()));
            }
            mediaIds.add(((XResult.Ok<String>) up).value());
        }
        JsonObjectBuilder body = JSON.createObjectBuilder();
        String normalized = TextCheck.normalize(text);
        if (!normalized.isEmpty()) {
            body.add("text", normalized);
        }
        if (!mediaIds.isEmpty()) {
            JsonArrayBuilder ids = JSON.createArrayBuilder();
            mediaIds.forEach(ids::add);
            body.add("media", JSON.createObjectBuilder().add("media_ids", ids));
        }
        replyToTweetId.ifPresent(
                id -> body.add("reply", JSON.createObjectBuilder().add("in_reply_to_tweet_id", id)));
        options.quoteTweetId().ifPresent(id -> body.add("quote_tweet_id", id));
        options.poll().ifPresent(poll -> {
            JsonArrayBuilder choices = JSON.createArrayBuilder();
            poll.options().forEach(choices::add);
            body.add(
                    "poll",
                    JSON.createObjectBuilder().add("options", choices).add("duration_minutes", poll.durationMinutes()));
        });
        options.replySettings().ifPresent(r -> body.add("reply_settings", r.wireName()));
        Response r = signedSend(
                Method.POST,
                "/2/tweets",
                "",
                user,
                "application/json",
                utf8(body.build().toString()));
        if (r.status() != 201 && r.status() != 200) {
            return XResult.failed(XFailures.ofPost(r, options.longPost(), text));
        }
        return XFailures.dataId(r);
    }

    /**
     * Deletes the user's post: {@code DELETE /2/tweets/:id}. Answers {@code true} when X deleted it ({@code data.deleted}
     * true), {@code false} when X has no such post (404, or {@code data.deleted} false). Repeating it is harmless.
     */
    public XResult<Boolean> delete(Tokens user, String tweetId) {
        if (tweetId.isEmpty() || !tweetId.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return XResult.failed(new XFailure.Rejected("not a post id"));
        }
        return XFailures.deleted(signedSend(Method.DELETE, "/2/tweets/" + tweetId, "", user, null, null));
    }

    // ---- HTTP ----

    /** One HTTP answer; status -1 when none came. */
    record Response(int status, Map<String, String> headers, byte[] body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    Response signedSend(Method method, String path, String query, Tokens user, String contentType, byte[] body) {
        String url = config.baseUri() + path + (query.isEmpty() ? "" : "?" + query);
        OAuthRequest toSign = new OAuthRequest(Verb.valueOf(method.text()), url);
        signer.signRequest(new OAuth1AccessToken(user.token(), user.secret()), toSign);
        return send(method, url, path, toSign.getHeaders().get("Authorization"), contentType, body);
    }

    private Response send(
            Method method, String url, String endpointPath, String authorization, String contentType, byte[] body) {
        String endpoint = method.text() + " "
                + (hasId(endpointPath) ? MEDIA_ID.matcher(endpointPath).replaceAll("/{id}") : endpointPath);
        long start = System.nanoTime();
        try {
            int q = url.indexOf('?');
            String target = q < 0 ? url : url.substring(0, q);
            var request =
                    http.method(method).uri(uri(target, endpointPath)).header(HeaderNames.AUTHORIZATION, authorization);
            if (q >= 0) {
                form(utf8(url.substring(q + 1))).forEach(request::queryParam);
            }
            if (contentType != null) {
                request.header(HeaderNames.CONTENT_TYPE, contentType);
            }
            ClientConnection connection = connections.take();
            request.connection(connection);
            HttpClientResponse answered;
            try {
                answered = body == null ? request.request() : request.submit(body);
            } catch (RuntimeException e) {
                connection.closeResource(); // Helidon does not close every connection a failed call leaves half-used
                throw e;
            }
            try (HttpClientResponse res = answered) { // closing gives the connection back, or closes it if unread
                byte[] bytes;
                try {
                    bytes = answer(res);
                } catch (RuntimeException e) {
                    // closed before the response is: Helidon would hand back, unread, one whose answer has no length
                    connection.closeResource();
                    throw e;
                }
                Map<String, String> headers = new HashMap<>();
                res.headers().forEach(h -> headers.put(h.name().toLowerCase(Locale.ROOT), h.get()));
                int status = res.status().code();
                Duration latency = Duration.ofNanos(System.nanoTime() - start);
                listener.onCall(endpoint, status, latency);
                LOG.log(Level.DEBUG, () -> endpoint + " -> " + status + " in " + latency.toMillis() + " ms");
                return new Response(status, headers, bytes);
            }
        } catch (RuntimeException e) {
            Duration latency = Duration.ofNanos(System.nanoTime() - start);
            listener.onCall(endpoint, -1, latency);
            String kind = e.getClass().getSimpleName()
                    + (e.getCause() == null ? "" : "/" + e.getCause().getClass().getSimpleName());
            LOG.log(Level.DEBUG, () -> endpoint + " failed: " + kind);
            return new Response(neverSent(e) ? NOT_SENT : NO_ANSWER, Map.of(), utf8("no answer from X (" + kind + ")"));
        }
    }

    /**
     * The most of one answer the client reads: X's answers are under a few kB; a bigger one is taken as no answer.
     * With a worker's 512 requests in flight that bounds them at 32 MiB together.
     */
    static final int MAX_ANSWER_BYTES = 64 * 1024;

    /**
     * The answer's body in a buffer of its announced length, read to its end, which hands the connection back for the
     * next call: Helidon's {@code as(byte[].class)} reads through 16 kB buffers, three of them for an answer of a
     * hundred bytes (nearly a third of everything the worker allocated). An answer over {@link #MAX_ANSWER_BYTES} is left
     * unread, so closing the response closes its connection.
     */
    private static byte[] answer(HttpClientResponse res) {
        ReadableEntity entity = res.entity();
        if (!entity.hasEntity()) {
            return new byte[0];
        }
        long length = res.headers().contentLength().orElse(-1);
        if (length > MAX_ANSWER_BYTES) {
            throw new AnswerTooLarge();
        }
        try {
            InputStream in = entity.inputStream();
            byte[] bytes = in.readNBytes(length < 0 ? MAX_ANSWER_BYTES + 1 : (int) length);
            if (bytes.length > MAX_ANSWER_BYTES) {
                throw new AnswerTooLarge(); // not closed: closing would read on to the end
            }
            in.close(); // reads the end of the answer: the connection goes back
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An answer over {@link #MAX_ANSWER_BYTES}: not read, its connection closed; for the caller, no answer. */
    private static final class AnswerTooLarge extends RuntimeException {
        AnswerTooLarge() {
            super(null, null, false, false);
        }
    }

    /** The URI to call, parsed once for a path without an id (Helidon's {@code uri(String)} parses it per call). */
    private URI uri(String target, String endpointPath) {
        URI uri = uris.get(target);
        if (uri == null) {
            uri = URI.create(target);
            if (!hasId(endpointPath) && uris.size() < MAX_URIS) {
                uris.put(target, uri);
            }
        }
        return uri;
    }

    /** Whether a path may hold an id (a digit after the {@code /2/} of the API version): most calls skip the pattern. */
    private static boolean hasId(String path) {
        for (int i = 3; i < path.length(); i++) {
            if (Character.isDigit(path.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    /** Status of a call that got no answer (timeout, dropped connection): X may have acted on it. */
    static final int NO_ANSWER = -1;
    /** Status of a call that never reached X (the connection could not be made). */
    static final int NOT_SENT = -2;

    private static boolean neverSent(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof UnknownHostException) {
                return true;
            }
        }
        return false;
    }

    static Optional<JsonObject> json(byte[] body) {
        if (body == null || body.length == 0 || body[0] != '{') {
            return Optional.empty();
        }
        // from a String, not a stream: parsson would decode a stream through an 8 kB buffer of its own per answer
        try (JsonReader reader = JSON.createReader(new StringReader(new String(body, StandardCharsets.UTF_8)))) {
            JsonValue v = reader.readValue();
            return v instanceof JsonObject o ? Optional.of(o) : Optional.empty();
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private static Map<String, String> form(byte[] body) {
        Map<String, String> out = new HashMap<>();
        for (String pair : new String(body, StandardCharsets.UTF_8).trim().split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                out.put(
                        URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
