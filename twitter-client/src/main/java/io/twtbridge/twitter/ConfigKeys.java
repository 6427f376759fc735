package io.twtbridge.twitter;

import io.helidon.config.Config;

/**
 * Reads a configuration key so that its documented environment variable works. Helidon maps a variable
 * {@code FOO_BAR_BAZ} to the key {@code foo.bar.baz}, never to {@code foo.bar-baz}; so a key written with dashes in
 * application.yaml ({@code worker.retry.max-delay}) is looked up with its dashes as dots first
 * ({@code WORKER_RETRY_MAX_DELAY}), then as written. Both processes read every dashed key through here.
 */
public final class ConfigKeys {
    private ConfigKeys() {
    }

    /** The node for {@code key} under {@code parent}: the environment variable's value if set, else the file's. */
    public static Config get(Config parent, String key) {
        if (key.indexOf('-') < 0) {
            return parent.get(key);
        }
        Config fromEnvironment = parent.get(key.replace('-', '.'));
        return fromEnvironment.exists() && fromEnvironment.isLeaf() ? fromEnvironment : parent.get(key);
    }
}
