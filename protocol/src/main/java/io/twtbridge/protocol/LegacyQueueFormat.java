package io.twtbridge.protocol;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * The legacy queue format of the existing main server: {@code msg_id ÿ command ÿ fields…}, UTF-8, U+00FF
 * between fields. Replies are {@code msg_id ÿ twt ÿ command ÿ result…}. See RPC_FORMAT.md.
 */
public final class LegacyQueueFormat implements QueueFormat {
    /** The one instance. */
    public static final LegacyQueueFormat INSTANCE = new LegacyQueueFormat();

    /** The network name every reply carries in its second field. */
    public static final String NETWORK = "twt";
    /** {@code upload_post} succeeded. */
    public static final String OK = "0";
    /** Any failure that is not about an image or the command. */
    public static final String EXCEPTION_OCCURRED = "exception_occurred";
    /** An image could not be read or uploaded; no post was made. */
    public static final String IMAGE_ERROR = "image error";
    /** The command is unknown. Spelled as the original system spelled it. */
    public static final String UNKNOWN_COMMAND = "unknow command";

    private LegacyQueueFormat() {}

    @Override
    public Decoded decode(byte[] body) {
        try {
            return decodeChecked(body);
        } catch (RuntimeException e) {
            // Not expected: every path above answers. A decoder must not throw all the same.
            return malformed(
                    Problem.INVALID_FIELD, Optional.empty(), Optional.empty(), "the message could not be read");
        }
    }

    private Decoded decodeChecked(byte[] body) {
        if (body == null || body.length == 0) {
            return new Decoded.Malformed(
                    Problem.EMPTY_BODY, Optional.empty(), Optional.empty(), Problem.EMPTY_BODY.description());
        }
        List<byte[]> raw = LegacyFields.splitBytes(body);
        Optional<String> first = Utf8.decode(raw.getFirst());
        if (first.isEmpty()) {
            return malformed(Problem.INVALID_UTF8, Optional.empty(), Optional.empty(), "msg_id is not valid UTF-8");
        }
        if (!Fields.usableId(first.get())) {
            String why = first.get().isEmpty() ? "msg_id is empty" : "msg_id is too long or holds a control character";
            return malformed(Problem.MISSING_ID, Optional.empty(), Optional.empty(), why);
        }
        Optional<String> id = first;
        Optional<Command> command = raw.size() > 1
                ? Utf8.decode(raw.get(1)).flatMap(Command::fromWire).filter(Command::legacy)
                : Optional.empty();
        if (body.length > Limits.MAX_LEGACY_BYTES) {
            return malformed(
                    Problem.TOO_LARGE, id, command, "the message is larger than " + Limits.MAX_LEGACY_BYTES + " bytes");
        }
        String[] fields = new String[raw.size()];
        for (int i = 0; i < fields.length; i++) {
            Optional<String> f = Utf8.decode(raw.get(i));
            if (f.isEmpty()) {
                return malformed(Problem.INVALID_UTF8, id, command, "field " + (i + 1) + " is not valid UTF-8");
            }
            fields[i] = f.get();
        }
        if (fields.length == 1) {
            return malformed(Problem.WRONG_FIELD_COUNT, id, command, "the message has no command");
        }
        if (command.isEmpty()) {
            return malformed(Problem.UNKNOWN_COMMAND, id, command, "unknown command");
        }
        int expected = switch (command.get()) {
            case UPLOAD_POST -> 6;
            case AUTH -> 2;
            case VERIFY_PIN -> 5;
            case DELETE_POST, POST_THREAD -> throw new IllegalStateException("not a legacy command");
        };
        if (fields.length != expected) {
            return malformed(
                    Problem.WRONG_FIELD_COUNT,
                    id,
                    command,
                    command.get().wireName() + " takes " + expected + " fields, got " + fields.length);
        }
        String msgId = id.get();
        return switch (command.get()) {
            case AUTH -> new Decoded.Ok(new Request.Auth(msgId));
            case VERIFY_PIN -> LoginCheck.verifyPin(msgId, fields[2], new Tokens(fields[3], fields[4]));
            case UPLOAD_POST -> post(msgId, new Tokens(fields[2], fields[3]), fields[4], fields[5]);
            case DELETE_POST, POST_THREAD -> throw new IllegalStateException("not a legacy command");
        };
    }

