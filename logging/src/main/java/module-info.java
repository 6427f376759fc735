/**
 * The log format shared by the queue-worker and the auth-gateway: {@link io.twtbridge.logging.LogLineFormatter},
 * named in this module's {@code logging.properties}, which Helidon's {@code LogConfig.configureRuntime()} loads.
 */
module io.twtbridge.logging {
    requires java.logging;

    exports io.twtbridge.logging;
}
