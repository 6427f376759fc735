package io.twtbridge.twitter;

import io.helidon.common.media.type.MediaTypes;
import io.helidon.config.Config;
import io.helidon.config.ConfigException;
import io.helidon.config.ConfigSources;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * How both processes read their configuration. Each process's defaults are written once, in the application.yaml
 * of its jar, and its config classes ({@code WorkerConfig}, {@code GatewayConfig}, {@link XClientConfig}) read every
 * key through {@link #require} without a default of their own.
 * <p>
 * Environment variables: Helidon maps a variable {@code FOO_BAR_BAZ} to the key {@code foo.bar.baz}, never to
 * {@code foo.bar-baz}; so a key written with dashes in application.yaml ({@code worker.retry.max-delay}) is looked up
 * with its dashes as dots first ({@code WORKER_RETRY_MAX_DELAY}), then as written.
 */
public final class ConfigKeys {
    private ConfigKeys() {}

    /** The node for {@code key} under {@code parent}: the environment variable's value if set, else the file's. */
    public static Config get(Config parent, String key) {
        if (key.indexOf('-') < 0) {
            return parent.get(key);
        }
        Config fromEnvironment = parent.get(key.replace('-', '.'));
        return fromEnvironment.exists() && fromEnvironment.isLeaf() ? fromEnvironment : parent.get(key);
    }

    /**
     * Like {@link #get}, for a key application.yaml always sets: missing, it is a {@link IllegalStateException}
     * naming the key (a config built without the process's application.yaml).
     */
    public static Config require(Config parent, String key) {
        Config node = get(parent, key);
        if (!node.exists()) {
            String at = parent.key().toString();
            throw new IllegalStateException((at.isEmpty() ? "" : at + ".") + key + " is not set (application.yaml)");
        }
        return node;
    }

    /**
     * {@link #require}d and read as a {@link Duration} (ISO-8601, e.g. {@code PT20S}); a value that is not one is an
     * {@link IllegalStateException} naming the key.
     */
    public static Duration requireDuration(Config parent, String key) {
        Config node = require(parent, key);
        try {
            return node.as(Duration.class).get();
        } catch (ConfigException e) {
            throw new IllegalStateException(node.key() + " is not a duration such as PT20S");
        }
    }

    /**
     * A process's configuration inside another program (tests, the local stack, benchmarks): {@code overrides}
     * (keys as in application.yaml) over the application.yaml packed with {@code app} (a class of that process, e.g.
     * {@code WorkerConfig.class}), without environment variables or system properties. The file is found next to
     * {@code app}'s class file, so that the worker's and the gateway's files can share one class path.
     */
    public static Config applicationYaml(Class<?> app, Map<String, String> overrides) {
        String classFile = app.getName().replace('.', '/') + ".class";
        String self = String.valueOf(app.getResource("/" + classFile));
        if (!self.endsWith(classFile)) {
            throw new IllegalStateException("cannot locate the class file of " + app.getName());
        }
        URI yaml = URI.create(self.substring(0, self.length() - classFile.length()) + "application.yaml");
        String content;
        try (InputStream in = yaml.toURL().openStream()) {
            content = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("no application.yaml next to " + app.getName() + " (" + yaml + ")", e);
        }
        return Config.just(
                ConfigSources.create(overrides), ConfigSources.create(content, MediaTypes.APPLICATION_X_YAML));
    }
}
