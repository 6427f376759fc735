package io.twtbridge.sandbox;

import java.time.Instant;
import java.util.List;

/** A post the sandbox accepted, with everything it was sent with. */
public record Post(
        String id,
        String authorId,
        String authorScreenName,
        String text,
        List<String> mediaIds,
        List<String> altTexts,
        String inReplyTo,
        Instant createdAt,
        String quoteTweetId,
        List<String> pollOptions,
        int pollDurationMinutes,
        String replySettings) {
    /** A post without quote, poll or reply settings. */
    public Post(
            String id,
            String authorId,
            String authorScreenName,
            String text,
            List<String> mediaIds,
            List<String> altTexts,
            String inReplyTo,
            Instant createdAt) {
        this(id, authorId, authorScreenName, text, mediaIds, altTexts, inReplyTo, createdAt, null, List.of(), 0, null);
    }
}
