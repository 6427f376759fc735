package io.twtbridge.protocol;

import java.util.Objects;
import java.util.Optional;

/** The result of decoding a message: never an exception. */
public sealed interface Decoded {

    /** The message is a well-formed request. */
    record Ok(Request request) implements Decoded {
        public Ok {
            Objects.requireNonNull(request, "request");
        }
    }

    /**
     * The message is malformed. {@code id} and {@code command} are present whenever they could be read, so
     * the caller can still answer; {@code detail} says what is wrong and never repeats a field's value.
     */
    record Malformed(Problem problem, Optional<String> id, Optional<Command> command, String detail)
            implements Decoded {
        public Malformed {
            Objects.requireNonNull(problem, "problem");
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(command, "command");
            Objects.requireNonNull(detail, "detail");
        }

        /** Whether the sender can be answered (an id was read). */
        public boolean answerable() {
            return id.isPresent();
        }

        /** The failure to answer with. */
        public Outcome.Failed failure() {
            return Outcome.Failed.of(problem.errorCode(), detail);
        }
    }
}
