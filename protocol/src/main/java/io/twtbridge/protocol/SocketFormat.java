package io.twtbridge.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;

/**
 * The WebSocket channel as a whole: a text frame starting with <code>{</code> is a JSON request in the queue's JSON
 * format ({@link JsonQueueFormat}, answered in JSON), any other frame is in the legacy WebSocket format
 * ({@link LegacySocketFormat}). A frame that is not a request gets its reply here too: in JSON when its {@code id} and
 * {@code command} could be read, otherwise the legacy {@code twt ÿ error ÿ …} reply. See RPC_FORMAT.md §6.
 */
public final class SocketFormat {
    /** A frame starting with this character is JSON. */
    static final char JSON_START = '{';

    private SocketFormat() {}

    /** What one frame holds. */
    public sealed interface Frame {
        /** A request; its reply goes back in the frame's format ({@code legacy} or JSON). */
        record Ok(Request request, boolean legacy) implements Frame {
            public Ok {
                Objects.requireNonNull(request, "request");
            }

            /** The reply frame for this request's outcome. */
            public String reply(Outcome outcome) {
                return legacy
                        ? LegacySocketFormat.encodeReply(Optional.of(request.command()), outcome)
                        : new String(
                                JsonQueueFormat.INSTANCE.encodeReply(request.id(), request.command(), outcome),
                                StandardCharsets.UTF_8);
            }
        }

        /** Not a request: {@code reply} is the frame to answer with (never repeating what the client sent). */
        record Refused(String reply) implements Frame {
            public Refused {
                Objects.requireNonNull(reply, "reply");
            }
        }
    }

    /** Reads one text frame. Never throws. */
    public static Frame read(String frame) {
        if (frame != null && !frame.isEmpty() && frame.charAt(0) == JSON_START) {
            return switch (JsonQueueFormat.INSTANCE.decode(frame.getBytes(StandardCharsets.UTF_8))) {
                case Decoded.Ok ok -> new Frame.Ok(ok.request(), false);
                case Decoded.Malformed m
                when m.id().isPresent() && m.command().isPresent() ->
                    new Frame.Refused(new String(
                            JsonQueueFormat.INSTANCE.encodeReply(
                                    m.id().get(), m.command().get(), m.failure()),
                            StandardCharsets.UTF_8));
                case Decoded.Malformed m ->
                    new Frame.Refused(LegacySocketFormat.encodeReply(
                            Optional.empty(),
                            m.problem() == Problem.UNKNOWN_COMMAND
                                    ? m.failure()
                                    : Outcome.Failed.of(ErrorCode.BAD_REQUEST, m.detail())));
            };
        }
        return switch (LegacySocketFormat.decode(frame)) {
            case Decoded.Ok ok -> new Frame.Ok(ok.request(), true);
            case Decoded.Malformed m -> new Frame.Refused(LegacySocketFormat.encodeReply(m.command(), m.failure()));
        };
    }

    /** The reply to a frame the server failed on: {@code twt ÿ error ÿ bad_request}, nothing of the failure. */
    public static String internalError() {
        return LegacySocketFormat.encodeReply(
                Optional.empty(), Outcome.Failed.of(ErrorCode.BAD_REQUEST, "internal error"));
    }
}
