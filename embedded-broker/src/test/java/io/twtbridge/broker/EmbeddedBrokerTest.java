package io.twtbridge.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The embedded broker speaks AMQP 0-9-1 to the RabbitMQ client, and refuses RabbitMQ's queue arguments. */
class EmbeddedBrokerTest {

    @Test
    void publishesConsumesAndRefusesRabbitMqArguments() throws Exception {
        int port;
        try (EmbeddedBroker broker = EmbeddedBroker.start(0)) {
            port = broker.port();
            ConnectionFactory f = new ConnectionFactory();
            f.setUri(broker.amqpUri());
            try (Connection c = f.newConnection()) {
                Channel ch = c.createChannel();
                ch.queueDeclare("q", true, false, false, null);
                ch.confirmSelect();
                ch.basicPublish("", "q", null, "hello".getBytes(StandardCharsets.UTF_8));
                ch.waitForConfirmsOrDie(5_000);
                GetResponse r = ch.basicGet("q", true);
                assertEquals("hello", new String(r.getBody(), StandardCharsets.UTF_8));
            }
            Connection refused = f.newConnection();
            Channel other = refused.createChannel();
            IOException e = assertThrows(
                    IOException.class,
                    () -> other.queueDeclare("quorum", true, false, false, Map.of("x-queue-type", "quorum")));
            assertTrue(
                    String.valueOf(e.getCause()).contains("Unsupported queue declare argument"),
                    String.valueOf(e.getCause()));
            refused.abort();
        }
        int closedPort = port;
        assertThrows(IOException.class, () -> new Socket("127.0.0.1", closedPort).close(), "the port is released");
    }
}
