package io.twtbridge.protocol;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A request, whichever format it came in. {@link #id()} is the client's id ({@code msg_id} in the legacy
 * format, {@code id} in JSON); it is the empty string on the WebSocket channel, which has no ids.
 */
public sealed interface Request {

    String id();

    Command command();

    /** Post {@code text} with up to four images as the user owning {@code user}. */
    record Post(
            String id,
            Tokens user,
            String text,
            List<Media> media,
            Optional<String> replyToTweetId,
            PostOptions options)
            implements Request {
        public Post {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(text, "text");
            media = List.copyOf(media);
            Objects.requireNonNull(replyToTweetId, "replyToTweetId");
            Objects.requireNonNull(options, "options");
        }

        /** A plain post ({@link PostOptions#NONE}). */
        public Post(String id, Tokens user, String text, List<Media> media, Optional<String> replyToTweetId) {
            this(id, user, text, media, replyToTweetId, PostOptions.NONE);
        }

        @Override
        public Command command() {
            return Command.UPLOAD_POST;
        }
    }

    /** JSON only: delete the user's post {@code tweetId} ({@code DELETE /2/tweets/:id}). */
    record Delete(String id, Tokens user, String tweetId) implements Request {
        public Delete {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(tweetId, "tweetId");
        }

        @Override
        public Command command() {
            return Command.DELETE_POST;
        }
    }

    /**
     * JSON only: post {@code parts} in order as the user, each replying to the one before (the first to
     * {@code replyToTweetId} when given). Every part has text (X refuses a repeated text, which makes a retry safe).
     */
    record Thread(String id, Tokens user, List<Part> parts, Optional<String> replyToTweetId) implements Request {
        /** Most parts in one thread. */
        public static final int MAX_PARTS = 25;

        public Thread {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(user, "user");
            parts = List.copyOf(parts);
            Objects.requireNonNull(replyToTweetId, "replyToTweetId");
        }

        @Override
        public Command command() {
            return Command.POST_THREAD;
        }

        /** One post of a thread. */
        public record Part(String text, List<Media> media) {
            public Part {
                Objects.requireNonNull(text, "text");
                media = List.copyOf(media);
            }
        }
    }

    /** Start the PIN login: get a request token and the authorize URL. */
    record Auth(String id) implements Request {
        public Auth {
            Objects.requireNonNull(id, "id");
        }

        @Override
        public Command command() {
            return Command.AUTH;
        }
    }

    /** Finish the PIN login: exchange the request token and the PIN for the user's access token. */
    record VerifyPin(String id, String pin, Tokens requestToken) implements Request {
        public VerifyPin {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(pin, "pin");
            Objects.requireNonNull(requestToken, "requestToken");
        }

        @Override
        public Command command() {
            return Command.VERIFY_PIN;
        }

        @Override
        public String toString() {
            return "VerifyPin[id=" + id + ", pin=****, requestToken=" + requestToken + "]";
        }
    }
}