    private static Decoded post(String id, Tokens user, String text, String image) {
        List<Media> media = image.isEmpty() ? List.of() : List.of(Media.of(new MediaSource.FilePath(image)));
        Optional<PostCheck.Failure> failure = PostCheck.check(user, text, media, Optional.empty());
        if (failure.isPresent()) {
            return malformed(
                    failure.get().problem(),
                    Optional.of(id),
                    Optional.of(Command.UPLOAD_POST),
                    failure.get().detail());
        }
        return new Decoded.Ok(new Request.Post(id, user, text, media, Optional.empty()));
    }

    private static Decoded malformed(Problem p, Optional<String> id, Optional<Command> c, String detail) {
        return new Decoded.Malformed(p, id, c, detail);
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException for a post the legacy format cannot carry: more than one image, an
     *                                  image that is not a file path, alt text, or a reply-to id
     */
    @Override
    public byte[] encodeRequest(Request request) {
        return LegacyFields.join(
                switch (request) {
                    case Request.Auth a -> List.of(a.id(), Command.AUTH.wireName());
                    case Request.VerifyPin v ->
                        List.of(
                                v.id(),
                                Command.VERIFY_PIN.wireName(),
                                v.pin(),
                                v.requestToken().token(),
                                v.requestToken().secret());
                    case Request.Post p ->
                        List.of(
                                p.id(),
                                Command.UPLOAD_POST.wireName(),
                                p.user().token(),
                                p.user().secret(),
                                p.text(),
                                legacyImage(p));
                    case Request.Delete ignored ->
                        throw new IllegalArgumentException("delete_post is not a legacy command");
                    case Request.Thread ignored ->
                        throw new IllegalArgumentException("post_thread is not a legacy command");
                });
    }

    private static String legacyImage(Request.Post p) {
        if (p.replyToTweetId().isPresent()
                || p.media().size() > 1
                || !p.options().equals(PostOptions.NONE)) {
            throw new IllegalArgumentException("the legacy format carries at most one image and no reply-to id");
        }
        if (p.media().isEmpty()) {
            return "";
        }
        Media m = p.media().getFirst();
        if (m.altText().isPresent() || !(m.source() instanceof MediaSource.FilePath(String path))) {
            throw new IllegalArgumentException("the legacy format carries an image as a file path, without alt text");
        }
        return path;
    }

    @Override
    public byte[] encodeReply(String id, Command command, Outcome outcome) {
        return LegacyFields.join(
                switch (outcome) {
                    case Outcome.Posted ignored -> List.of(id, NETWORK, command.wireName(), OK);
                    case Outcome.Deleted ignored -> List.of(id, NETWORK, command.wireName(), OK);
                    case Outcome.ThreadPosted t ->
                        List.of(
                                id,
                                NETWORK,
                                command.wireName(),
                                t.failure().map(f -> failureWord(f.code())).orElse(OK));
                    case Outcome.AuthStarted a ->
                        List.of(
                                id,
                                NETWORK,
                                command.wireName(),
                                a.authorizeUrl(),
                                a.requestToken().token(),
                                a.requestToken().secret());
                    case Outcome.PinVerified v ->
                        List.of(
                                id,
                                NETWORK,
                                command.wireName(),
                                v.accessToken().token(),
                                v.accessToken().secret());
                    case Outcome.Failed f -> List.of(id, NETWORK, command.wireName(), failureWord(f.code()));
                });
    }

    /** The legacy word for a failure: {@code image error}, {@code unknow command} or {@code exception_occurred}. */
    static String failureWord(ErrorCode code) {
        if (code.isMediaError()) {
            return IMAGE_ERROR;
        }
        return code == ErrorCode.UNKNOWN_COMMAND ? UNKNOWN_COMMAND : EXCEPTION_OCCURRED;
    }

    /**
     * The fields of a legacy reply, as a client reads one: split on U+00FF ({@code C3 BF}, or a raw {@code FF}), each
     * decoded as UTF-8. Replies are not checked: the first field is the request's {@code msg_id}, the second
     * {@link #NETWORK}, the third the command, then its result ({@link #OK}, a failure word, or a login's fields).
     */
    public static List<String> replyFields(byte[] reply) {
        return LegacyFields.splitBytes(reply).stream()
                .map(b -> new String(b, StandardCharsets.UTF_8))
                .toList();
    }

    @Override
    public String contentType() {
        return null;
    }
}
