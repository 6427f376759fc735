package io.twtbridge.twitter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A documented variable for a key with dashes takes effect, as Helidon delivers it (dashes become dots). */
class ConfigKeysTest {

    @Test
    void theVariablesDottedKeyWinsOverTheFilesDashedOne() {
        Config file = Config.just(
                ConfigSources.create(Map.of("gateway.trusted-proxies", "", "gateway.idle-timeout", "PT5M")));
        assertEquals(
                "",
                ConfigKeys.get(file.get("gateway"), "trusted-proxies")
                        .asString()
                        .get());
        // GATEWAY_TRUSTED_PROXIES=1 arrives from Helidon's environment source as gateway.trusted.proxies
        Config withVariable = Config.just(
                ConfigSources.create(Map.of("gateway.trusted.proxies", "1")),
                ConfigSources.create(Map.of("gateway.trusted-proxies", "", "gateway.idle-timeout", "PT5M")));
        assertEquals(
                "1",
                ConfigKeys.get(withVariable.get("gateway"), "trusted-proxies")
                        .asString()
                        .get());
        assertEquals(
                "PT5M",
                ConfigKeys.get(withVariable.get("gateway"), "idle-timeout")
                        .asString()
                        .get());
    }

    @Test
    void aKeyWithoutItsDefaultIsNamed() {
        Config file = Config.just(ConfigSources.create(Map.of("gateway.idle-timeout", "PT5M")));
        assertEquals(
                "PT5M",
                ConfigKeys.require(file.get("gateway"), "idle-timeout")
                        .asString()
                        .get());
        IllegalStateException missing = assertThrows(
                IllegalStateException.class, () -> ConfigKeys.require(file.get("gateway"), "ping-interval"));
        assertEquals("gateway.ping-interval is not set (application.yaml)", missing.getMessage());
    }

    @Test
    void realEnvironmentVariablesAreDeliveredWithDots() {
        // The premise, checked against Helidon itself: its environment source maps PATH-like names with '_' to '.'.
        Config env = Config.just(ConfigSources.environmentVariables());
        String home = System.getenv("JAVA_HOME");
        if (home != null) {
            assertEquals(home, env.get("java.home").asString().get());
        }
        assertEquals(System.getenv("PATH"), env.get("PATH").asString().get());
    }
}
