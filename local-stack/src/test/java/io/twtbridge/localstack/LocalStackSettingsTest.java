package io.twtbridge.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The local stack's settings: defaults written once, the environment over them, and the README's banner showing them. */
class LocalStackSettingsTest {
    private static final Path REPO = Path.of(System.getProperty(
            "maven.multiModuleProjectDirectory",
            Path.of("").toAbsolutePath().getParent().toString()));

    @Test
    void anEmptyEnvironmentGivesTheDefaults() {
        assertEquals(LocalStack.Settings.defaults(), LocalStack.Settings.fromEnvironment(Map.of()));
        assertEquals(
                LocalStack.Settings.defaults(),
                LocalStack.Settings.fromEnvironment(Map.of("LOCAL_DEMO_PORT", " ", "AMQP_URI", "")));
    }

    @Test
    void eachVariableSetsItsSettingOnly() {
        LocalStack.Settings expected = LocalStack.Settings.defaults()
                .withDemoPort(1)
                .withGatewayPort(2)
                .withSandboxPort(3)
                .withBrokerPort(4)
                .withAmqpUri(Optional.of(URI.create("amqp://h:5672/")))
                .withXBaseUri(Optional.of(URI.create("https://api.x.com")))
                .withConsumerKey(Optional.of("k"))
                .withConsumerSecret(Optional.of("s"));
        assertEquals(
                expected,
                LocalStack.Settings.fromEnvironment(Map.of(
                        "LOCAL_DEMO_PORT",
                        "1",
                        "LOCAL_GATEWAY_PORT",
                        "2",
                        "LOCAL_SANDBOX_PORT",
                        "3",
                        "LOCAL_BROKER_PORT",
                        " 4 ",
                        "AMQP_URI",
                        "amqp://h:5672/",
                        "TWITTER_API_BASE_URL",
                        "https://api.x.com",
                        "TWITTER_CONSUMER_KEY",
                        "k",
                        "TWITTER_CONSUMER_SECRET",
                        "s")));
        assertEquals(
                LocalStack.Settings.defaults().withGatewayPort(0),
                LocalStack.Settings.fromEnvironment(Map.of("LOCAL_GATEWAY_PORT", "0")));
    }

    /** The README shows the banner of a stack started with the defaults. */
    @Test
    void theReadmesBannerShowsTheDefaultPorts() throws Exception {
        String readme = Files.readString(REPO.resolve("README.md"));
        LocalStack.Settings d = LocalStack.Settings.defaults();
        for (String line : new String[] {
            "  Demo (you are the main server):  http://localhost:" + d.demoPort() + "/",
            "  Login page of the auth-gateway:  http://localhost:" + d.gatewayPort() + "/",
            "  X:                               http://127.0.0.1:" + d.sandboxPort() + "  (sandbox;",
            "  Broker:                          127.0.0.1:" + d.brokerPort() + "  (embedded"
        }) {
            assertTrue(readme.contains(line), "README.md's local stack banner lacks: " + line.strip());
        }
    }
}
