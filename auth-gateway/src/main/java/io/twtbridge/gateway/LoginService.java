package io.twtbridge.gateway;

import io.twtbridge.protocol.ErrorCode;
import io.twtbridge.protocol.Outcome;
import io.twtbridge.protocol.Request;
import io.twtbridge.twitter.XClient;
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
            case Request.Auth a ->
                paid(address, () -> {
                    metrics.flow("started");
                    return counted(x.requestToken(), false);
                });
            case Request.VerifyPin v -> paid(address, () -> counted(x.accessToken(v.requestToken(), v.pin()), true));
            case Request.Post p ->
                Outcome.Failed.of(ErrorCode.UNKNOWN_COMMAND, "posts go through the queue, not the gateway");
            case Request.Delete d ->
                Outcome.Failed.of(ErrorCode.UNKNOWN_COMMAND, "deletes go through the queue, not the gateway");
            case Request.Thread t ->
                Outcome.Failed.of(ErrorCode.UNKNOWN_COMMAND, "threads go through the queue, not the gateway");
        };
    }

    /** Calls X if the budget has a token for this address; otherwise answers rate_limited without calling X. */
    private Outcome paid(String address, Supplier<Outcome> call) {
        Optional<XBudget.Refusal> refusal = budget.take(address);
        if (refusal.isPresent()) {
            metrics.budgetRefused(refusal.get().bucket());
            return Outcome.Failed.rateLimited(
                    "too many logins right now, try again later", refusal.get().retryAfterSeconds());
        }
        return call.get();
    }

    /** X's answer to a login step as the reply (the worker gives the same ones), counted in the login flow metric. */
    private Outcome counted(XResult<? extends Outcome> result, boolean lastStep) {
        if (result instanceof XResult.Failed<?>) {
            metrics.flow("failed");
        } else if (lastStep) {
            metrics.flow("completed");
        }
        return XResult.outcome(result);
    }
}
