package io.twtbridge.twitter;

import io.twtbridge.protocol.ErrorCode;
import io.twtbridge.protocol.Outcome;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What X's answers mean, in one place: an HTTP answer that is not a success as an {@link XFailure} (401, 403
 * "duplicate content", 429 and which limit it hit and until when, 4xx, 5xx, no answer), the refinements a call makes
 * (an upload's refusal is an image error, a long post's "too long", a post or delete sent without an answer), success
 * answers that lack what they promise (a token, {@code data.id}, {@code data.deleted}: X unavailable), a delete's 404
 * (no such post), an upload's processing state ({@code failed}, or one X never documented), and each failure as the
 * protocol's {@link Outcome.Failed} ({@link XFailure#toOutcome()}). {@link XClient} and {@link MediaUpload} send the
 * requests and read the bodies; what the answers mean they ask here. What the worker then does about a failure
 * (retry, wait for the reset, answer) is its {@code PostingService} and {@code RetryPolicy}.
 */
final class XFailures {
    private XFailures() {}

    /** The typed failure for a non-success answer. */
    static XFailure of(XClient.Response r) {
        int s = r.status();
        String detail = detail(r);
        if (s == XClient.NO_ANSWER || s == XClient.NOT_SENT) {
            return new XFailure.Unavailable(detail);
        }
        if (s == 401) {
            return new XFailure.InvalidToken(detail);
        }
        if (s == 403) {
            return detail.toLowerCase(Locale.ROOT).contains("duplicate content")
                    ? new XFailure.Duplicate(detail)
                    : new XFailure.Forbidden(detail);
        }
        if (s == 429) {
            if ("0".equals(r.header("x-app-limit-24hour-remaining"))) {
                return new XFailure.RateLimited(reset(r, "x-app-limit-24hour-reset"), XFailure.Scope.APP);
            }
            if ("0".equals(r.header("x-user-limit-24hour-remaining"))) {
                return new XFailure.RateLimited(reset(r, "x-user-limit-24hour-reset"), XFailure.Scope.USER_24H);
            }
            return new XFailure.RateLimited(reset(r, "x-rate-limit-reset"), XFailure.Scope.USER);
        }
        if (s >= 500) {
            return new XFailure.Unavailable("X answered " + s + (detail.isEmpty() ? "" : ": " + detail));
        }
        return new XFailure.Rejected("X answered " + s + (detail.isEmpty() ? "" : ": " + detail));
    }

    /** The failure of {@code POST /oauth/request_token}: a 401 there is the app's credentials, not a user's. */
    static XFailure ofRequestToken(XClient.Response r) {
        return r.status() == 401 ? new XFailure.InvalidToken("X refused the app's consumer credentials") : of(r);
    }

