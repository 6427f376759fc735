package io.twtbridge.twitter;

import io.helidon.config.Config;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * How to reach X: one base URL from which every endpoint derives, the app's consumer credentials, the OAuth
 * callback ({@code oob} for the PIN flow), timeouts, and the longest wait for X to process an uploaded GIF or video.
 * {@link #toString()} never shows the secret.
 */
public record XClientConfig(URI baseUri, String consumerKey, String consumerSecret, String callback,
                            Duration connectTimeout, Duration readTimeout, Duration mediaProcessingMaxWait) {
    /** X's production API. */
    public static final URI X_API = URI.create("https://api.x.com");
    /** The default longest wait for X's processing of an upload (a video of 140 s may take a while). */
    public static final Duration DEFAULT_MEDIA_PROCESSING_MAX_WAIT = Duration.ofMinutes(5);

    /** With the default {@link #DEFAULT_MEDIA_PROCESSING_MAX_WAIT}. */
    public XClientConfig(URI baseUri, String consumerKey, String consumerSecret, String callback,
                         Duration connectTimeout, Duration readTimeout) {
        this(baseUri, consumerKey, consumerSecret, callback, connectTimeout, readTimeout, DEFAULT_MEDIA_PROCESSING_MAX_WAIT);
    }

    public XClientConfig {
        Objects.requireNonNull(baseUri, "baseUri");
        Objects.requireNonNull(consumerKey, "consumerKey");
        Objects.requireNonNull(consumerSecret, "consumerSecret");
        Objects.requireNonNull(callback, "callback");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(readTimeout, "readTimeout");
        Objects.requireNonNull(mediaProcessingMaxWait, "mediaProcessingMaxWait");
        if (mediaProcessingMaxWait.isNegative()) {
            throw new IllegalArgumentException("mediaProcessingMaxWait must not be negative");
        }
        String s = baseUri.toString();
        if (s.endsWith("/")) {
            baseUri = URI.create(s.substring(0, s.length() - 1));
        }
    }

    /**
     * Reads the {@code twitter} config node: {@code consumer.key}, {@code consumer.secret} (env
     * {@code TWITTER_CONSUMER_KEY}, {@code TWITTER_CONSUMER_SECRET}), {@code api.base.url} (env
     * {@code TWITTER_API_BASE_URL}), {@code oauth.callback} (env {@code TWITTER_OAUTH_CALLBACK}),
     * {@code connect-timeout}, {@code read-timeout} and {@code media.processing-max-wait} (env
     * {@code TWITTER_MEDIA_PROCESSING_MAX_WAIT}, an ISO-8601 duration, default 5 min).
     *
     * @throws IllegalStateException naming the missing setting when the consumer key or secret is absent
     */
    public static XClientConfig from(Config twitter) {
        String key = twitter.get("consumer.key").asString().filter(v -> !v.isBlank()).orElseThrow(() ->
                new IllegalStateException("TWITTER_CONSUMER_KEY is not set (twitter.consumer.key)"));
        String secret = twitter.get("consumer.secret").asString().filter(v -> !v.isBlank()).orElseThrow(() ->
                new IllegalStateException("TWITTER_CONSUMER_SECRET is not set (twitter.consumer.secret)"));
        return new XClientConfig(URI.create(twitter.get("api.base.url").asString().orElse(X_API.toString())),
                key, secret,
                twitter.get("oauth.callback").asString().orElse("oob"),
                ConfigKeys.get(twitter, "connect-timeout").as(Duration.class).orElse(Duration.ofSeconds(5)),
                ConfigKeys.get(twitter, "read-timeout").as(Duration.class).orElse(Duration.ofSeconds(20)),
                // env TWITTER_MEDIA_PROCESSING_MAX_WAIT arrives as media.processing.max.wait (Helidon: "_" -> ".")
                ConfigKeys.get(twitter, "media.processing-max-wait").as(Duration.class).asOptional()
                        .orElse(DEFAULT_MEDIA_PROCESSING_MAX_WAIT));
    }

    @Override
    public String toString() {
        return "XClientConfig[baseUri=" + baseUri + ", consumerKey=" + consumerKey + ", consumerSecret=****, callback="
                + callback + ", connectTimeout=" + connectTimeout + ", readTimeout=" + readTimeout
                + ", mediaProcessingMaxWait=" + mediaProcessingMaxWait + "]";
    }
}
