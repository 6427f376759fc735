package io.twtbridge.sandbox;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** Checks a request's OAuth 1.0a signature, timestamp and nonce, as X does. */
final class RequestAuth {
    private final SandboxState state;

    private static final System.Logger LOG = System.getLogger(RequestAuth.class.getName());

    /** The request body, empty when there is none. */
    static byte[] body(ServerRequest req) {
        return req.content().hasEntity() ? req.content().as(byte[].class) : new byte[0];
    }

    RequestAuth(SandboxState state) {
        this.state = state;
    }

    /** A handler of an X API call whose OAuth signature checked out, for the user owning the access token. */
    @FunctionalInterface
    interface SignedHandler {
        void handle(ServerRequest req, ServerResponse res, OAuthTokens.AccessToken user, byte[] body);
    }

    /** Verifies an X API call's signature and access token first, answering 401 as X does when either is off. */
    Handler signed(SignedHandler handler) {
        return (req, res) -> {
            byte[] body = body(req);
            Verification r =
                    verify(req, body, true, t -> state.tokens().accessToken(t).map(OAuthTokens.AccessToken::secret));
            if (r instanceof Signed s) {
                Optional<OAuthTokens.AccessToken> user = state.tokens()
                        .accessToken(s.token().orElseThrow())
                        .filter(a -> a.consumerKey().equals(s.consumerKey()));
                if (user.isPresent()) {
                    handler.handle(req, res, user.get(), body);
                    return;
                }
            }
            state.counters().signatureFailures.incrementAndGet();
            SandboxJson.send(
                    res,
                    Status.UNAUTHORIZED_401,
                    SandboxJson.problem("Unauthorized", 401, "Unauthorized", "about:blank"));
        };
    }

    /** The result of checking a request's signature. */
    sealed interface Verification {}

    /** A request whose signature checked out. {@code token} is empty for request_token calls. */
    record Signed(
            String consumerKey,
            Optional<String> token,
            Map<String, String> oauthParams,
            List<OAuthVerifier.Param> params)
            implements Verification {}

    /** Why a signature was refused (for the sandbox log and counters only; X answers a bare 401). */
    record Refused(String reason) implements Verification {}

    /**
     * Verifies the request. {@code tokenSecret} looks up the secret of the {@code oauth_token} (request token or
     * access token); empty when the token is unknown.
     */
    Verification verify(
            ServerRequest req, byte[] body, boolean tokenRequired, Function<String, Optional<String>> tokenSecret) {
        Verification result = check(req, body, tokenRequired, tokenSecret);
        if (result instanceof Refused r) {
            LOG.log(
                    System.Logger.Level.INFO,
                    () -> req.prologue().method().text() + " "
                            + req.path().absolute().rawPath() + ": 401, " + r.reason());
        }
        return result;
    }

    private Verification check(
            ServerRequest req, byte[] body, boolean tokenRequired, Function<String, Optional<String>> tokenSecret) {
        Optional<Map<String, String>> header = OAuthVerifier.parseHeader(
                req.headers().first(HeaderNames.AUTHORIZATION).orElse(null));
        if (header.isEmpty()) {
            return new Refused("no OAuth Authorization header");
        }
        Map<String, String> oauth = header.get();
        String consumerKey = oauth.get("oauth_consumer_key");
        String signature = oauth.get("oauth_signature");
        String timestamp = oauth.get("oauth_timestamp");
        String nonce = oauth.get("oauth_nonce");
        if (consumerKey == null
                || signature == null
                || timestamp == null
                || nonce == null
                || !"HMAC-SHA1".equals(oauth.get("oauth_signature_method"))) {
            return new Refused("missing OAuth parameters");
        }
        if (oauth.containsKey("oauth_version") && !"1.0".equals(oauth.get("oauth_version"))) {
            return new Refused("unsupported oauth_version");
        }
        Optional<String> consumerSecret = state.tokens().consumerSecret(consumerKey);
        if (consumerSecret.isEmpty()) {
            return new Refused("unknown consumer key");
        }
        String token = oauth.get("oauth_token");
        String secretOfToken = "";
        if (token != null && !token.isEmpty()) {
            Optional<String> s = tokenSecret.apply(token);
            if (s.isEmpty()) {
                return new Refused("unknown or revoked token");
            }
            secretOfToken = s.get();
        } else if (tokenRequired) {
            return new Refused("no oauth_token");
        }
        long ts;
        try {
            ts = Long.parseLong(timestamp);
        } catch (NumberFormatException e) {
            return new Refused("bad timestamp");
        }
        long now = state.now().getEpochSecond();
        if (Math.abs(now - ts) > state.limits().timestampWindowSeconds()) {
            return new Refused("timestamp out of window");
        }
        List<OAuthVerifier.Param> params = new ArrayList<>();
        oauth.forEach((k, v) -> {
            if (!k.equals("oauth_signature") && !k.equals("realm")) {
                params.add(new OAuthVerifier.Param(k, v));
            }
        });
        params.addAll(OAuthVerifier.parseForm(req.query().rawValue()));
        String contentType = req.headers().first(HeaderNames.CONTENT_TYPE).orElse("");
        if (contentType.toLowerCase().startsWith("application/x-www-form-urlencoded")) {
            params.addAll(OAuthVerifier.parseForm(new String(body, StandardCharsets.UTF_8)));
        }
        String host = req.headers().first(HeaderNames.HOST).orElse("localhost");
        // the scheme the request came in by: a sandbox served over TLS verifies https base strings, as X does
        String baseUri = OAuthVerifier.baseUri(
                req.isSecure() ? "https" : "http", host, req.path().absolute().rawPath());
        String base = OAuthVerifier.baseString(req.prologue().method().text(), baseUri, params);
        String expected = OAuthVerifier.hmacSha1(base, consumerSecret.get(), secretOfToken);
        if (!OAuthVerifier.sameSignature(expected, signature)) {
            return new Refused("signature mismatch");
        }
        if (!state.tokens().freshNonce(consumerKey, token == null ? "" : token, timestamp, nonce)) {
            return new Refused("nonce reused");
        }
        return new Signed(consumerKey, Optional.ofNullable(token).filter(t -> !t.isEmpty()), oauth, params);
    }
}
