package io.twtbridge.broker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import org.apache.qpid.server.SystemLauncher;
import org.apache.qpid.server.model.SystemConfig;

/**
 * An in-memory AMQP 0-9-1 broker (Apache Qpid Broker-J) on 127.0.0.1, user guest/guest, default virtual host.
 * Not RabbitMQ: it refuses RabbitMQ's queue arguments, so the worker talks to it with broker profile {@code plain};
 * {@link #ignoringRabbitMqArguments} makes one that takes them without their meaning, for training.
 */
public final class EmbeddedBroker implements AutoCloseable {
    private final SystemLauncher launcher;
    private final int port;
    private final Path workDir;

    private EmbeddedBroker(SystemLauncher launcher, int port, Path workDir) {
        this.launcher = launcher;
        this.port = port;
        this.workDir = workDir;
    }

    /** Starts a broker on this port (0: a free one). */
    public static EmbeddedBroker start(int port) {
        return start(port, false);
    }

    /**
     * Starts a broker on this port (0: a free one) that accepts the queue arguments of the worker's {@code rabbitmq}
     * profile and ignores those it does not know (quorum queues, delivery limits, length limits): their guarantees are
     * absent. Only for running the worker's code as it runs on RabbitMQ, as its ahead-of-time training does.
     */
    public static EmbeddedBroker ignoringRabbitMqArguments(int port) {
        return start(port, true);
    }

    private static EmbeddedBroker start(int port, boolean ignoreUnknownQueueArguments) {
        try {
            int p = port != 0 ? port : freePort();
            Path work = Files.createTempDirectory("twt-qpid");
            URL config = EmbeddedBroker.class.getClassLoader().getResource("twt-embedded-broker.json");
            if (config == null) {
                throw new IllegalStateException("twt-embedded-broker.json missing from the class path");
            }
            Map<String, String> context = new HashMap<>();
            context.put("qpid.amqp_port", String.valueOf(p));
            context.put("qpid.amqp_host", "127.0.0.1");
            if (ignoreUnknownQueueArguments) {
                context.put("queue.behaviourOnUnknownDeclareArgument", "IGNORE");
            }
            context.put("qpid.work_dir", work.toString());
            context.put("qpid.home_dir", work.toString());
            Map<String, Object> attributes = new HashMap<>();
            attributes.put(SystemConfig.TYPE, "Memory");
            attributes.put(SystemConfig.INITIAL_CONFIGURATION_LOCATION, config.toExternalForm());
            attributes.put(SystemConfig.STARTUP_LOGGED_TO_SYSTEM_OUT, false);
            attributes.put(SystemConfig.CONTEXT, context);
            SystemLauncher launcher = new SystemLauncher();
            launcher.startup(attributes);
            return new EmbeddedBroker(launcher, p, work);
        } catch (Exception e) {
            throw new IllegalStateException("the embedded broker did not start: " + e.getMessage(), e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    public int port() {
        return port;
    }

    /** {@code amqp://guest:guest@127.0.0.1:<port>} (the default virtual host). */
    public URI amqpUri() {
        return URI.create("amqp://guest:guest@127.0.0.1:" + port);
    }

    @Override
    public void close() {
        launcher.shutdown();
        try (var files = Files.walk(workDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
