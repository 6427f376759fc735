package io.twtbridge.worker;

import io.twtbridge.protocol.ErrorCode;
import io.twtbridge.protocol.Media;
import io.twtbridge.protocol.MediaSource;
import io.twtbridge.protocol.Outcome;
import io.twtbridge.twitter.ImageType;
import io.twtbridge.twitter.MediaCheck;
import io.twtbridge.twitter.MediaFile;
import io.twtbridge.twitter.Mp4Probe;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads the bytes of a request's images and videos (MP4, told apart by the first bytes): files only under the allowed upload directory (symlinks resolved, no
 * escapes), {@code https} URLs only to public addresses ({@link UrlFetcher}: type from the first bytes, size cap,
 * one deadline, limited redirects), or inline data. The bytes are reserved in the worker's {@link MediaBudget}
 * before they are read, and stay reserved until the loaded media is closed (after its upload to X).
 */
final class MediaLoader {
    /** The largest image X takes (a GIF); anything bigger is refused before it is read whole. */
    static final long MAX_BYTES = 15L << 20;
    /** The largest video X takes; a file or URL is refused past it (and past the budget) before it is read whole. */
    static final long MAX_VIDEO_BYTES = MediaCheck.VIDEO_MAX_BYTES;

    private final Optional<Path> allowedDir;
    private final WorkerConfig.MediaFetch fetch;
    private final UrlFetcher urls;
    private final MediaBudget budget;

    MediaLoader(Optional<Path> allowedDir, WorkerConfig.MediaFetch fetch) {
        this(allowedDir, fetch, new MediaBudget(fetch.budgetBytes()));
    }

    MediaLoader(Optional<Path> allowedDir, WorkerConfig.MediaFetch fetch, MediaBudget budget) {
        this.allowedDir = allowedDir;
        this.fetch = fetch;
        this.urls = new UrlFetcher(fetch);
        this.budget = budget;
    }

    /** The loaded images, or the failure to answer with. */
    sealed interface Loaded {
        /** The images; closing gives their bytes back to the budget (idempotent). */
        record Files(List<MediaFile> files, MediaBudget.Lease lease) implements Loaded, AutoCloseable {
            @Override
            public void close() {
                lease.close();
            }
        }

        record Failed(Outcome.Failed failure) implements Loaded {}

        /** Interrupted while waiting for the budget or a URL (the worker is stopping): to be tried again, not answered. */
        record Interrupted() implements Loaded {}
    }

    /** One item's source, checked, with the bytes to reserve for it. */
    private sealed interface Plan {
        record Bytes(byte[] bytes) implements Plan {}

        record File(Path real, long size) implements Plan {}

        record Url(URI url, long cap) implements Plan {}
    }

