package io.twtbridge.protocol;

import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Why a message is kept in the dead-letter queue {@code twt.dead} instead of being answered or delivered: the
 * headers {@value #PROBLEM_HEADER} (a fixed word, one of {@link #problems()}) and {@value #REASON_HEADER} (a sentence
 * for people that never repeats a field's value or a secret). RPC_FORMAT.md §5 lists the words.
 */
public record DeadLetter(String problem, String reason) {
    /** The header that says why, in one fixed word. */
    public static final String PROBLEM_HEADER = "x-twt-problem";
    /** The header that says why, in a sentence. */
    public static final String REASON_HEADER = "x-twt-reason";

    /** Why the worker kept a message it could read (a request that cannot be read says its {@link Problem}). */
    public enum Cause {
        /** A reply whose {@code reply_to} names a queue clients may not use. */
        REPLY_TO_REFUSED("reply_to names a queue clients may not use"),
        /** A reply the broker returned: its queue does not exist. */
        REPLY_RETURNED("the broker returned the reply"),
        /** A request the worker failed on (its own error, not X's). */
        INTERNAL_ERROR("the worker failed on this request"),
        /** A request moved to a shard queue that does not exist. */
        SHARD_MISSING("the shard queue does not exist"),
        /** A request the worker could not move to its shard. */
        ROUTING_FAILED("the worker could not route this request");

        private final String description;

        Cause(String description) {
            this.description = description;
        }

        public String description() {
            return description;
        }
    }

    private static final Set<String> PROBLEMS = Stream.concat(
                    Arrays.stream(Problem.values()).map(Problem::name),
                    Arrays.stream(Cause.values()).map(Cause::name))
            .collect(Collectors.toUnmodifiableSet());

    public DeadLetter {
        Objects.requireNonNull(problem, "problem");
        Objects.requireNonNull(reason, "reason");
        if (!PROBLEMS.contains(problem)) {
            throw new IllegalArgumentException("not a dead-letter problem: " + problem);
        }
    }

    /** A request that cannot be answered (no usable id): the decoder's problem and detail. */
    public static DeadLetter unanswerable(Decoded.Malformed malformed) {
        return new DeadLetter(malformed.problem().name(), malformed.detail());
    }

    /** A message the worker kept for this cause, with the cause's own sentence. */
    public static DeadLetter of(Cause cause) {
        return of(cause, cause.description());
    }

    /** A message the worker kept for this cause, with a sentence saying more. */
    public static DeadLetter of(Cause cause, String reason) {
        return new DeadLetter(cause.name(), reason);
    }

    /** Every word {@value #PROBLEM_HEADER} can hold: the names of {@link Problem} and of {@link Cause}. */
    public static Set<String> problems() {
        return PROBLEMS;
    }

    /** The two headers, for the dead-lettered message. */
    public Map<String, Object> headers() {
        return Map.of(PROBLEM_HEADER, problem, REASON_HEADER, reason);
    }
}
