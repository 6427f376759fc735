package io.twtbridge.worker;

import io.twtbridge.protocol.ErrorCode;
import io.twtbridge.protocol.Media;
import io.twtbridge.protocol.MediaSource;
import io.twtbridge.protocol.Outcome;
import io.twtbridge.twitter.MediaFile;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads the bytes of a request's images: files only under the allowed upload directory (symlinks resolved, no
 * escapes), {@code https} URLs only to public addresses (size cap, timeouts, limited redirects), or inline data.
 */
final class MediaLoader {
    /** The largest image X takes (a GIF); anything bigger is refused before it is read whole. */
    static final long MAX_BYTES = 15L << 20;

    private final Optional<Path> allowedDir;
    private final WorkerConfig.MediaFetch fetch;
    private final HttpClient http;

    MediaLoader(Optional<Path> allowedDir, WorkerConfig.MediaFetch fetch) {
        this.allowedDir = allowedDir;
        this.fetch = fetch;
        this.http = HttpClient.newBuilder().connectTimeout(fetch.timeout()).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** The loaded images, or the failure to answer with. */
    sealed interface Loaded {
        record Files(List<MediaFile> files) implements Loaded {
        }

        record Failed(Outcome.Failed failure) implements Loaded {
        }
    }

    Loaded load(List<Media> media) {
        List<MediaFile> files = new ArrayList<>(media.size());
        for (int i = 0; i < media.size(); i++) {
            Media m = media.get(i);
            String which = "image " + (i + 1);
            Result r = switch (m.source()) {
                case MediaSource.FilePath p -> file(p.path(), which);
                case MediaSource.Url u -> url(u.url(), which);
                case MediaSource.Data d -> d.bytes().length > MAX_BYTES
                        ? fail(ErrorCode.MEDIA_TOO_LARGE, which + " is larger than " + MAX_BYTES + " bytes")
                        : new Result(d.bytes(), null);
            };
            if (r.failure() != null) {
                return new Loaded.Failed(r.failure());
            }
            files.add(new MediaFile(r.bytes(), m.altText()));
        }
        return new Loaded.Files(files);
    }

    private record Result(byte[] bytes, Outcome.Failed failure) {
    }

    private static Result fail(ErrorCode code, String message) {
        return new Result(null, Outcome.Failed.of(code, message));
    }

    private Result file(String path, String which) {
        if (allowedDir.isEmpty()) {
            return fail(ErrorCode.MEDIA_UNREACHABLE, which + ": file paths are not accepted (MEDIA_ALLOWED_DIR is not set)");
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
            if (Files.size(real) > MAX_BYTES) {
                return fail(ErrorCode.MEDIA_TOO_LARGE, which + " is larger than " + MAX_BYTES + " bytes");
            }
            return new Result(Files.readAllBytes(real), null);
        } catch (NoSuchFileException e) {
            return fail(ErrorCode.MEDIA_UNREACHABLE, which + " does not exist");
        } catch (IOException | RuntimeException e) {
            return fail(ErrorCode.MEDIA_UNREACHABLE, which + " cannot be read");
        }
    }

    private Result url(URI start, String which) {
        URI uri = start;
        for (int hop = 0; hop <= fetch.maxRedirects(); hop++) {
            String refused = refused(uri);
            if (refused != null) {
                return fail(ErrorCode.MEDIA_UNREACHABLE, which + ": " + refused);
            }
            try {
                HttpResponse<InputStream> res = http.send(HttpRequest.newBuilder(uri).timeout(fetch.timeout()).GET().build(),
                        HttpResponse.BodyHandlers.ofInputStream());
                int status = res.statusCode();
                if (status >= 300 && status < 400 && res.headers().firstValue("location").isPresent()) {
                    res.body().close();
                    uri = uri.resolve(res.headers().firstValue("location").get());
                    continue;
                }
                try (InputStream in = res.body()) {
                    if (status != 200) {
                        return fail(ErrorCode.MEDIA_UNREACHABLE, which + ": the URL answered " + status);
                    }
                    long declared = res.headers().firstValueAsLong("content-length").orElse(-1);
                    long cap = Math.min(fetch.maxBytes(), MAX_BYTES);
                    if (declared > cap) {
                        return fail(ErrorCode.MEDIA_TOO_LARGE, which + " is larger than " + cap + " bytes");
                    }
                    byte[] bytes = in.readNBytes((int) cap + 1);
                    if (bytes.length > cap) {
                        return fail(ErrorCode.MEDIA_TOO_LARGE, which + " is larger than " + cap + " bytes");
                    }
                    return new Result(bytes, null);
                }
            } catch (IOException e) {
                return fail(ErrorCode.MEDIA_UNREACHABLE, which + ": the URL could not be fetched");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return fail(ErrorCode.MEDIA_UNREACHABLE, which + ": interrupted");
            }
        }
        return fail(ErrorCode.MEDIA_UNREACHABLE, which + ": too many redirects");
    }

    /** Why this URL may not be fetched, or null. */
    private String refused(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase();
        if (!scheme.equals("https") && !(fetch.allowHttp() && scheme.equals("http"))) {
            return "only https URLs are fetched";
        }
        if (uri.getHost() == null) {
            return "the URL has no host";
        }
        if (fetch.allowPrivateAddresses()) {
            return null;
        }
        try {
            for (InetAddress a : InetAddress.getAllByName(uri.getHost())) {
                if (a.isLoopbackAddress() || a.isSiteLocalAddress() || a.isLinkLocalAddress() || a.isAnyLocalAddress()
                        || a.isMulticastAddress() || isUniqueLocal(a)) {
                    return "the URL points to a private address";
                }
            }
        } catch (UnknownHostException e) {
            return "the URL's host is unknown";
        }
        return null;
    }

    private static boolean isUniqueLocal(InetAddress a) {
        byte[] b = a.getAddress();
        return b.length == 16 && (b[0] & 0xFE) == 0xFC;
    }
}
