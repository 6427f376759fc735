package io.twtbridge.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The sandbox's defaults are its application.yaml's; the READMEs that repeat them agree with it. */
class SandboxSettingsTest {
    private static final Path REPO = Path.of(System.getProperty(
            "maven.multiModuleProjectDirectory",
            Path.of("").toAbsolutePath().getParent().toString()));

    @Test
    void defaultsAreThePackagedFileOnAFreePort() {
        TwitterSandbox.Settings packaged = TwitterSandbox.Settings.packaged();
        assertEquals(packaged.withPort(0), TwitterSandbox.Settings.defaults());
        assertEquals(packaged.consumerKey(), TwitterSandbox.DEFAULT_CONSUMER_KEY);
        assertEquals(packaged.consumerSecret(), TwitterSandbox.DEFAULT_CONSUMER_SECRET);
    }

    @Test
    void theReadmesNameThePackagedDefaults() throws Exception {
        TwitterSandbox.Settings packaged = TwitterSandbox.Settings.packaged();
        String base = "http://" + packaged.host() + ":" + packaged.port();
        String sandboxReadme = Files.readString(REPO.resolve("twitter-sandbox/README.md"));
        for (String s : new String[] {
            "`TWITTER_API_BASE_URL=" + base + "`",
            "`TWITTER_CONSUMER_KEY=" + packaged.consumerKey() + "`",
            "`TWITTER_CONSUMER_SECRET=" + packaged.consumerSecret() + "`",
            "twitter-sandbox.jar        # " + base
        }) {
            assertTrue(sandboxReadme.contains(s), "twitter-sandbox/README.md lacks " + s);
        }
        String readme = Files.readString(REPO.resolve("README.md"));
        for (String s : new String[] {
            "TWITTER_CONSUMER_KEY=" + packaged.consumerKey() + " TWITTER_CONSUMER_SECRET=" + packaged.consumerSecret(),
            "TWITTER_API_BASE_URL=" + base + " ",
            "twitter-sandbox.jar          # a fake X on " + base
        }) {
            assertTrue(readme.contains(s), "README.md lacks " + s);
        }
    }
}
