package io.twtbridge.worker;

import io.helidon.common.tls.Tls;
import io.helidon.http.HeaderNames;
import io.helidon.webclient.api.DnsAddressLookup;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.Proxy;
import io.helidon.webclient.api.WebClient;
import io.helidon.webclient.api.WebClientConfig;
import io.helidon.webclient.spi.DnsResolver;
import io.twtbridge.protocol.ErrorCode;
import io.twtbridge.twitter.ImageType;
import io.twtbridge.twitter.MediaCheck;
import io.twtbridge.twitter.Mp4Probe;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import javax.net.ssl.SSLContext;

/**
 * Fetches one image from a URL, with bounded work:
 * <ul>
 *   <li><b>the address checked is the address connected to</b>: Helidon's WebClient asks our {@link DnsResolver}
 *       for the address of each connection; it looks the name up once, refuses the connection if any answer is not
 *       a public address ({@link AddressPolicy}), and the client connects to exactly that address, while TLS still
 *       sends the name (SNI) and verifies the certificate against it. No second lookup can rebind the name. (The
 *       JDK's HttpClient has no resolver hook; connecting it to an IP literal breaks SNI and hostname checks.)</li>
 *   <li>every redirect is a new request through the same checks, at most {@code maxRedirects};</li>
 *   <li>the type is decided from the first bytes: anything not JPEG, PNG, GIF, WEBP or MP4 (an {@code ftyp}
 *       box at offset 4) is refused and the connection closed before the rest is read;</li>
 *   <li>the size is capped while streaming (the type's limit, and the configured cap);</li>
 *   <li>one deadline for the whole fetch, redirects included: the fetch runs on its own virtual thread, and when
 *       the deadline passes the response is closed and the thread interrupted (a virtual thread's blocking socket
 *       read is then aborted), so a server that trickles bytes, headers or body, cannot hold a request.</li>
 * </ul>
 */
final class UrlFetcher {
    private final WorkerConfig.MediaFetch fetch;
    private final WebClient client;

    UrlFetcher(WorkerConfig.MediaFetch fetch) {
        this(fetch, fetch.allowPrivateAddresses() ? a -> Optional.empty() : AddressPolicy::refusal);
    }

    /** With another address check (tests: refuse one loopback address, allow another). */
    UrlFetcher(WorkerConfig.MediaFetch fetch, Function<InetAddress, Optional<String>> refusal) {
        this(fetch, refusal, Optional.empty());
    }

    /**
     * With another address check, and for tests another TLS trust (certificates are still checked against the
     * URL's host name: Helidon's default endpoint identification, HTTPS).
     */
    UrlFetcher(
            WorkerConfig.MediaFetch fetch,
            Function<InetAddress, Optional<String>> refusal,
            Optional<SSLContext> trust) {
        this.fetch = fetch;
        WebClientConfig.Builder b = WebClient.builder()
                .dnsResolver(new CheckingResolver(refusal))
                .proxy(Proxy.noProxy())
                .connectTimeout(fetch.timeout())
                .readTimeout(fetch.timeout())
                .followRedirects(false)
                .shareConnectionCache(false);
        trust.ifPresent(ctx ->
                b.tls(t -> t.sslContext(ctx).endpointIdentificationAlgorithm(Tls.ENDPOINT_IDENTIFICATION_HTTPS)));
        this.client = b.build();
    }

    /** What a fetch gave. */
    sealed interface Fetched {
        record Image(byte[] bytes, ImageType type) implements Fetched {}

        /** An MP4 (by its first bytes); its box structure is checked later, before the upload. */
        record Video(byte[] bytes) implements Fetched {}

        /** {@code reason} never holds the URL (it may carry credentials). */
        record Failed(ErrorCode code, String reason) implements Fetched {}

        /** The caller was interrupted (the worker is stopping): nothing to answer, try again later. */
        record Interrupted() implements Fetched {}
    }

    /** Fetches the image at {@code url}, at most {@code capBytes} long, within the configured timeout. */
    Fetched fetch(URI url, long capBytes) {
        long deadline = System.nanoTime() + fetch.timeout().toNanos();
        AtomicReference<HttpClientResponse> open = new AtomicReference<>();
        FutureTask<Fetched> task = new FutureTask<>(() -> follow(url, capBytes, open));
        Thread.ofVirtual().name("media-fetch").start(task);
        try {
            return task.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            abort(task, open);
            return new Fetched.Failed(
                    ErrorCode.MEDIA_UNREACHABLE, "the URL was not fetched within " + describe(fetch.timeout()));
        } catch (InterruptedException e) {
            abort(task, open);
            Thread.currentThread().interrupt();
            return new Fetched.Interrupted();
        } catch (ExecutionException e) {
            return new Fetched.Failed(ErrorCode.MEDIA_UNREACHABLE, "the URL could not be fetched");
        }
    }

