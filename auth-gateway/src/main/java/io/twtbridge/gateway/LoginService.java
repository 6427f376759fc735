package io.twtbridge.gateway;

import io.twtbridge.protocol.ErrorCode;
import io.twtbridge.protocol.Outcome;
import io.twtbridge.protocol.Request;
import io.twtbridge.twitter.XClient;
import io.twtbridge.twitter.XFailure;
import io.twtbridge.twitter.XResult;

/** The two steps of X's PIN login, as outcomes. Stateless: any step can come on any connection. */
final class LoginService {
    private final XClient x;
    private final GatewayMetrics metrics;

    LoginService(XClient x, GatewayMetrics metrics) {
        this.x = x;
        this.metrics = metrics;
    }

    Outcome handle(Request request) {
        return switch (request) {
            case Request.Auth a -> {
                metrics.flow("started");
                yield switch (x.requestToken()) {
                    case XResult.Ok<XClient.AuthorizationStart> ok ->
                            new Outcome.AuthStarted(ok.value().authorizeUrl(), ok.value().requestToken());
                    case XResult.Failed<XClient.AuthorizationStart> f -> failed(f.failure());
                };
            }
            case Request.VerifyPin v -> switch (x.accessToken(v.requestToken(), v.pin())) {
                case XResult.Ok<XClient.AccessGrant> ok -> {
                    metrics.flow("completed");
                    yield new Outcome.PinVerified(ok.value().accessToken(), ok.value().userId(), ok.value().screenName());
                }
                case XResult.Failed<XClient.AccessGrant> f -> failed(f.failure());
            };
            case Request.Post p -> Outcome.Failed.of(ErrorCode.UNKNOWN_COMMAND, "posts go through the queue, not the gateway");
            case Request.Delete d -> Outcome.Failed.of(ErrorCode.UNKNOWN_COMMAND, "deletes go through the queue, not the gateway");
            case Request.Thread t -> Outcome.Failed.of(ErrorCode.UNKNOWN_COMMAND, "threads go through the queue, not the gateway");
        };
    }

    private Outcome failed(XFailure f) {
        metrics.flow("failed");
        return f.toOutcome();
    }
}