    Loaded load(List<Media> media) {
        List<Plan> plans = new ArrayList<>(media.size());
        long reserve = 0;
        for (int i = 0; i < media.size(); i++) {
            Result<Plan> p = plan(media.get(i).source(), which(i), media.size() > 1);
            if (p.failure() != null) {
                return new Loaded.Failed(p.failure());
            }
            plans.add(p.value());
            reserve += switch (p.value()) {
                case Plan.Bytes b -> b.bytes().length;
                case Plan.File f -> f.size();
                case Plan.Url u -> u.cap();
            };
        }
        MediaBudget.Lease lease;
        try {
            switch (budget.reserve(reserve)) {
                case MediaBudget.Reservation.Granted g -> lease = g.lease();
                case MediaBudget.Reservation.TooLarge t -> {
                    return new Loaded.Failed(Outcome.Failed.of(
                            ErrorCode.MEDIA_TOO_LARGE,
                            "the images may take " + t.requested() + " bytes, more than this worker holds at once ("
                                    + t.budget() + " bytes, WORKER_MEDIA_BUDGET)"));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Loaded.Interrupted();
        }
        try {
            List<MediaFile> files = new ArrayList<>(media.size());
            long used = 0;
            for (int i = 0; i < plans.size(); i++) {
                Result<byte[]> r = switch (plans.get(i)) {
                    case Plan.Bytes b -> new Result<>(b.bytes(), null);
                    case Plan.File f -> readFile(f, which(i));
                    case Plan.Url u -> fetchUrl(u, which(i));
                };
                if (r == null) {
                    lease.close();
                    return new Loaded.Interrupted();
                }
                if (r.failure() != null) {
                    lease.close();
                    return new Loaded.Failed(r.failure());
                }
                used += r.value().length;
                files.add(new MediaFile(r.value(), media.get(i).altText()));
            }
            lease.shrinkTo(used);
            return new Loaded.Files(files, lease);
        } catch (RuntimeException e) {
            lease.close(); // never expected; the bytes must not stay reserved all the same
            throw e;
        }
    }

    private static String which(int i) {
        return "image " + (i + 1);
    }

    private record Result<T>(T value, Outcome.Failed failure) {}

    private static <T> Result<T> fail(ErrorCode code, String message) {
        return new Result<>(null, Outcome.Failed.of(code, message));
    }

    private Result<Plan> plan(MediaSource source, String which, boolean several) {
        return switch (source) {
            case MediaSource.Data d ->
                d.bytes().length > maxBytes(d.bytes())
                        ? fail(ErrorCode.MEDIA_TOO_LARGE, which + " is larger than " + maxBytes(d.bytes()) + " bytes")
                        : new Result<>(new Plan.Bytes(d.bytes()), null);
            case MediaSource.FilePath p -> planFile(p.path(), which);
            // Reserved before the type is known: up to the URL cap (MEDIA_URL_MAX_BYTES), at most X's video limit; in a
            // post of several items each is a still image (a GIF or a video must be alone), so at most X's image limit.
            case MediaSource.Url u ->
                new Result<>(
                        new Plan.Url(
                                u.url(),
                                Math.min(fetch.maxBytes(), several ? ImageType.JPEG.maxBytes() : MAX_VIDEO_BYTES)),
                        null);
        };
    }

    /** The most bytes media starting with {@code head} may have: X's video limit for an MP4, else the largest image's. */
    private static long maxBytes(byte[] head) {
        return Mp4Probe.isMp4(head) ? MAX_VIDEO_BYTES : MAX_BYTES;
    }

    private Result<Plan> planFile(String path, String which) {
        if (allowedDir.isEmpty()) {
            return fail(
                    ErrorCode.MEDIA_UNREACHABLE,
                    which + ": file paths are not accepted (MEDIA_ALLOWED_DIR is not set)");
        }
        try {
            Path base = allowedDir.get().toRealPath();
            Path given = Path.of(path);
            Path real = (given.isAbsolute() ? given : base.resolve(given)).toRealPath();
            if (!real.startsWith(base)) {
                return fail(ErrorCode.MEDIA_UNREACHABLE, which + " is outside the upload directory");
            }
            if (!Files.isRegularFile(real)) {
                return fail(ErrorCode.MEDIA_UNREACHABLE, which + " is not a regular file");
            }
            long size = Files.size(real);
            long max = MAX_BYTES;
            if (size > MAX_BYTES) {
                try (InputStream in = Files.newInputStream(real)) {
                    max = maxBytes(in.readNBytes(12));
                }
            }
            if (size > max) {
                return fail(ErrorCode.MEDIA_TOO_LARGE, which + " is larger than " + max + " bytes");
            }
            return new Result<>(new Plan.File(real, size), null);
        } catch (NoSuchFileException e) {
            return fail(ErrorCode.MEDIA_UNREACHABLE, which + " does not exist");
        } catch (IOException | RuntimeException e) {
            return fail(ErrorCode.MEDIA_UNREACHABLE, which + " cannot be read");
        }
    }

    /** Reads at most the size reserved for the file: one that grew since is refused rather than read whole. */
    private static Result<byte[]> readFile(Plan.File f, String which) {
        try (InputStream in = Files.newInputStream(f.real())) {
            byte[] bytes = in.readNBytes((int) f.size() + 1);
            if (bytes.length > f.size()) {
                return fail(ErrorCode.MEDIA_UNREACHABLE, which + " changed while it was read");
            }
            return new Result<>(bytes, null);
        } catch (IOException | RuntimeException e) {
            return fail(ErrorCode.MEDIA_UNREACHABLE, which + " cannot be read");
        }
    }

    /** The image's bytes, the failure to answer with, or null when interrupted. */
    private Result<byte[]> fetchUrl(Plan.Url u, String which) {
        return switch (urls.fetch(u.url(), u.cap())) {
            case UrlFetcher.Fetched.Image img -> new Result<>(img.bytes(), null);
            case UrlFetcher.Fetched.Video video -> new Result<>(video.bytes(), null);
            case UrlFetcher.Fetched.Failed f ->
                fail(f.code(), f.reason().startsWith("is ") ? which + " " + f.reason() : which + ": " + f.reason());
            case UrlFetcher.Fetched.Interrupted i -> null;
        };
    }
}
