package io.twtbridge.twitter;

import io.helidon.config.Config;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * How to reach X: one base URL from which every endpoint derives, the app's consumer credentials, the OAuth
 * callback ({@code oob} for the PIN flow), timeouts, the longest wait for X to process an uploaded GIF or video, and
 * how many connections to X to keep open for reuse.
 * A process reads it with {@link #from(Config)} (its defaults are in its application.yaml); code builds one with
 * {@link #builder()}. {@link #toString()} never shows the secret.
 */
public record XClientConfig(
        URI baseUri,
        String consumerKey,
        String consumerSecret,
        String callback,
        Duration connectTimeout,
        Duration readTimeout,
        Duration mediaProcessingMaxWait,
        int keptConnections) {

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
        if (keptConnections < 0) {
            throw new IllegalArgumentException("keptConnections must not be negative");
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
     * {@code TWITTER_MEDIA_PROCESSING_MAX_WAIT}, an ISO-8601 duration). Every key but the credentials has its default
     * in the process's application.yaml.
     *
     * @throws IllegalStateException naming the setting when the consumer key or secret is absent, or a duration is
     *     not one
     */
    public static XClientConfig from(Config twitter) {
        String key = twitter.get("consumer.key")
                .asString()
                .filter(v -> !v.isBlank())
                .orElseThrow(() -> new IllegalStateException("TWITTER_CONSUMER_KEY is not set (twitter.consumer.key)"));
        String secret = twitter.get("consumer.secret")
                .asString()
                .filter(v -> !v.isBlank())
                .orElseThrow(() ->
                        new IllegalStateException("TWITTER_CONSUMER_SECRET is not set (twitter.consumer.secret)"));
        return builder()
                .baseUri(URI.create(
                        ConfigKeys.require(twitter, "api.base.url").asString().get()))
                .consumer(key, secret)
                .callback(
                        ConfigKeys.require(twitter, "oauth.callback").asString().get())
                .connectTimeout(ConfigKeys.requireDuration(twitter, "connect-timeout"))
                .readTimeout(ConfigKeys.requireDuration(twitter, "read-timeout"))
                // env TWITTER_MEDIA_PROCESSING_MAX_WAIT arrives as media.processing.max.wait (Helidon: "_" -> ".")
                .mediaProcessingMaxWait(ConfigKeys.requireDuration(twitter, "media.processing-max-wait"))
                .build();
    }

    /** A builder with nothing set: {@link Builder#build()} names what is missing. */
    public static Builder builder() {
        return new Builder();
    }

    /** This config with another OAuth callback (e.g. {@code oob} for the PIN flow). */
    public XClientConfig withCallback(String callback) {
        return toBuilder().callback(callback).build();
    }

    /** How many idle connections to X a client keeps when its config says 0. */
    static final int DEFAULT_KEPT_CONNECTIONS = 256;

    /**
     * This config keeping up to {@code connections} idle connections to X open for reuse; 0: {@value
     * #DEFAULT_KEPT_CONNECTIONS}. A process that makes more calls at once than it keeps closes the extra
     * connections after their call and opens new ones for the next: a TCP and TLS handshake per call beyond the
     * limit. So a process sets it to the most calls it makes at once (the worker: its requests in flight).
     */
    public XClientConfig withKeptConnections(int connections) {
        return toBuilder().keptConnections(connections).build();
    }

    private Builder toBuilder() {
        return builder()
                .baseUri(baseUri)
                .consumer(consumerKey, consumerSecret)
                .callback(callback)
                .connectTimeout(connectTimeout)
                .readTimeout(readTimeout)
                .mediaProcessingMaxWait(mediaProcessingMaxWait)
                .keptConnections(keptConnections);
    }

    /** Every part by name; all are required but the kept connections (0: {@value #DEFAULT_KEPT_CONNECTIONS}). */
    public static final class Builder {
        private URI baseUri;
        private String consumerKey;
        private String consumerSecret;
        private String callback;
        private Duration connectTimeout;
        private Duration readTimeout;
        private Duration mediaProcessingMaxWait;
        private int keptConnections;

        private Builder() {}

        /** Where X is: {@code https://api.x.com}, or a sandbox. */
        public Builder baseUri(URI baseUri) {
            this.baseUri = baseUri;
            return this;
        }

        /** The X app's consumer key and secret. */
        public Builder consumer(String key, String secret) {
            this.consumerKey = key;
            this.consumerSecret = secret;
            return this;
        }

        /** {@code oob} for the PIN flow, or an http(s) callback URL. */
        public Builder callback(String callback) {
            this.callback = callback;
            return this;
        }

        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = connectTimeout;
            return this;
        }

        public Builder readTimeout(Duration readTimeout) {
            this.readTimeout = readTimeout;
            return this;
        }

        /** The longest wait for X to process an uploaded video or GIF. */
        public Builder mediaProcessingMaxWait(Duration mediaProcessingMaxWait) {
            this.mediaProcessingMaxWait = mediaProcessingMaxWait;
            return this;
        }

        /** See {@link XClientConfig#withKeptConnections(int)}. */
        public Builder keptConnections(int keptConnections) {
            this.keptConnections = keptConnections;
            return this;
        }

        /** @throws NullPointerException naming the first part not set */
        public XClientConfig build() {
            return new XClientConfig(
                    baseUri,
                    consumerKey,
                    consumerSecret,
                    callback,
                    connectTimeout,
                    readTimeout,
                    mediaProcessingMaxWait,
                    keptConnections);
        }
    }

    @Override
    public String toString() {
        return "XClientConfig[baseUri=" + baseUri + ", consumerKey=" + consumerKey + ", consumerSecret=****, callback="
                + callback + ", connectTimeout=" + connectTimeout + ", readTimeout=" + readTimeout
                + ", mediaProcessingMaxWait=" + mediaProcessingMaxWait + ", keptConnections=" + keptConnections + "]";
    }
}