    private static void abort(FutureTask<Fetched> task, AtomicReference<HttpClientResponse> open) {
        task.cancel(true);
        HttpClientResponse r = open.get();
        if (r != null) {
            try {
                r.close(); // closes the connection: a read blocked on it ends
            } catch (RuntimeException ignored) {
                // already closed
            }
        }
    }

    private Fetched follow(URI start, long capBytes, AtomicReference<HttpClientResponse> open) {
        URI uri = start;
        for (int hop = 0; hop <= fetch.maxRedirects(); hop++) {
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase();
            if (!scheme.equals("https") && !(fetch.allowHttp() && scheme.equals("http"))) {
                return new Fetched.Failed(ErrorCode.MEDIA_UNREACHABLE, "only https URLs are fetched");
            }
            if (uri.getHost() == null) {
                return new Fetched.Failed(ErrorCode.MEDIA_UNREACHABLE, "the URL has no host");
            }
            try (HttpClientResponse res = client.get()
                    .uri(uri)
                    .followRedirects(false)
                    .keepAlive(false)
                    .request()) {
                open.set(res);
                int status = res.status().code();
                Optional<String> location = res.headers().first(HeaderNames.LOCATION);
                if (status >= 300 && status < 400 && location.isPresent()) {
                    uri = uri.resolve(location.get());
                    continue;
                }
                if (status != 200) {
                    return new Fetched.Failed(ErrorCode.MEDIA_UNREACHABLE, "the URL answered " + status);
                }
                long declared = res.headers().contentLength().orElse(-1);
                return read(res.inputStream(), declared, capBytes);
            } catch (Refused e) {
                return new Fetched.Failed(ErrorCode.MEDIA_UNREACHABLE, e.getMessage());
            } catch (IOException | RuntimeException e) {
                Refused r = refusedCause(e);
                return new Fetched.Failed(
                        ErrorCode.MEDIA_UNREACHABLE, r != null ? r.getMessage() : "the URL could not be fetched");
            } finally {
                open.set(null);
            }
        }
        return new Fetched.Failed(ErrorCode.MEDIA_UNREACHABLE, "too many redirects");
    }

    /** Reads the body: type from the first bytes, then at most the type's limit (and the cap). */
    static Fetched read(InputStream in, long declared, long capBytes) throws IOException {
        byte[] head = in.readNBytes(12);
        Optional<ImageType> type = ImageType.detect(head);
        boolean video = type.isEmpty() && Mp4Probe.isMp4(head);
        if (type.isEmpty() && !video) {
            return new Fetched.Failed(ErrorCode.MEDIA_INVALID, "is not a JPEG, PNG, GIF, WEBP or MP4");
        }
        long limit = Math.min(
                capBytes, video ? MediaCheck.VIDEO_MAX_BYTES : type.get().maxBytes());
        if (declared > limit) {
            return new Fetched.Failed(ErrorCode.MEDIA_TOO_LARGE, "is larger than " + limit + " bytes");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(declared > 0 ? (int) declared : 64 << 10);
        out.write(head);
        byte[] buf = new byte[64 << 10];
        long total = head.length;
        int n;
        while ((n = in.read(buf, 0, (int) Math.min(buf.length, limit + 1 - total))) > 0) {
            total += n;
            if (total > limit) {
                return new Fetched.Failed(ErrorCode.MEDIA_TOO_LARGE, "is larger than " + limit + " bytes");
            }
            out.write(buf, 0, n);
        }
        return video ? new Fetched.Video(out.toByteArray()) : new Fetched.Image(out.toByteArray(), type.get());
    }

    private static Refused refusedCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof Refused r) {
                return r;
            }
        }
        return null;
    }

    private static String describe(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    /** A connection refused before it was made; the message is the answer's reason. */
    static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Resolves a name once, and answers the address to connect to only if no address of the name is refused
     * (public addresses only, unless private addresses are allowed, for tests).
     */
    record CheckingResolver(Function<InetAddress, Optional<String>> refusal) implements DnsResolver {
        @Override
        public InetAddress resolveAddress(String hostname, DnsAddressLookup lookup) {
            InetAddress[] all;
            try {
                all = InetAddress.getAllByName(hostname);
            } catch (UnknownHostException e) {
                throw new Refused("the URL's host is unknown");
            }
            for (InetAddress a : all) {
                Optional<String> why = refusal.apply(a);
                if (why.isPresent()) {
                    throw new Refused("the URL points to a private address (" + why.get() + ")");
                }
            }
            InetAddress[] preferred = lookup.filter(all);
            return preferred.length > 0 ? preferred[0] : all[0];
        }
    }
}