    /** The failure of {@code POST /oauth/access_token}: a 401 there is a wrong PIN or a request token X no longer takes. */
    static XFailure ofAccessToken(XClient.Response r) {
        if (r.status() == 401) {
            String text = new String(r.body(), StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
            return text.contains("verifier") ? new XFailure.WrongPin() : new XFailure.RequestTokenInvalid();
        }
        return of(r);
    }

    /**
     * The failure of a call that changes something on X (a post, a delete): one that was sent but got no clear answer
     * is {@link XFailure.Uncertain}, as X may have acted on it.
     */
    static XFailure ofSent(XClient.Response r) {
        XFailure f = of(r);
        return f instanceof XFailure.Unavailable u && r.status() != XClient.NOT_SENT
                ? new XFailure.Uncertain(u.detail())
                : f;
    }

    /**
     * The failure of {@code POST /2/tweets}: sent, so possibly {@link XFailure.Uncertain}; for a long post X's "too long"
     * means the user may not post that long ({@link XFailure.TextTooLong} with X's words).
     */
    static XFailure ofPost(XClient.Response r, boolean longPost, String text) {
        XFailure f = ofSent(r);
        return longPost && tooLong(f)
                ? new XFailure.TextTooLong(TextCheck.weightedLength(text), TextCheck.MAX_WEIGHTED, detail(r))
                : f;
    }

    /**
     * The answer of {@code POST /oauth/request_token} or {@code /oauth/access_token} ({@code endpoint}) with status 200,
     * as a form: one without {@code oauth_token} and {@code oauth_token_secret} is X unavailable (retryable).
     */
    static Optional<XFailure> withoutToken(String endpoint, Map<String, String> form) {
        return form.get("oauth_token") == null || form.get("oauth_token_secret") == null
                ? Optional.of(new XFailure.Unavailable("X's " + endpoint + " answer had no token"))
                : Optional.empty();
    }

    /**
     * The id in a success answer ({@code data.id}: a new post's, or an upload's media id); an answer without one (not
     * JSON, no {@code data}, an id that is not a string) is X unavailable.
     */
    static XResult<String> dataId(XClient.Response r) {
        Optional<String> id = XClient.json(r.body())
                .map(o -> o.get("data"))
                .filter(d -> d instanceof JsonObject)
                .map(d -> ((JsonObject) d).get("id"))
                .filter(v -> v instanceof JsonString)
                .map(v -> ((JsonString) v).getString());
        return id.<XResult<String>>map(XResult::ok)
                .orElseGet(() -> XResult.failed(new XFailure.Unavailable("X's answer had no data.id")));
    }

    /**
     * The answer of {@code DELETE /2/tweets/:id}: {@code true} when X deleted the post ({@code data.deleted} true),
     * {@code false} when X has no such post (404, or {@code data.deleted} false); any other status fails as a sent call
     * ({@link #ofSent}), and a 200 without a boolean {@code data.deleted} is X unavailable.
     */
    static XResult<Boolean> deleted(XClient.Response r) {
        if (r.status() == 404) {
            return XResult.ok(false);
        }
        if (r.status() != 200) {
            return XResult.failed(ofSent(r));
        }
        Optional<Boolean> deleted = XClient.json(r.body())
                .map(o -> o.get("data"))
                .filter(d -> d instanceof JsonObject)
                .map(d -> ((JsonObject) d).get("deleted"))
                .map(v -> v == JsonValue.TRUE ? Boolean.TRUE : v == JsonValue.FALSE ? Boolean.FALSE : null);
        return deleted.<XResult<Boolean>>map(XResult::ok)
                .orElseGet(() -> XResult.failed(new XFailure.Unavailable("X's answer had no data.deleted")));
    }

    /**
     * What an upload's processing state ({@code processing_info.state} of {@code finalize} or {@code STATUS}) means
     * for media {@code id}, a {@code what} ("video", "image"): {@code succeeded} is the id, ready to post;
     * {@code failed} is {@link XFailure.MediaProcessingFailed} with X's {@code error}; {@code pending} and
     * {@code in_progress} are empty (ask again later); any other state is X unavailable.
     */
    static Optional<XResult<String>> processing(String id, String state, String error, String what) {
        return switch (state) {
            case "succeeded" -> Optional.of(XResult.ok(id));
            case "failed" ->
                Optional.of(XResult.failed(new XFailure.MediaProcessingFailed(
                        "X could not process the " + what + (error.isEmpty() ? "" : ": " + error))));
            case "pending", "in_progress" -> Optional.empty();
            default ->
                Optional.of(XResult.failed(
                        new XFailure.Unavailable("X answered an unknown processing state for the " + what)));
        };
    }

    /** When a 429's window resets: X's header for the limit hit, else the per-window one, else a minute from now. */
    private static Instant reset(XClient.Response r, String header) {
        String v = r.header(header);
        if (v == null) {
            v = r.header("x-rate-limit-reset");
        }
        try {
            // Whole seconds, so the window may reset up to a second after the second named: wait until the next one.
            return Instant.ofEpochSecond(Long.parseLong(v.trim())).plusSeconds(1);
        } catch (RuntimeException e) {
            return Instant.now().plusSeconds(60);
        }
    }

    /** X's words from either error shape: {@code errors[0].message}, or problem+json {@code detail} / {@code title}. */
    static String detail(XClient.Response r) {
        Optional<JsonObject> o = XClient.json(r.body());
        if (o.isEmpty()) {
            String text = new String(r.body(), StandardCharsets.UTF_8).strip();
            return text.length() > 200 ? text.substring(0, 200) : text;
        }
        JsonObject j = o.get();
        if (j.get("errors") instanceof JsonArray errors
                && !errors.isEmpty()
                && errors.get(0) instanceof JsonObject e
                && e.get("message") instanceof JsonString m) {
            String code = e.containsKey("code") ? " (code " + e.get("code") + ")" : "";
            return m.getString() + code;
        }
        if (j.get("detail") instanceof JsonString d) {
            return d.getString();
        }
        if (j.get("title") instanceof JsonString t) {
            return t.getString();
        }
        return "";
    }

    /**
     * An upload's failure as the post's: X refusing the image itself (400, or another 4xx but 401, 403 and 429) is an
     * image error ({@link XFailure.MediaInvalid}, or {@link XFailure.MediaTooLarge} for 413), not a refused request.
     */
    static XFailure imageRefused(int index, XFailure f) {
        if (f instanceof XFailure.Rejected r) {
            String detail = "X refused image " + (index + 1) + ": " + r.detail();
            return r.detail().startsWith("X answered 413")
                    ? new XFailure.MediaTooLarge(detail)
                    : new XFailure.MediaInvalid(detail);
        }
        return f;
    }

    /** Whether X refused a post's text as too long for the user (400 "too long", or error 186 "a bit shorter"). */
    private static boolean tooLong(XFailure f) {
        String detail = switch (f) {
            case XFailure.Rejected r -> r.detail();
            case XFailure.Forbidden r -> r.detail();
            default -> "";
        };
        String d = detail.toLowerCase(Locale.ROOT);
        return d.contains("too long") || d.contains("a bit shorter");
    }

    /** The failure as the protocol's answer: a stable code and a message for people, never a secret. */
    static Outcome.Failed outcome(XFailure failure) {
        return switch (failure) {
            case XFailure.InvalidToken t ->
                Outcome.Failed.of(
                        ErrorCode.INVALID_TOKEN, "X refused the credentials (invalid or revoked): " + t.detail());
            case XFailure.Duplicate d ->
                Outcome.Failed.of(ErrorCode.DUPLICATE, "X refused a duplicate of a recent post: " + d.detail());
            case XFailure.Forbidden f ->
                Outcome.Failed.of(ErrorCode.BAD_REQUEST, "X refused the request: " + f.detail());
            case XFailure.RateLimited r ->
                Outcome.Failed.rateLimited(
                        "X's rate limit (" + r.scope().name().toLowerCase() + ") resets at " + r.reset(),
                        Math.max(1, r.reset().getEpochSecond() - Instant.now().getEpochSecond()));
            case XFailure.Rejected r -> Outcome.Failed.of(ErrorCode.BAD_REQUEST, r.detail());
            case XFailure.Unavailable u ->
                Outcome.Failed.of(ErrorCode.X_UNAVAILABLE, "X is unavailable: " + u.detail());
            case XFailure.Uncertain u -> Outcome.Failed.of(ErrorCode.X_UNAVAILABLE, "X is unavailable: " + u.detail());
            case XFailure.WrongPin w -> Outcome.Failed.of(ErrorCode.BAD_REQUEST, "the PIN is wrong");
            case XFailure.RequestTokenInvalid t ->
                Outcome.Failed.of(ErrorCode.BAD_REQUEST, "the login expired or was already used; start again");
            case XFailure.TextTooLong t
            when t.byX() ->
                Outcome.Failed.of(
                        ErrorCode.TEXT_TOO_LONG,
                        "X refused the text as too long (" + t.weightedLength() + " weighted characters): "
                                + t.detail());
            case XFailure.TextTooLong t ->
                Outcome.Failed.of(
                        ErrorCode.TEXT_TOO_LONG,
                        "the text counts " + t.weightedLength() + " weighted characters; X takes " + t.limit());
            case XFailure.MediaInvalid m -> Outcome.Failed.of(ErrorCode.MEDIA_INVALID, m.detail());
            case XFailure.MediaTooLarge m -> Outcome.Failed.of(ErrorCode.MEDIA_TOO_LARGE, m.detail());
            case XFailure.MediaProcessingFailed m -> Outcome.Failed.of(ErrorCode.MEDIA_PROCESSING_FAILED, m.detail());
        };
    }
}
