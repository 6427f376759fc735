package io.twtbridge.gateway;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Serves the sample page ({@code /}, {@code /app.js}, {@code /app.css}) with a strict Content-Security-Policy. */
final class PageService implements HttpService {
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self' ws: wss:; "
            + "img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private final byte[] html;
    private final byte[] js = resource("web/app.js");
    private final byte[] css = resource("web/app.css");

    /** {@code callbackLogin}: the page offers the login without a PIN ({@link CallbackLogin}). */
    PageService(boolean callbackLogin) {
        byte[] page = resource("web/test.html");
        this.html = callbackLogin
                ? new String(page, StandardCharsets.UTF_8)
                        .replace("<body>", "<body data-callback=\"on\">")
                        .getBytes(StandardCharsets.UTF_8)
                : page;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", (req, res) -> send(res, html, "text/html; charset=utf-8"))
                .get("/test.html", (req, res) -> send(res, html, "text/html; charset=utf-8"))
                .get("/app.js", (req, res) -> send(res, js, "text/javascript; charset=utf-8"))
                .get("/app.css", (req, res) -> send(res, css, "text/css; charset=utf-8"));
    }

    private static void send(ServerResponse res, byte[] body, String type) {
        res.status(Status.OK_200)
                .header(HeaderNames.CONTENT_TYPE, type)
                .header("Content-Security-Policy", CSP)
                .header("X-Content-Type-Options", "nosniff")
                .header("Referrer-Policy", "no-referrer")
                .header(HeaderNames.CACHE_CONTROL, "no-store")
                .send(body);
    }

    private static byte[] resource(String name) {
        try (InputStream in = PageService.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
