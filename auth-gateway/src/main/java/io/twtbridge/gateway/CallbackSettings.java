package io.twtbridge.gateway;

import io.twtbridge.sealing.Sealer;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * The callback login, on when {@code TWITTER_OAUTH_CALLBACK} is an http(s) URL.
 *
 * @param callbackUrl  where X sends the browser back (TWITTER_OAUTH_CALLBACK); its path is served by the gateway
 * @param sealer       seals the pending login into the browser's cookie and the result into the page's fragment;
 *                     every replica holds the same keys
 * @param pendingTtl   how long a started login may wait for X's redirect (at most X's 15 minutes)
 * @param maxPending   logins this replica remembers as finished (the one-time guard); more in flight are refused
 */
record CallbackSettings(URI callbackUrl, Sealer sealer, Duration pendingTtl, int maxPending) {
    static final Duration MAX_TTL = Duration.ofMinutes(15);

    CallbackSettings {
        Objects.requireNonNull(callbackUrl, "callbackUrl");
        Objects.requireNonNull(sealer, "sealer");
        if (pendingTtl.isNegative() || pendingTtl.isZero() || pendingTtl.compareTo(MAX_TTL) > 0) {
            throw new IllegalArgumentException("pendingTtl must be in (0, 15 min]");
        }
    }

    CallbackSettings(URI callbackUrl, Sealer sealer) {
        this(callbackUrl, sealer, Duration.ofMinutes(10), 10_000);
    }

    /** Whether {@code callback} (TWITTER_OAUTH_CALLBACK) asks for the callback login. */
    static boolean isUrl(String callback) {
        return callback.startsWith("https://") || callback.startsWith("http://");
    }

    String path() {
        String p = callbackUrl.getRawPath();
        return p == null || p.isEmpty() ? "/" : p;
    }

    /** Cookies get Secure when the gateway is reached over https. */
    boolean secure() {
        return "https".equals(callbackUrl.getScheme());
    }
}
