package io.twtbridge.twitter;

import io.twtbridge.protocol.Outcome;
import java.util.Objects;

/** The outcome of a call to X: a value or a typed failure. */
public sealed interface XResult<T> {

    record Ok<T>(T value) implements XResult<T> {
        public Ok {
            Objects.requireNonNull(value, "value");
        }
    }

    record Failed<T>(XFailure failure) implements XResult<T> {
        public Failed {
            Objects.requireNonNull(failure, "failure");
        }
    }

    static <T> XResult<T> ok(T value) {
        return new Ok<>(value);
    }

    static <T> XResult<T> failed(XFailure failure) {
        return new Failed<>(failure);
    }

    /**
     * The reply to a call whose value is already the protocol's (the login's two steps, {@link XClient#requestToken()}
     * and {@link XClient#accessToken}): the value, or the failure's {@link XFailure#toOutcome()}.
     */
    static Outcome outcome(XResult<? extends Outcome> result) {
        return switch (result) {
            case Ok<? extends Outcome> ok -> ok.value();
            case Failed<? extends Outcome> f -> f.failure().toOutcome();
        };
    }
}
