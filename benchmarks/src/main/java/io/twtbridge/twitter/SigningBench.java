package io.twtbridge.twitter;

import com.github.scribejava.core.builder.ServiceBuilder;
import com.github.scribejava.core.model.OAuth1AccessToken;
import com.github.scribejava.core.model.OAuthRequest;
import com.github.scribejava.core.model.Verb;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Signing one post to X as {@code XClient} does it (scribejava's OAuth 1.0a service with {@link XApi}'s
 * {@link Rfc5849} base string and header): the Authorization header of {@code POST /2/tweets}. In twitter-client's
 * package (the benchmarks run on the class path) because the signer is not part of its exported API. Run by
 * {@code io.twtbridge.bench.Micro}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SigningBench {
    private static final String URL = "https://api.x.com/2/tweets";
    private XApi.Signer signer;
    private OAuth1AccessToken token;

    @Setup
    public void setUp() {
        signer = (XApi.Signer) new ServiceBuilder("xvz1evFS4wEEPTGEFPHBog")
                .apiSecret("kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw")
                .callback("oob")
                .build(new XApi("https://api.x.com", null));
        token = new OAuth1AccessToken(
                "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb", "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE");
    }

    @Benchmark
    public String signPost() {
        OAuthRequest request = new OAuthRequest(Verb.POST, URL);
        signer.signRequest(token, request);
        return request.getHeaders().get("Authorization");
    }
}
