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
 * @param pendingTtl   how long a started login may wait for X's redirect (at most X's 15 minutes;
 *                     {@code gateway.callback.pending-ttl}, GATEWAY_CALLBACK_PENDING_TTL)
 * @param maxPending   logins this replica remembers as finished (the one-time guard); more in flight are refused
 *                     ({@code gateway.callback.max-pending}, GATEWAY_CALLBACK_MAX_PENDING)
 */
record CallbackSettings(URI callbackUrl, Sealer sealer, Duration pendingTtl, int maxPending) {
    static final Duration MAX_TTL = Duration.ofMinutes(15);

    CallbackSettings {
        Objects.requireNonNull(callbackUrl, "callbackUrl");
        Objects.requireNonNull(sealer, "sealer");
        checkPendingTtl(pendingTtl);
        checkMaxPending(maxPending);
    }

    /** @throws IllegalStateException naming GATEWAY_CALLBACK_PENDING_TTL unless it is in (0, 15 min] */
    static Duration checkPendingTtl(Duration pendingTtl) {
        if (pendingTtl.isNegative() || pendingTtl.isZero() || pendingTtl.compareTo(MAX_TTL) > 0) {
            throw new IllegalStateException("GATEWAY_CALLBACK_PENDING_TTL must be more than 0 and at most PT15M");
        }
        return pendingTtl;
    }

    /** @throws IllegalStateException naming GATEWAY_CALLBACK_MAX_PENDING unless it is at least 1 */
    static int checkMaxPending(int maxPending) {
        if (maxPending < 1) {
            throw new IllegalStateException("GATEWAY_CALLBACK_MAX_PENDING must be at least 1");
        }
        return maxPending;
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
