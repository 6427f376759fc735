package io.twtbridge.protocol;

import java.util.List;
import java.util.Optional;

/**
 * The legacy WebSocket format of the existing login pages: text frames, fields separated by U+00FF, no ids.
 * Requests are {@code auth} and {@code verify_pin ÿ pin ÿ request_token ÿ request_token_secret}; replies start
 * with {@code twt}. Decoded requests carry the empty string as their id. See RPC_FORMAT.md.
 */
public final class LegacySocketFormat {
    /** Reply word of a failed {@code auth} or {@code verify_pin}. */
    public static final String EXCEPTION_OCCURRED = LegacyQueueFormat.EXCEPTION_OCCURRED;
    /** Second field of replies to frames whose command is unknown or missing. */
    public static final String ERROR = "error";

    private LegacySocketFormat() {}

    /** Decodes one text frame. Never throws. */
    public static Decoded decode(String frame) {
        if (frame == null || frame.isEmpty()) {
            return new Decoded.Malformed(
                    Problem.EMPTY_BODY, Optional.empty(), Optional.empty(), Problem.EMPTY_BODY.description());
        }
        List<String> fields = LegacyFields.splitText(frame);
        Optional<Command> command =
                Command.fromWire(fields.getFirst()).filter(c -> c == Command.AUTH || c == Command.VERIFY_PIN);
        if (command.isEmpty()) {
            return new Decoded.Malformed(
                    Problem.UNKNOWN_COMMAND, Optional.empty(), Optional.empty(), "unknown command");
        }
        int expected = command.get() == Command.AUTH ? 1 : 4;
        if (fields.size() != expected) {
            return new Decoded.Malformed(
                    Problem.WRONG_FIELD_COUNT,
                    Optional.empty(),
                    command,
                    command.get().wireName() + " takes " + expected + " fields, got " + fields.size());
        }
        if (command.get() == Command.AUTH) {
            return new Decoded.Ok(new Request.Auth(""));
        }
        Decoded d = LoginCheck.verifyPin("", fields.get(1), new Tokens(fields.get(2), fields.get(3)));
        return d instanceof Decoded.Malformed m
                ? new Decoded.Malformed(m.problem(), Optional.empty(), m.command(), m.detail())
                : d;
    }

    /** Encodes a request as the login page sends it. Posts are not a WebSocket command. */
    public static String encodeRequest(Request request) {
        return LegacyFields.joinText(
                switch (request) {
                    case Request.Auth ignored -> List.of(Command.AUTH.wireName());
                    case Request.VerifyPin v ->
                        List.of(
                                Command.VERIFY_PIN.wireName(),
                                v.pin(),
                                v.requestToken().token(),
                                v.requestToken().secret());
                    case Request.Post ignored ->
                        throw new IllegalArgumentException("upload_post is not a WebSocket command");
                    case Request.Delete ignored ->
                        throw new IllegalArgumentException("delete_post is not a WebSocket command");
                    case Request.Thread ignored ->
                        throw new IllegalArgumentException("post_thread is not a WebSocket command");
                });
    }

    /** The fields of a reply frame, as a page reads one: {@code twt}, the command (or {@link #ERROR}), then its result. */
    public static List<String> replyFields(String reply) {
        return LegacyFields.splitText(reply);
    }

    /**
     * Encodes the reply to a frame whose command is {@code command} (empty when it could not be read).
     * A success has exactly the fields the pages expect; a failure never has as many.
     */
    public static String encodeReply(Optional<Command> command, Outcome outcome) {
        return LegacyFields.joinText(
                switch (outcome) {
                    case Outcome.AuthStarted a ->
                        List.of(
                                LegacyQueueFormat.NETWORK,
                                Command.AUTH.wireName(),
                                a.authorizeUrl(),
                                a.requestToken().token(),
                                a.requestToken().secret());
                    case Outcome.PinVerified v ->
                        List.of(
                                LegacyQueueFormat.NETWORK,
                                Command.VERIFY_PIN.wireName(),
                                v.accessToken().token(),
                                v.accessToken().secret());
                    case Outcome.Failed f
                    when command.isPresent() && f.code() != ErrorCode.UNKNOWN_COMMAND ->
                        List.of(LegacyQueueFormat.NETWORK, command.get().wireName(), EXCEPTION_OCCURRED);
                    case Outcome.Failed f ->
                        List.of(LegacyQueueFormat.NETWORK, ERROR, f.code().wireName());
                    case Outcome.Posted ignored ->
                        throw new IllegalArgumentException("no post is made over the WebSocket");
                    case Outcome.Deleted ignored ->
                        throw new IllegalArgumentException("no post is deleted over the WebSocket");
                    case Outcome.ThreadPosted ignored ->
                        throw new IllegalArgumentException("no thread is posted over the WebSocket");
                });
    }
}
