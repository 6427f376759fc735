package io.twtbridge.twitter;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * X's rules for a post's media, checked before any upload: up to 4 images (JPEG, PNG, WEBP; a GIF alone), or one
 * MP4 video alone; each within X's size limit; a video's duration (from {@code moov/mvhd}, where the file has it)
 * within X's bounds.
 */
public final class MediaCheck {
    /** X's largest video. */
    public static final long VIDEO_MAX_BYTES = 512L << 20;
    /** X's shortest and longest video for a post. */
    public static final Duration VIDEO_MIN_DURATION = Duration.ofMillis(500);

    public static final Duration VIDEO_MAX_DURATION = Duration.ofSeconds(140);
    public static final String VIDEO_MIME = "video/mp4";

    private MediaCheck() {}

    /** One media item's kind, from its first bytes. */
    sealed interface Kind {
        record Image(ImageType type) implements Kind {}

        record Video() implements Kind {}
    }

    /** The kind of these bytes, if X takes it. */
    static Optional<Kind> kind(byte[] bytes) {
        Optional<ImageType> image = ImageType.detect(bytes);
        if (image.isPresent()) {
            return Optional.of(new Kind.Image(image.get()));
        }
        return Mp4Probe.isMp4(bytes) ? Optional.of(new Kind.Video()) : Optional.empty();
    }

    static Optional<XFailure> check(List<MediaFile> media) {
        if (media.size() > 4) {
            return Optional.of(new XFailure.MediaInvalid("at most 4 images per post"));
        }
        int gifs = 0;
        int videos = 0;
        for (int i = 0; i < media.size(); i++) {
            MediaFile m = media.get(i);
            Optional<Kind> kind = kind(m.bytes());
            if (kind.isEmpty()) {
                return Optional.of(
                        new XFailure.MediaInvalid("image " + (i + 1) + " is not a JPEG, PNG, GIF, WEBP or MP4"));
            }
            Optional<XFailure> f = switch (kind.get()) {
                case Kind.Image img -> image(m, img.type(), i + 1);
                case Kind.Video v -> video(m, i + 1);
            };
            if (f.isPresent()) {
                return f;
            }
            switch (kind.get()) {
                case Kind.Image img when img.type() == ImageType.GIF -> gifs++;
                case Kind.Image img -> {}
                case Kind.Video v -> videos++;
            }
        }
        if (videos > 0 && media.size() > 1) {
            return Optional.of(new XFailure.MediaInvalid("a video must be the only media of a post"));
        }
        if (gifs > 0 && media.size() > 1) {
            return Optional.of(new XFailure.MediaInvalid("a GIF must be the only image of a post"));
        }
        return Optional.empty();
    }

    private static Optional<XFailure> image(MediaFile m, ImageType type, int n) {
        if (m.bytes().length > type.maxBytes()) {
            return Optional.of(new XFailure.MediaTooLarge("image " + n + " is " + m.bytes().length
                    + " bytes; X takes at most " + type.maxBytes() + " for " + type.mimeType()));
        }
        if (m.altText().isPresent() && m.altText().get().length() > 1000) {
            return Optional.of(new XFailure.MediaInvalid("alt text of image " + n + " is over 1000 characters"));
        }
        return Optional.empty();
    }

    private static Optional<XFailure> video(MediaFile m, int n) {
        if (m.bytes().length > VIDEO_MAX_BYTES) {
            return Optional.of(new XFailure.MediaTooLarge("video " + n + " is " + m.bytes().length
                    + " bytes; X takes at most " + VIDEO_MAX_BYTES + " for " + VIDEO_MIME));
        }
        if (m.altText().isPresent()) {
            // X documents alt text (media metadata) for images and GIFs only.
            return Optional.of(new XFailure.MediaInvalid("alt text is not supported for video " + n));
        }
        return switch (Mp4Probe.probe(m.bytes())) {
            case Mp4Probe.Result.Broken b ->
                Optional.of(new XFailure.MediaInvalid("video " + n + " is not a valid MP4: " + b.reason()));
            case Mp4Probe.Result.Mp4 mp4 ->
                mp4.duration()
                        .filter(d -> d.compareTo(VIDEO_MIN_DURATION) < 0 || d.compareTo(VIDEO_MAX_DURATION) > 0)
                        .map(d -> new XFailure.MediaInvalid("video " + n + " lasts " + seconds(d) + " s; X takes "
                                + seconds(VIDEO_MIN_DURATION) + " to " + seconds(VIDEO_MAX_DURATION) + " s"));
        };
    }

    private static String seconds(Duration d) {
        return BigDecimal.valueOf(d.toMillis(), 3).stripTrailingZeros().toPlainString();
    }
}
