package io.twtbridge.protocol;

import java.util.Optional;

/** Validation of single field values, shared by the legacy and JSON formats. */
final class Fields {
    private Fields() {}

    /**
     * What is wrong with a field value, if anything: too long, or holding a control character
     * ({@code allowLines} permits tab, CR and LF, as in a post's text). The detail names the field, never
     * its value.
     */
    static Optional<Problem> check(String value, int maxChars, boolean allowLines) {
        if (value.length() > maxChars) {
            return Optional.of(Problem.FIELD_TOO_LONG);
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 && !(allowLines && (c == '\t' || c == '\n' || c == '\r')) || c == 0x7F) {
                return Optional.of(Problem.INVALID_FIELD);
            }
        }
        return Optional.empty();
    }

    /** The detail for a problem with a named field. */
    static String detail(Problem problem, String field, int maxChars) {
        return switch (problem) {
            case FIELD_TOO_LONG -> "field '" + field + "' is longer than " + maxChars + " characters";
            case INVALID_FIELD -> "field '" + field + "' holds a control character";
            default -> problem.description() + " ('" + field + "')";
        };
    }

    /** Whether an id is usable to answer: non-empty, short, no control characters. */
    static boolean usableId(String id) {
        return !id.isEmpty() && check(id, Limits.MAX_ID_CHARS, false).isEmpty();
    }
}
