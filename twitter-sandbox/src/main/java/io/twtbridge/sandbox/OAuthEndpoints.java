package io.twtbridge.sandbox;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** {@code /oauth/request_token}, {@code /oauth/authorize}, {@code /oauth/access_token}, as X serves them. */
final class OAuthEndpoints implements HttpService {
    private final SandboxState state;
    private final RequestAuth auth;

    OAuthEndpoints(SandboxState state) {
        this.state = state;
        this.auth = new RequestAuth(state);
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/request_token", this::requestToken)
                .get("/authorize", this::authorizePage)
                .post("/authorize", this::approve)
                .post("/access_token", this::accessToken);
    }

    private void requestToken(ServerRequest req, ServerResponse res) {
        byte[] body = RequestAuth.body(req);
        RequestAuth.Verification result = auth.verify(req, body, false, t -> Optional.empty());
        if (!(result instanceof RequestAuth.Signed signed)) {
            unauthorized(res, "Could not authenticate you.");
            return;
        }
        String callback = signed.oauthParams().get("oauth_callback");
        if (callback == null || callback.isEmpty()) {
            res.status(Status.BAD_REQUEST_400).send("oauth_callback is required");
            return;
        }
        OAuthTokens.RequestToken t = state.tokens().newRequestToken(signed.consumerKey(), callback);
        form(res, "oauth_token=" + t.token() + "&oauth_token_secret=" + t.secret() + "&oauth_callback_confirmed=true");
    }

    private void authorizePage(ServerRequest req, ServerResponse res) {
        String token = req.query().first("oauth_token").orElse("");
        boolean known = state.tokens().requestToken(token).isPresent();
        String html = known ? """
                <!doctype html><html lang="en"><head><meta charset="utf-8"><title>Authorize app · X sandbox</title></head>
                <body><main><h1>Authorize app to use your account?</h1>
                <p>This is the twt-bridge X sandbox, not X.</p>
                <form method="post" action="/oauth/authorize">
                <input type="hidden" name="oauth_token" value="%s">
                <label>Sign in as <input id="screen_name" name="screen_name" value="sandbox_user" pattern="[A-Za-z0-9_]{1,15}"></label>
                <button id="allow" type="submit">Authorize app</button>
                </form></main></body></html>""".formatted(escape(token)) : """
                <!doctype html><html lang="en"><head><meta charset="utf-8"><title>X sandbox</title></head>
                <body><main><h1>This page is no longer valid.</h1><p>The request token is unknown, used or expired.</p></main></body></html>""";
        res.status(known ? Status.OK_200 : Status.BAD_REQUEST_400)
                .header(HeaderNames.CONTENT_TYPE, "text/html; charset=utf-8")
                .send(html);
    }

    private void approve(ServerRequest req, ServerResponse res) {
        String body = new String(RequestAuth.body(req), StandardCharsets.UTF_8);
        String token = "";
        String screenName = "sandbox_user";
        for (OAuthVerifier.Param p : OAuthVerifier.parseForm(body)) {
            if (p.name().equals("oauth_token")) {
                token = p.value();
            } else if (p.name().equals("screen_name") && p.value().matches("[A-Za-z0-9_]{1,15}")) {
                screenName = p.value();
            }
        }
        Optional<OAuthTokens.RequestToken> rt = state.tokens().requestToken(token);
        Optional<String> pin = state.users().authorize(token, screenName);
        if (rt.isEmpty() || pin.isEmpty()) {
            res.status(Status.BAD_REQUEST_400)
                    .header(HeaderNames.CONTENT_TYPE, "text/html; charset=utf-8")
                    .send("<!doctype html><title>X sandbox</title><h1>This page is no longer valid.</h1>");
            return;
        }
        String callback = rt.get().callback();
        if (!"oob".equals(callback)) {
            String sep = callback.contains("?") ? "&" : "?";
            res.status(Status.FOUND_302)
                    .header(
                            HeaderNames.LOCATION,
                            callback + sep + "oauth_token=" + enc(token) + "&oauth_verifier=" + enc(pin.get()))
                    .send();
            return;
        }
        res.header(HeaderNames.CONTENT_TYPE, "text/html; charset=utf-8").send("""
                <!doctype html><html lang="en"><head><meta charset="utf-8"><title>Authorized · X sandbox</title></head>
                <body><main><h1>You've granted access to the app.</h1>
                <p>Next, return to the app and enter this PIN to complete the authorization process:</p>
                <kbd id="oauth_pin"><code>%s</code></kbd></main></body></html>""".formatted(pin.get()));
    }

    private void accessToken(ServerRequest req, ServerResponse res) {
        byte[] body = RequestAuth.body(req);
        RequestAuth.Verification result =
                auth.verify(req, body, true, t -> state.tokens().requestToken(t).map(OAuthTokens.RequestToken::secret));
        if (!(result instanceof RequestAuth.Signed signed)) {
            unauthorized(res, "Invalid request token.");
            return;
        }
        String verifier = signed.oauthParams().get("oauth_verifier");
        if (verifier == null) {
            verifier = signed.params().stream()
                    .filter(p -> p.name().equals("oauth_verifier"))
                    .map(OAuthVerifier.Param::value)
                    .findFirst()
                    .orElse("");
        }
        OAuthTokens.Exchange ex = state.tokens().exchange(signed.token().orElseThrow(), verifier);
        if (ex.token() == null) {
            res.status(Status.UNAUTHORIZED_401)
                    .header(HeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                    .send(ex.error());
            return;
        }
        OAuthTokens.AccessToken t = ex.token();
        form(
                res,
                "oauth_token=" + enc(t.token()) + "&oauth_token_secret=" + enc(t.secret()) + "&user_id="
                        + t.user().id() + "&screen_name=" + enc(t.user().screenName()));
    }

    private void unauthorized(ServerResponse res, String message) {
        state.counters().signatureFailures.incrementAndGet();
        res.status(Status.UNAUTHORIZED_401)
                .header(HeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                .send(message);
    }

    private static void form(ServerResponse res, String body) {
        res.header(HeaderNames.CONTENT_TYPE, "text/html; charset=utf-8").send(body);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
