package io.twtbridge.protocol;

import java.util.Objects;
import java.util.Optional;

/**
 * What a JSON post may ask beyond text, media and a reply-to id (the legacy format carries none of it).
 *
 * @param longPost      whether the post may be up to {@link Limits#MAX_LONG_POST_WEIGHTED} weighted characters (X
 *                      decides whether the user may post long); {@code false} keeps X's 280
 * @param quoteTweetId  the post this one quotes (X: {@code quote_tweet_id})
 * @param poll          a poll (not with media nor a quote, as X requires)
 * @param replySettings who may reply
 */
public record PostOptions(
        boolean longPost, Optional<String> quoteTweetId, Optional<Poll> poll, Optional<ReplySettings> replySettings) {
    /** Nothing asked: a plain post. */
    public static final PostOptions NONE = new PostOptions(false, Optional.empty(), Optional.empty(), Optional.empty());

    public PostOptions {
        Objects.requireNonNull(quoteTweetId, "quoteTweetId");
        Objects.requireNonNull(poll, "poll");
        Objects.requireNonNull(replySettings, "replySettings");
    }

    /** Only {@code longPost}. */
    public PostOptions(boolean longPost) {
        this(longPost, Optional.empty(), Optional.empty(), Optional.empty());
    }

    public PostOptions withLongPost(boolean value) {
        return new PostOptions(value, quoteTweetId, poll, replySettings);
    }
}
