package io.twtbridge.twitter;

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
}
