package io.twtbridge.worker;

import io.twtbridge.broker.EmbeddedBroker;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;

/**
 * The broker the tests use. {@code -Dtwt.test.broker=rabbitmq|embedded|auto} (default auto): auto uses
 * {@code AMQP_TEST_URI} if set, else RabbitMQ on 127.0.0.1:5672 if it answers, else the embedded broker.
 */
final class TestBroker {
    private static TestBroker instance;

    private final URI uri;
    private final boolean rabbitMq;

    private TestBroker(URI uri, boolean rabbitMq) {
        this.uri = uri;
        this.rabbitMq = rabbitMq;
    }

    static synchronized TestBroker get() {
        if (instance == null) {
            instance = choose();
        }
        return instance;
    }

    private static TestBroker choose() {
        String mode = System.getProperty("twt.test.broker", "auto");
        String env = System.getenv("AMQP_TEST_URI");
        if (!mode.equals("embedded")) {
            if (env != null) {
                return new TestBroker(URI.create(env), true);
            }
            if (answers("127.0.0.1", 5672) || mode.equals("rabbitmq")) {
                return new TestBroker(URI.create("amqp://guest:guest@127.0.0.1:5672/"), true);
            }
            System.err.println(
                    "[twt tests] nothing answers on 127.0.0.1:5672: using the embedded broker (Qpid Broker-J);"
                            + " tests that need RabbitMQ-only features are skipped (they fail when CI=true)");
        }
        EmbeddedBroker broker = EmbeddedBroker.start(0);
        Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "twt-test-broker-stop"));
        return new TestBroker(broker.amqpUri(), false);
    }

    private static boolean answers(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    URI uri() {
        return uri;
    }

    boolean isRabbitMq() {
        return rabbitMq;
    }

    /** The worker's broker profile for this broker. */
    String profile() {
        return rabbitMq ? "rabbitmq" : "plain";
    }
}
