package io.twtbridge.gateway;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.twtbridge.protocol.Command;
import io.twtbridge.protocol.ErrorCode;
import io.twtbridge.protocol.JsonQueueFormat;
import io.twtbridge.protocol.Outcome;
import io.twtbridge.protocol.Tokens;
import io.twtbridge.sealing.Fields;
import io.twtbridge.sealing.Sealer;
import io.twtbridge.twitter.XClient;
import io.twtbridge.twitter.XFailure;
import io.twtbridge.twitter.XResult;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * X's callback login over plain HTTP, for the gateway's page: no PIN to copy, and the request token's secret never
 * leaves the gateway's replicas in the clear.
 * <ol>
 * <li>{@code GET /login}: asks X for a request token (with the callback URL), seals the request token, its secret
 * and an expiry into the HttpOnly cookie {@value #PENDING}, and redirects to X.</li>
 * <li>{@code GET <callback path>?oauth_token&oauth_verifier}: whichever replica receives it opens the cookie (all
 * replicas hold the keys), checks that X's {@code oauth_token} is the one the cookie was made for and that it has
 * not expired, exchanges it once, and redirects to {@code /#login=<sealed result>} with the binding in the HttpOnly
 * cookie {@value #RESULT}.</li>
 * <li>{@code POST /login/result} (body: the sealed result): opens it, checks the binding cookie, answers the same
 * JSON as a {@code verify_pin} reply, and clears the cookie.</li>
 * </ol>
 * Usable once: the cookie is cleared on the callback; this replica remembers the request tokens it exchanged (a
 * bounded, expiring set) and refuses them again; another replica would try the exchange, and X refuses a request
 * token that has already been exchanged. The sealed result is bound to the browser by the cookie, lives 2 minutes,
 * and the page removes it from its address bar at once.
 */
final class CallbackLogin implements HttpService {
    static final String PENDING = "twt_login";
    static final String RESULT = "twt_login_result";
    static final String RESULT_PATH = "/login/result";
    static final String START_PATH = "/login";
    private static final String PURPOSE_PENDING = "callback-pending";
    private static final String PURPOSE_RESULT = "callback-result";
    private static final Duration RESULT_TTL = Duration.ofMinutes(2);
    /** X's tokens and verifiers: short and URL-safe. Anything else is refused before any work. */
    private static final Pattern PARAM = Pattern.compile("[A-Za-z0-9_.~-]{1,200}");

    private static final int MAX_COOKIE_HEADER = 8192;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final CallbackSettings settings;
    private final XClient x;
    private final XBudget budget;
    private final GatewayMetrics metrics;
    private final GatewayConfig config;
    private final UsedTokens used;
    private final TokenSealing sealing;
    private final Clock clock;

    CallbackLogin(
            CallbackSettings settings,
            XClient x,
            XBudget budget,
            GatewayMetrics metrics,
            GatewayConfig config,
            TokenSealing sealing,
            Clock clock) {
        this.sealing = sealing;
        this.settings = settings;
        this.x = x;
        this.budget = budget;
        this.metrics = metrics;
        this.config = config;
        this.clock = clock;
        this.used = new UsedTokens(settings.maxPending(), clock);
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get(START_PATH, this::start).get(settings.path(), this::callback).post(RESULT_PATH, this::result);
    }

    private void start(ServerRequest req, ServerResponse res) {
        Optional<XBudget.Refusal> refusal = budget.take(address(req));
        if (refusal.isPresent()) {
            metrics.budgetRefused(refusal.get().bucket());
            back(res, "rate_limited");
            return;
        }
        metrics.flow("started");
        switch (x.requestToken()) {
            case XResult.Ok<Outcome.AuthStarted> ok -> {
                Tokens rt = ok.value().requestToken();
                long expires = clock.instant().plus(settings.pendingTtl()).getEpochSecond();
                String sealed = settings.sealer()
                        .seal(PURPOSE_PENDING, Fields.join(Long.toString(expires), rt.token(), rt.secret()));
                res.status(Status.FOUND_302)
                        .header(
                                HeaderNames.SET_COOKIE,
                                cookie(
                                        PENDING,
                                        sealed,
                                        "/",
                                        settings.pendingTtl().toSeconds()))
                        .header(HeaderNames.LOCATION, ok.value().authorizeUrl());
                noStore(res).send();
            }
            case XResult.Failed<Outcome.AuthStarted> f -> {
                metrics.flow("failed");
                back(res, code(f.failure()));
            }
        }
    }

    private void callback(ServerRequest req, ServerResponse res) {
        Optional<String> token = param(req, "oauth_token");
        Optional<String> verifier = param(req, "oauth_verifier");
        Optional<Pending> pending = cookieValue(req, PENDING).flatMap(this::openPending);
        res.header(
                HeaderNames.SET_COOKIE, cookie(PENDING, "", "/", 0)); // the pending login is used up, whatever happens
        if (param(req, "denied").isPresent()) {
            back(res, "denied");
            return;
        }
        if (token.isEmpty() || verifier.isEmpty() || pending.isEmpty()) {
            back(res, pending.isEmpty() ? "expired" : "bad_request");
            return;
        }
        Pending p = pending.get();
        if (!MessageDigest.isEqual(
                p.requestToken().token().getBytes(StandardCharsets.UTF_8),
                token.get().getBytes(StandardCharsets.UTF_8))) {
            back(res, "bad_request");
            return;
        }
        if (!used.claim(p.requestToken().token(), p.expiresEpochSecond())) {
            back(res, "expired");
            return;
        }
        Optional<XBudget.Refusal> refusal = budget.take(address(req));
        if (refusal.isPresent()) {
            metrics.budgetRefused(refusal.get().bucket());
            back(res, "rate_limited");
            return;
        }
        switch (x.accessToken(p.requestToken(), verifier.get())) {
            case XResult.Ok<Outcome.PinVerified> ok -> {
                metrics.flow("completed");
                String binding = random();
                long expires = clock.instant().plus(RESULT_TTL).getEpochSecond();
                Outcome.PinVerified g = ok.value();
                String result = settings.sealer()
                        .seal(
                                PURPOSE_RESULT,
                                Fields.join(
                                        Long.toString(expires),
                                        binding,
                                        g.userId(),
                                        g.screenName(),
                                        g.accessToken().token(),
                                        g.accessToken().secret()));
                res.status(Status.SEE_OTHER_303)
                        .header(
                                HeaderNames.SET_COOKIE,
                                cookie(PENDING, "", "/", 0),
                                cookie(RESULT, binding, RESULT_PATH, RESULT_TTL.toSeconds()))
                        .header(HeaderNames.LOCATION, "/#login=" + result);
                noStore(res).send();
            }
            case XResult.Failed<Outcome.PinVerified> f -> {
                metrics.flow("failed");
                back(res, code(f.failure()));
            }
        }
    }

    private void result(ServerRequest req, ServerResponse res) {
        String body;
        try (InputStream in = req.content().inputStream()) {
            byte[] bytes = in.readNBytes(Sealer.MAX_SEALED_CHARS + 1);
            body = bytes.length > Sealer.MAX_SEALED_CHARS ? "" : new String(bytes, StandardCharsets.US_ASCII).strip();
        } catch (IOException | RuntimeException e) {
            body = "";
        }
        Optional<String> binding = cookieValue(req, RESULT);
        Optional<List<String>> fields =
                settings.sealer().open(PURPOSE_RESULT, body).flatMap(b -> Fields.split(b, 6));
        res.header(HeaderNames.SET_COOKIE, cookie(RESULT, "", RESULT_PATH, 0));
        noStore(res).header(HeaderNames.CONTENT_TYPE, "application/json");
        if (fields.isEmpty()
                || binding.isEmpty()
                || expired(fields.get().get(0))
                || !MessageDigest.isEqual(
                        binding.get().getBytes(StandardCharsets.UTF_8),
                        fields.get().get(1).getBytes(StandardCharsets.UTF_8))) {
            res.status(Status.BAD_REQUEST_400)
                    .send(JsonQueueFormat.INSTANCE.encodeReply(
                            "callback",
                            Command.VERIFY_PIN,
                            Outcome.Failed.of(
                                    ErrorCode.INVALID_TOKEN, "this login result is unknown, used or expired")));
            return;
        }
        List<String> f = fields.get();
        res.send(JsonQueueFormat.INSTANCE.encodeReply(
                "callback",
                Command.VERIFY_PIN,
                sealing.reply(new Outcome.PinVerified(new Tokens(f.get(4), f.get(5)), f.get(2), f.get(3)), false)));
    }

    /** The pending login a cookie holds, when it opens, has the right shape and has not expired. */
    private Optional<Pending> openPending(String sealed) {
        return settings.sealer()
                .open(PURPOSE_PENDING, sealed)
                .flatMap(b -> Fields.split(b, 3))
                .filter(f -> !expired(f.get(0)))
                .map(f -> new Pending(Long.parseLong(f.get(0)), new Tokens(f.get(1), f.get(2))));
    }

    private boolean expired(String epochSecond) {
        try {
            return clock.instant().getEpochSecond() >= Long.parseLong(epochSecond);
        } catch (NumberFormatException e) {
            return true;
        }
    }

    /** The page's error code for X's refusal: a used or expired request token reads as "expired". */
    private static String code(XFailure f) {
        return f instanceof XFailure.RequestTokenInvalid
                ? "expired"
                : f.toOutcome().code().wireName();
    }

    /** Back to the page with an error code it shows (never a secret, never X's message). */
    private static void back(ServerResponse res, String code) {
        res.status(Status.SEE_OTHER_303).header(HeaderNames.LOCATION, "/#login_error=" + code);
        noStore(res).send();
    }

    private static ServerResponse noStore(ServerResponse res) {
        return res.header(HeaderNames.CACHE_CONTROL, "no-store").header("Referrer-Policy", "no-referrer");
    }

    private String cookie(String name, String value, String path, long maxAgeSeconds) {
        return name + "=" + value + "; Path=" + path + "; Max-Age=" + maxAgeSeconds + "; HttpOnly; SameSite=Lax"
                + (settings.secure() ? "; Secure" : "");
    }

    private static Optional<String> param(ServerRequest req, String name) {
        if (req.query().rawValue().length() > 1024) {
            return Optional.empty();
        }
        return req.query().first(name).asOptional().filter(v -> PARAM.matcher(v).matches());
    }

    /** One cookie's value from the Cookie header (bounded; the value is one of our sealed texts or a binding). */
    static Optional<String> cookieValue(ServerRequest req, String name) {
        Optional<String> header = req.headers().first(HeaderNames.COOKIE);
        if (header.isEmpty() || header.get().length() > MAX_COOKIE_HEADER) {
            return Optional.empty();
        }
        for (String part : header.get().split(";")) {
            String p = part.strip();
            if (p.startsWith(name + "=")) {
                String v = p.substring(name.length() + 1);
                return v.isEmpty() ? Optional.empty() : Optional.of(v);
            }
        }
        return Optional.empty();
    }

    private String address(ServerRequest req) {
        HeaderName forwarded = HeaderNames.create(config.clientAddressHeader());
        List<String> forwardedFor =
                req.headers().contains(forwarded) ? req.headers().get(forwarded).allValues() : List.of();
        String peer = req.remotePeer().address() instanceof InetSocketAddress a
                ? a.getAddress().getHostAddress()
                : "unknown";
        return TrustedProxies.limitKey(config.trustedProxies().clientAddress(forwardedFor, peer));
    }

    private static String random() {
        byte[] b = new byte[18];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private record Pending(long expiresEpochSecond, Tokens requestToken) {
        @Override
        public String toString() {
            return "Pending[" + requestToken + "]";
        }
    }
}
