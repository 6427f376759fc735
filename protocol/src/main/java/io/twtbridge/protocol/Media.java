package io.twtbridge.protocol;

import java.util.Objects;
import java.util.Optional;

/** One image attached to a post, with its optional alt text. */
public record Media(MediaSource source, Optional<String> altText) {
    public Media {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(altText, "altText");
    }

    public static Media of(MediaSource source) {
        return new Media(source, Optional.empty());
    }
}
