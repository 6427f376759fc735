package io.twtbridge.twitter;

import java.util.Optional;

/** The image types X accepts, detected from the bytes (never from a file name), with X's size limits. */
public enum ImageType {
    JPEG("image/jpeg", 5L << 20),
    PNG("image/png", 5L << 20),
    GIF("image/gif", 15L << 20),
    WEBP("image/webp", 5L << 20);

    private final String mimeType;
    private final long maxBytes;

    ImageType(String mimeType, long maxBytes) {
        this.mimeType = mimeType;
        this.maxBytes = maxBytes;
    }

    public String mimeType() {
        return mimeType;
    }

    public long maxBytes() {
        return maxBytes;
    }

    /** The type from the magic bytes, if it is one X accepts. */
    public static Optional<ImageType> detect(byte[] b) {
        if (b.length >= 3 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xD8 && (b[2] & 0xFF) == 0xFF) {
            return Optional.of(JPEG);
        }
        if (b.length >= 8
                && (b[0] & 0xFF) == 0x89
                && b[1] == 'P'
                && b[2] == 'N'
                && b[3] == 'G'
                && b[4] == 0x0D
                && b[5] == 0x0A
                && b[6] == 0x1A
                && b[7] == 0x0A) {
            return Optional.of(PNG);
        }
        if (b.length >= 6
                && b[0] == 'G'
                && b[1] == 'I'
                && b[2] == 'F'
                && b[3] == '8'
                && (b[4] == '7' || b[4] == '9')
                && b[5] == 'a') {
            return Optional.of(GIF);
        }
        if (b.length >= 12
                && b[0] == 'R'
                && b[1] == 'I'
                && b[2] == 'F'
                && b[3] == 'F'
                && b[8] == 'W'
                && b[9] == 'E'
                && b[10] == 'B'
                && b[11] == 'P') {
            return Optional.of(WEBP);
        }
        return Optional.empty();
    }
}
