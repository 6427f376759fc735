package io.twtbridge.bench;

import io.twtbridge.protocol.Command;
import io.twtbridge.protocol.Decoded;
import io.twtbridge.protocol.JsonQueueFormat;
import io.twtbridge.protocol.LegacyQueueFormat;
import io.twtbridge.protocol.Outcome;
import io.twtbridge.protocol.PostOptions;
import io.twtbridge.protocol.Request;
import io.twtbridge.protocol.Tokens;
import io.twtbridge.sealing.SealKeys;
import io.twtbridge.sealing.SealedTokens;
import io.twtbridge.sealing.Sealer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The queue channel's per-request work, as the worker does it for every post: decoding a request (the JSON format and
 * the legacy one; the router and the shard's handler each decode), opening a sealed token, and encoding the reply.
 * Run by {@link Micro}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CodecBench {
    private static final Tokens USER = new Tokens(
            "1234567890-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abc", "SeCrEt0123456789abcdefghijklmnopqrstuvwxyzABCD");
    private static final String TEXT =
            "Lunch at the new place on 5th street \u2615 \u2014 worth it! #food https://example.com/menu";

    private byte[] jsonPost;
    private byte[] legacyPost;
    private Tokens sealed;
    private SealedTokens sealing;
    private Outcome.Posted posted;

    @Setup
    public void setUp() {
        Request.Post post = new Request.Post(
                "8f0c2a1e-5b7d-4e21-9a3c-2d6f0e8b1c44", USER, TEXT, List.of(), Optional.empty(), PostOptions.NONE);
        jsonPost = JsonQueueFormat.INSTANCE.encodeRequest(post);
        legacyPost = LegacyQueueFormat.INSTANCE.encodeRequest(post);
        sealing = new SealedTokens(new Sealer(new SealKeys(
                "k1",
                Map.of(
                        "k1",
                        new SecretKeySpec(
                                "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII), "AES")))));
        sealed = sealing.seal(USER, "1234567890");
        posted = Outcome.Posted.of("1864213486523012345", "https://x.com/i/status/1864213486523012345");
        if (!(JsonQueueFormat.INSTANCE.decode(jsonPost) instanceof Decoded.Ok)
                || !(LegacyQueueFormat.INSTANCE.decode(legacyPost) instanceof Decoded.Ok)
                || sealing.open(sealed).isEmpty()) {
            throw new IllegalStateException("the benchmark's inputs do not decode");
        }
    }

    @Benchmark
    public Decoded decodeJson() {
        return JsonQueueFormat.INSTANCE.decode(jsonPost);
    }

    @Benchmark
    public Decoded decodeLegacy() {
        return LegacyQueueFormat.INSTANCE.decode(legacyPost);
    }

    @Benchmark
    public Optional<SealedTokens.Opened> openSealedToken() {
        return sealing.open(sealed);
    }

    @Benchmark
    public byte[] encodeReplyJson() {
        return JsonQueueFormat.INSTANCE.encodeReply(
                "8f0c2a1e-5b7d-4e21-9a3c-2d6f0e8b1c44", Command.UPLOAD_POST, posted);
    }

    @Benchmark
    public byte[] encodeReplyLegacy() {
        return LegacyQueueFormat.INSTANCE.encodeReply(
                "8f0c2a1e-5b7d-4e21-9a3c-2d6f0e8b1c44", Command.UPLOAD_POST, posted);
    }
}
