package io.twtbridge.protocol;

import java.util.Optional;

/** The commands a client can send, by their wire name. */
public enum Command {
    UPLOAD_POST("upload_post"),
    AUTH("auth"),
    VERIFY_PIN("verify_pin"),
    /** JSON format only: the legacy formats answer it as an unknown command. */
    DELETE_POST("delete_post"),
    /** JSON format only: an ordered list of posts, each replying to the one before. */
    POST_THREAD("post_thread");

    private final String wireName;

    Command(String wireName) {
        this.wireName = wireName;
    }

    /** The name as it travels on the wire, e.g. {@code upload_post}. */
    public String wireName() {
        return wireName;
    }

    /** Whether the legacy field format carries this command (the legacy bytes never change). */
    public boolean legacy() {
        return this != DELETE_POST && this != POST_THREAD;
    }

    /** The command with this exact wire name, if any. */
    public static Optional<Command> fromWire(String name) {
        for (Command c : values()) {
            if (c.wireName.equals(name)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }
}
