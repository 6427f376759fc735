package io.twtbridge.protocol;

import java.util.List;
import java.util.Objects;

/**
 * A poll on a post (X: {@code poll.options}, {@code poll.duration_minutes}). Checked before X by {@link PostCheck}:
 * {@value #MIN_OPTIONS}–{@value #MAX_OPTIONS} options of 1–{@value #MAX_OPTION_CHARS} characters, open
 * {@value #MIN_MINUTES} minutes to {@value #MAX_MINUTES} minutes (7 days).
 */
public record Poll(List<String> options, int durationMinutes) {
    public static final int MIN_OPTIONS = 2;
    public static final int MAX_OPTIONS = 4;
    public static final int MAX_OPTION_CHARS = 25;
    public static final int MIN_MINUTES = 5;
    public static final int MAX_MINUTES = 7 * 24 * 60;

    public Poll {
        options = List.copyOf(Objects.requireNonNull(options, "options"));
    }
}
