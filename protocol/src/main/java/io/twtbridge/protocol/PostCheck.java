package io.twtbridge.protocol;

import java.util.List;
import java.util.Optional;

/** The checks every format applies to a post's fields, so both formats reject the same things. */
final class PostCheck {
    private PostCheck() {}

    /** The first problem with these post fields, as a detail string, or empty when they are fine. */
    static Optional<Failure> check(Tokens user, String text, List<Media> media, Optional<String> replyTo) {
        Optional<Failure> f = field("access_token", user.token(), Limits.MAX_TOKEN_CHARS, false, true)
                .or(() -> user.isSealed()
                        ? Optional.empty()
                        : field("access_token_secret", user.secret(), Limits.MAX_TOKEN_CHARS, false, true))
                .or(() -> field("text", text, Limits.MAX_TEXT_CHARS, true, false));
        if (f.isPresent()) {
            return f;
        }
        if (media.size() > Limits.MAX_MEDIA) {
            return Optional.of(new Failure(Problem.INVALID_FIELD, "at most " + Limits.MAX_MEDIA + " media items"));
        }
        for (int i = 0; i < media.size(); i++) {
            Media m = media.get(i);
            String name = "media[" + i + "]";
            Optional<Failure> mf = switch (m.source()) {
                case MediaSource.FilePath p -> field(name + ".path", p.path(), Limits.MAX_LOCATION_CHARS, false, true);
                case MediaSource.Url u ->
                    field(name + ".url", u.url().toString(), Limits.MAX_LOCATION_CHARS, false, true);
                case MediaSource.Data d ->
                    d.bytes().length == 0
                            ? Optional.of(new Failure(Problem.INVALID_FIELD, "field '" + name + ".data' is empty"))
                            : Optional.empty();
            };
            if (mf.isEmpty() && m.altText().isPresent()) {
                mf = field(name + ".alt_text", m.altText().get(), Limits.MAX_ALT_TEXT_CHARS, true, false);
            }
            if (mf.isPresent()) {
                return mf;
            }
        }
        if (replyTo.isPresent()) {
            Optional<Failure> rf = tweetId("reply_to_tweet_id", replyTo.get());
            if (rf.isPresent()) {
                return rf;
            }
        }
        if (text.isBlank() && media.isEmpty()) {
            return Optional.of(new Failure(Problem.INVALID_FIELD, "a post needs text or media"));
        }
        return Optional.empty();
    }

    /** The first problem with a post's options (a quote's id, a poll), checked before X; empty when they are fine. */
    static Optional<Failure> options(PostOptions options, List<Media> media) {
        if (options.quoteTweetId().isPresent()) {
            Optional<Failure> q =
                    tweetId("quote_tweet_id", options.quoteTweetId().get());
            if (q.isPresent()) {
                return q;
            }
        }
        if (options.poll().isEmpty()) {
            return Optional.empty();
        }
        Poll poll = options.poll().get();
        if (!media.isEmpty() || options.quoteTweetId().isPresent()) {
            return Optional.of(new Failure(Problem.INVALID_FIELD, "a poll cannot go with media or a quote"));
        }
        if (poll.options().size() < Poll.MIN_OPTIONS || poll.options().size() > Poll.MAX_OPTIONS) {
            return Optional.of(new Failure(
                    Problem.INVALID_FIELD, "a poll has " + Poll.MIN_OPTIONS + " to " + Poll.MAX_OPTIONS + " options"));
        }
        for (int i = 0; i < poll.options().size(); i++) {
            String o = poll.options().get(i);
            String name = "poll.options[" + i + "]";
            Optional<Failure> f = field(name, o, Poll.MAX_OPTION_CHARS, false, true);
            if (f.isPresent()) {
                return f;
            }
            if (o.isBlank()) {
                return Optional.of(new Failure(Problem.INVALID_FIELD, "field '" + name + "' is blank"));
            }
        }
        if (poll.durationMinutes() < Poll.MIN_MINUTES || poll.durationMinutes() > Poll.MAX_MINUTES) {
            return Optional.of(new Failure(
                    Problem.INVALID_FIELD,
                    "'poll.duration_minutes' must be from " + Poll.MIN_MINUTES + " to " + Poll.MAX_MINUTES));
        }
        return Optional.empty();
    }

    /** The problem with a post id field (1 to 32 digits), if any. */
    static Optional<Failure> tweetId(String name, String id) {
        if (id.isEmpty()
                || id.length() > Limits.MAX_TWEET_ID_CHARS
                || !id.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return Optional.of(new Failure(Problem.INVALID_FIELD, "field '" + name + "' is not a tweet id"));
        }
        return Optional.empty();
    }

    /** The problem with one field value, if any. */
    static Optional<Failure> field(String name, String value, int maxChars, boolean allowLines, boolean required) {
        if (required && value.isEmpty()) {
            return Optional.of(new Failure(Problem.INVALID_FIELD, "field '" + name + "' is empty"));
        }
        return Fields.check(value, maxChars, allowLines).map(p -> new Failure(p, Fields.detail(p, name, maxChars)));
    }

    /** A problem and its detail. */
    record Failure(Problem problem, String detail) {}
}
