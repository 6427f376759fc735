package io.twtbridge.twitter;

import java.util.Objects;
import java.util.Optional;

/** The bytes of one image to attach, with optional alt text. */
public record MediaFile(byte[] bytes, Optional<String> altText) {
    public MediaFile {
        Objects.requireNonNull(bytes, "bytes");
        Objects.requireNonNull(altText, "altText");
    }

    @Override
    public String toString() {
        return "MediaFile[" + bytes.length + " bytes, alt=" + altText.isPresent() + "]";
    }
}
