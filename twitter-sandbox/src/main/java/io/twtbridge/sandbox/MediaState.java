package io.twtbridge.sandbox;

import java.util.Locale;

/**
 * Where an upload is. A chunked upload is {@code INITIALIZED} until finalized; a GIF or video then goes
 * {@code PENDING} → {@code IN_PROGRESS} (for {@link Limits#processingPolls()} STATUS polls) → {@code SUCCEEDED} or
 * {@code FAILED}; an image is {@code SUCCEEDED} at once. X names the last four in {@code processing_info.state}.
 */
public enum MediaState {
    INITIALIZED,
    PENDING,
    IN_PROGRESS,
    SUCCEEDED,
    FAILED;

    /** X's name for it: {@code pending}, {@code in_progress}, {@code succeeded}, {@code failed}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether processing is over. */
    public boolean isFinal() {
        return this == SUCCEEDED || this == FAILED;
    }
}
