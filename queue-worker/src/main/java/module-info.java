/**
 * The queue-worker process: consumes posting requests from RabbitMQ queue {@code twt}, posts them to X through
 * twitter-client, and answers exactly once (on {@code to_server}, or the request's {@code reply_to}).
 */
module io.twtbridge.worker {
    requires io.twtbridge.protocol;
    requires io.twtbridge.twitter;
    requires com.rabbitmq.client;
    requires io.helidon.webserver;
    requires io.helidon.webserver.observe;
    requires io.helidon.webserver.observe.health;
    requires io.helidon.webserver.observe.metrics;
    requires io.helidon.health;
    requires io.helidon.metrics.api;
    requires io.helidon.config;
    requires io.helidon.config.yaml;
    requires io.helidon.logging.common;
    requires io.helidon.webclient;
    requires io.helidon.webclient.api;
    requires io.helidon.common.tls;
    requires io.helidon.http;
    requires java.net.http;

    exports io.twtbridge.worker;
}
