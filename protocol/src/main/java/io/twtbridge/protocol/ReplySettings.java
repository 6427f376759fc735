package io.twtbridge.protocol;

import java.util.Optional;

/** Who may reply to a post (X: {@code reply_settings}); without it, everyone. */
public enum ReplySettings {
    FOLLOWING("following"),
    MENTIONED_USERS("mentionedUsers"),
    SUBSCRIBERS("subscribers"),
    VERIFIED("verified");

    private final String wireName;

    ReplySettings(String wireName) {
        this.wireName = wireName;
    }

    /** The name in requests and in X's API, e.g. {@code mentionedUsers}. */
    public String wireName() {
        return wireName;
    }

    public static Optional<ReplySettings> fromWire(String name) {
        for (ReplySettings r : values()) {
            if (r.wireName.equals(name)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }
}
