package io.twtbridge.gateway;

import io.twtbridge.protocol.ErrorCode;
import io.twtbridge.protocol.Outcome;
import io.twtbridge.protocol.Request;
import io.twtbridge.twitter.XClient;
import io.twtbridge.twitter.XFailure;
import io.twtbridge.twitter.XResult;

import java.util.Optional;
import java.util.function.Supplier;

/**
 * The two steps of X's PIN login, as outcomes. Stateless: any step can come on any connection. Each call to X is
 * paid from the {@link XBudget}; without a token the step fails {@code rate_limited} and X is not called.
 */
final class LoginService {
    private final XClient x;
    private final XBudget budget;
    private final GatewayMetrics metrics;

    LoginService(XClient x, XBudget budget, GatewayMetrics metrics) {
        this.x = x;
        this.budget = budget;
        this.metrics = metrics;
    }

    /** Runs one request for the client at {@code address}. */
    Outcome handle(Request request, String address) {
        return switch (request) {
            case Request.Auth a -> paid(address, () -> {
                metrics.flow("started");
                return switch (x.requestToken()) {
                    case XResult.Ok<XClient.AuthorizationStart> ok ->
                            new Outcome.AuthStarted(ok.value().authorizeUrl(), ok.value().requestToken());
                    case XResult.Failed<XClient.AuthorizationStart> f -> failed(f.failure());
                };
            });
            case Request.VerifyPin v -> paid(address, () -> switch (x.accessToken(v.requestToken(), v.pin())) {
                case XResult.Ok<XClient.AccessGrant> ok -> {
                    metrics.flow("completed");
                    yield new Outcome.PinVerified(ok.value().accessToken(), ok.value().userId(), ok.value().screenName());
                }
                case XResult.Failed<XClient.AccessGrant> f -> failed(f.failure());
            });
            case Request.Post p -> Outcome.Failed.of(ErrorCode.UNKNOWN_COMMAND, "posts go through the queue, not the gateway");
            case Request.Delete d -> Outcome.Failed.of(ErrorCode.UNKNOWN_COMMAND, "deletes go through the queue, not the gateway");
            case Request.Thread t -> Outcome.Failed.of(ErrorCode.UNKNOWN_COMMAND, "threads go through the queue, not the gateway");
        };
    }

    /** Calls X if the budget has a token for this address; otherwise answers rate_limited without calling X. */
    private Outcome paid(String address, Supplier<Outcome> call) {
        Optional<XBudget.Refusal> refusal = budget.take(address);
        if (refusal.isPresent()) {
            metrics.budgetRefused(refusal.get().bucket());
            return Outcome.Failed.rateLimited("too many logins right now, try again later", refusal.get().retryAfterSeconds());
        }
        return call.get();
    }

    private Outcome failed(XFailure f) {
        metrics.flow("failed");
        return f.toOutcome();
    }
}
