package io.twtbridge.sandbox;

import java.time.Clock;
import java.time.Instant;

/**
 * Everything the sandbox remembers, one store per resource: {@link Users} (with their {@link OAuthTokens}),
 * {@link Posts}, {@link Media}, the {@link RateLimits}, the injected {@link Faults} and the {@link Counters}.
 */
record SandboxState(
        Clock clock,
        Ids ids,
        RateLimits rateLimits,
        OAuthTokens tokens,
        Users users,
        Posts posts,
        Media media,
        Faults faults,
        Counters counters) {

    static SandboxState create(Clock clock, Limits limits, String defaultConsumerKey) {
        Ids ids = new Ids();
        RateLimits rateLimits = new RateLimits(clock, limits);
        OAuthTokens tokens = new OAuthTokens(clock, rateLimits);
        Users users = new Users(ids, tokens, defaultConsumerKey);
        return new SandboxState(
                clock, ids, rateLimits, tokens, users, new Posts(), new Media(), new Faults(users), new Counters());
    }

    Instant now() {
        return clock.instant();
    }

    Limits limits() {
        return rateLimits.limits();
    }

    /** Forgets users, tokens, posts, media, windows, faults and counters; keeps the registered apps. */
    void reset(Limits limits) {
        users.reset();
        tokens.reset();
        posts.reset();
        media.reset();
        faults.clear();
        counters.reset();
        rateLimits.limits(limits);
    }
}
