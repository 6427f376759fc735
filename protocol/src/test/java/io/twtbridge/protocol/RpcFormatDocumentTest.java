package io.twtbridge.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * RPC_FORMAT.md cannot drift from the code: every example the document marks with {@code <!-- example: KIND -->}
 * (the fenced block after the comment) is run here, requests through the decoders and replies through the encoders,
 * and the {@code error.code} table is checked against the legacy words the encoder writes.
 * <p>
 * Legacy and WebSocket examples are lines {@code readable    hex}: the readable form has {@code ÿ} between fields
 * (surrounding spaces are only for reading), two or more spaces, then the bytes in hex.
 */
class RpcFormatDocumentTest {
    private static final Path DOCUMENT = Path.of("..", "RPC_FORMAT.md");
    private static final Pattern MARKER =
            Pattern.compile("<!-- example: ([a-z-]+) -->\\s*\\n```[a-z]*\\n(.*?)\\n```", Pattern.DOTALL);
    private static final Set<String> KINDS =
            Set.of("legacy-request", "legacy-reply", "json-request", "json-reply", "socket-request", "socket-reply");

    private static String text;
    private static Map<String, List<String>> blocks;

    @BeforeAll
    static void read() throws IOException {
        text = Files.readString(DOCUMENT, StandardCharsets.UTF_8);
        blocks = new LinkedHashMap<>();
        Matcher m = MARKER.matcher(text);
        while (m.find()) {
            assertTrue(KINDS.contains(m.group(1)), "unknown example kind in RPC_FORMAT.md: " + m.group(1));
            blocks.computeIfAbsent(m.group(1), k -> new ArrayList<>()).add(m.group(2));
        }
        int markers = (int) Pattern.compile("<!-- example: [a-z-]+ -->")
                .matcher(text)
                .results()
                .count();
        assertEquals(
                markers,
                blocks.values().stream().mapToInt(List::size).sum(),
                "every <!-- example: … --> comment must be followed by a fenced block");
    }

    @Test
    void everyKindOfExampleIsThere() {
        assertEquals(KINDS, blocks.keySet());
    }

    // ---- legacy queue format

    @Test
    void legacyRequestsDecodeToWhatTheirReadableFormSays() {
        int n = 0;
        for (Example e : lines("legacy-request")) {
            List<String> f = e.fields();
            Request expected = switch (f.get(1)) {
                case "upload_post" ->
                    new Request.Post(
                            f.get(0),
                            new Tokens(f.get(2), f.get(3)),
                            f.get(4),
                            f.get(5).isEmpty() ? List.of() : List.of(Media.of(new MediaSource.FilePath(f.get(5)))),
                            Optional.empty());
                case "auth" -> new Request.Auth(f.get(0));
                case "verify_pin" -> new Request.VerifyPin(f.get(0), f.get(2), new Tokens(f.get(3), f.get(4)));
                default -> throw new AssertionError("not a command: " + e.line());
            };
            e.assertHexIsReadable(true);
            assertEquals(new Decoded.Ok(expected), LegacyQueueFormat.INSTANCE.decode(e.bytes()), e.line());
            if (e.hexIsUtf8()) {
                assertArrayEquals(e.bytes(), LegacyQueueFormat.INSTANCE.encodeRequest(expected), e.line());
            }
            n++;
        }
        assertTrue(n >= 4, "legacy request examples: " + n);
    }

    @Test
    void legacyRepliesAreWhatTheEncoderWrites() {
        int n = 0;
        for (Example e : lines("legacy-reply")) {
            List<String> f = e.fields();
            assertEquals(LegacyQueueFormat.NETWORK, f.get(1), e.line());
            Command command =
                    Command.fromWire(f.get(2)).orElseThrow(() -> new AssertionError("not a command: " + e.line()));
            e.assertHexIsReadable(false);
            assertArrayEquals(
                    e.bytes(),
                    LegacyQueueFormat.INSTANCE.encodeReply(f.get(0), command, outcome(command, f.subList(3, f.size()))),
                    e.line());
            n++;
        }
        assertTrue(n >= 6, "legacy reply examples: " + n);
    }

    /** The outcome a legacy reply's last fields stand for. */
    private static Outcome outcome(Command command, List<String> rest) {
        if (rest.size() == 1) {
            return switch (rest.getFirst()) {
                case LegacyQueueFormat.OK -> Outcome.Posted.of("1850", "https://x.com/i/status/1850");
                case LegacyQueueFormat.IMAGE_ERROR -> Outcome.Failed.of(ErrorCode.MEDIA_INVALID, "not an image");
                case LegacyQueueFormat.UNKNOWN_COMMAND ->
                    Outcome.Failed.of(ErrorCode.UNKNOWN_COMMAND, "unknown command");
                case LegacyQueueFormat.EXCEPTION_OCCURRED -> Outcome.Failed.of(ErrorCode.BAD_REQUEST, "bad");
                default -> throw new AssertionError("not a reply word: " + rest);
            };
        }
        return switch (command) {
            case AUTH -> new Outcome.AuthStarted(rest.get(0), new Tokens(rest.get(1), rest.get(2)));
            case VERIFY_PIN -> new Outcome.PinVerified(new Tokens(rest.get(0), rest.get(1)), "42", "jo");
            default -> throw new AssertionError(command.wireName() + " replies have one last field: " + rest);
        };
    }

    /** §4's table: every error code is listed once, with the legacy reply the encoder writes for it. */
    @Test
    void errorCodeTableMatchesTheLegacyWords() {
        Matcher row =
                Pattern.compile("(?m)^\\| `([a-z_]+)` \\| `([a-z_ ]+)` \\|").matcher(text);
        EnumSet<ErrorCode> listed = EnumSet.noneOf(ErrorCode.class);
        while (row.find()) {
            ErrorCode code = Arrays.stream(ErrorCode.values())
                    .filter(c -> c.wireName().equals(row.group(1)))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError(
                            "RPC_FORMAT.md lists an error code the code does not have: " + row.group(1)));
            assertTrue(listed.add(code), "listed twice: " + code.wireName());
            byte[] reply =
                    LegacyQueueFormat.INSTANCE.encodeReply("1", Command.UPLOAD_POST, Outcome.Failed.of(code, "m"));
            List<String> fields = List.of(new String(reply, StandardCharsets.UTF_8).split("\u00ff", -1));
            assertEquals(row.group(2), fields.getLast(), "legacy reply of " + code.wireName());
        }
        assertEquals(EnumSet.allOf(ErrorCode.class), listed, "every error code is in RPC_FORMAT.md §4's table");
    }

    /**
     * §5's table of what {@code twt.dead} holds: every word is one {@link DeadLetter} accepts, every word the worker
     * writes for its own causes is there, and the decoders' problems it lists are the ones a request without a usable
     * id can have.
     */
    @Test
    void deadLetterTableListsTheWordsOfDeadLetter() {
        int start = text.indexOf("| `" + DeadLetter.PROBLEM_HEADER + "` |");
        assertTrue(start > 0, "RPC_FORMAT.md has the table of " + DeadLetter.PROBLEM_HEADER + " words");
        assertTrue(text.contains("`" + DeadLetter.REASON_HEADER + "`"));
        Matcher row = Pattern.compile("(?m)^\\| `([A-Z0-9_]+)` \\|")
                .matcher(text.substring(start, text.indexOf("\n\n", start)));
        Set<String> listed = new HashSet<>();
        while (row.find()) {
            assertTrue(DeadLetter.problems().contains(row.group(1)), "not a dead-letter word: " + row.group(1));
            assertTrue(listed.add(row.group(1)), "listed twice: " + row.group(1));
        }
        for (DeadLetter.Cause cause : DeadLetter.Cause.values()) {
            assertTrue(listed.contains(cause.name()), "RPC_FORMAT.md §5 lists " + cause.name());
        }
        assertEquals(
                Set.of("EMPTY_BODY", "INVALID_UTF8", "INVALID_JSON", "MISSING_ID", "TOO_LARGE", "INVALID_FIELD"),
                listed.stream()
                        .filter(w -> Arrays.stream(DeadLetter.Cause.values())
                                .noneMatch(c -> c.name().equals(w)))
                        .collect(Collectors.toSet()));
        // Each listed decoding problem is one a decoder gives a request it cannot answer.
        assertEquals(
                "EMPTY_BODY",
                unanswerable(LegacyQueueFormat.INSTANCE.decode(new byte[0])).problem());
        assertEquals(
                "INVALID_UTF8",
                unanswerable(LegacyQueueFormat.INSTANCE.decode(new byte[] {(byte) 0xC3, 0x28}))
                        .problem());
        assertEquals(
                "INVALID_JSON",
                unanswerable(JsonQueueFormat.INSTANCE.decode("[1]".getBytes(StandardCharsets.UTF_8)))
                        .problem());
        assertEquals(
                "MISSING_ID",
                unanswerable(JsonQueueFormat.INSTANCE.decode("{\"command\":\"auth\"}".getBytes(StandardCharsets.UTF_8)))
                        .problem());
        assertEquals(
                "TOO_LARGE",
                unanswerable(JsonQueueFormat.INSTANCE.decode(new byte[Limits.MAX_JSON_BYTES + 1]))
                        .problem());
        assertEquals(
                Map.of(
                        DeadLetter.PROBLEM_HEADER,
                        "INTERNAL_ERROR",
                        DeadLetter.REASON_HEADER,
                        "the worker failed on this request"),
                DeadLetter.of(DeadLetter.Cause.INTERNAL_ERROR).headers());
    }

    private static DeadLetter unanswerable(Decoded d) {
        Decoded.Malformed m = d instanceof Decoded.Malformed mm ? mm : fail("expected a malformed request: " + d);
        assertFalse(m.answerable(), "a request without a usable id: " + m);
        return DeadLetter.unanswerable(m);
    }

    // ---- JSON format

    /**
     * Every JSON request example decodes to the request its members say (read here without the decoder), and one
     * written on a single line is exactly what the encoder writes for that request (the form a thread is keyed by).
     */
    @Test
    void jsonRequestsDecodeToWhatTheirMembersSay() {
        List<String> requests = new ArrayList<>();
        for (String block : blocks.get("json-request")) {
            for (String line : block.split("\n")) {
                if (line.startsWith("{")) {
                    requests.add(line);
                } else {
                    requests.set(requests.size() - 1, requests.getLast() + "\n" + line);
                }
            }
        }
        Set<String> commands = new HashSet<>();
        for (String json : requests) {
            JsonObject o = Json.createReader(new StringReader(json)).readObject();
            Request expected = request(o);
            commands.add(expected.command().wireName());
            assertEquals(
                    new Decoded.Ok(expected),
                    JsonQueueFormat.INSTANCE.decode(json.getBytes(StandardCharsets.UTF_8)),
                    json);
            if (!json.contains("\n")) {
                assertEquals(
                        json,
                        new String(JsonQueueFormat.INSTANCE.encodeRequest(expected), StandardCharsets.UTF_8),
                        "not as the encoder writes it");
            }
        }
        assertEquals(
                Arrays.stream(Command.values()).map(Command::wireName).collect(Collectors.toSet()),
                commands,
                "every command has a JSON request example");
        assertTrue(requests.size() >= 10, "JSON request examples: " + requests.size());
    }

    /** The request a JSON example's members say. */
    private static Request request(JsonObject o) {
        String id = o.getString("id");
        return switch (o.getString("command")) {
            case "upload_post" ->
                new Request.Post(id, user(o), o.getString("text", ""), media(o), replyTo(o), options(o));
            case "post_thread" ->
                new Request.Thread(
                        id,
                        user(o),
                        o.getJsonArray("posts").stream()
                                .map(JsonValue::asJsonObject)
                                .map(p -> new Request.Thread.Part(p.getString("text"), media(p)))
                                .toList(),
                        replyTo(o));
            case "delete_post" -> new Request.Delete(id, user(o), o.getString("tweet_id"));
            case "auth" -> new Request.Auth(id);
            case "verify_pin" ->
                new Request.VerifyPin(
                        id,
                        o.getString("pin"),
                        new Tokens(o.getString("request_token"), o.getString("request_token_secret")));
            default -> throw new AssertionError("not a command: " + o);
        };
    }

    private static Tokens user(JsonObject o) {
        return o.containsKey("sealed_token")
                ? Tokens.sealed(o.getString("sealed_token"))
                : new Tokens(o.getString("access_token"), o.getString("access_token_secret"));
    }

    private static Optional<String> replyTo(JsonObject o) {
        return Optional.ofNullable(o.getString("reply_to_tweet_id", null));
    }

    private static PostOptions options(JsonObject o) {
        Optional<Poll> poll = Optional.ofNullable(o.getJsonObject("poll"))
                .map(p -> new Poll(
                        p.getJsonArray("options").getValuesAs(JsonString::getString), p.getInt("duration_minutes")));
        return new PostOptions(
                o.getBoolean("long_post", false),
                Optional.ofNullable(o.getString("quote_tweet_id", null)),
                poll,
                Optional.ofNullable(o.getString("reply_settings", null))
                        .map(r -> ReplySettings.fromWire(r)
                                .orElseThrow(() -> new AssertionError("reply_settings " + r))));
    }

    private static List<Media> media(JsonObject o) {
        List<Media> media = new ArrayList<>();
        for (JsonValue v : o.getJsonArray("media") == null ? List.<JsonValue>of() : o.getJsonArray("media")) {
            JsonObject m = v.asJsonObject();
            MediaSource source = m.containsKey("path")
                    ? new MediaSource.FilePath(m.getString("path"))
                    : m.containsKey("url")
                            ? new MediaSource.Url(URI.create(m.getString("url")))
                            : new MediaSource.Data(Base64.getDecoder().decode(m.getString("data")));
            media.add(new Media(source, Optional.ofNullable(m.getString("alt_text", null))));
        }
        return media;
    }

    /** Every JSON reply example is, byte for byte, what the encoder writes for the outcome its members say. */
    @Test
    void jsonRepliesAreWhatTheEncoderWrites() {
        int n = 0;
        Set<String> statuses = new HashSet<>();
        for (String block : blocks.get("json-reply")) {
            for (String line : block.split("\n")) {
                JsonObject o = Json.createReader(new StringReader(line)).readObject();
                Command command = Command.fromWire(o.getString("command")).orElseThrow();
                statuses.add(o.getString("status"));
                assertEquals(
                        line,
                        new String(
                                JsonQueueFormat.INSTANCE.encodeReply(o.getString("id"), command, outcome(o)),
                                StandardCharsets.UTF_8));
                n++;
            }
        }
        assertEquals(
                Set.of("posted", "failed", "deleted", "not_found", "auth_started", "verified"),
                statuses,
                "every status has a JSON reply example");
        assertTrue(n >= 18, "JSON reply examples: " + n);
    }

    /** The outcome a JSON reply's members say. */
    private static Outcome outcome(JsonObject o) {
        return switch (o.getString("status")) {
            case "posted", "failed" ->
                o.containsKey("posts")
                        ? new Outcome.ThreadPosted(
                                o.getJsonArray("posts").stream()
                                        .map(JsonValue::asJsonObject)
                                        .map(RpcFormatDocumentTest::threadPart)
                                        .toList(),
                                Optional.ofNullable(o.getJsonObject("error")).map(RpcFormatDocumentTest::failure))
                        : o.getString("status").equals("posted") ? posted(o) : failure(o.getJsonObject("error"));
            case "deleted", "not_found" ->
                new Outcome.Deleted(
                        o.getString("tweet_id"), o.getString("status").equals("deleted"));
            case "auth_started" ->
                new Outcome.AuthStarted(
                        o.getString("authorize_url"),
                        new Tokens(o.getString("request_token"), o.getString("request_token_secret")));
            case "verified" ->
                new Outcome.PinVerified(
                        o.containsKey("sealed_token")
                                ? Tokens.sealed(o.getString("sealed_token"))
                                : new Tokens(o.getString("access_token"), o.getString("access_token_secret")),
                        o.getString("user_id"),
                        o.getString("screen_name"));
            default -> throw new AssertionError("not a status: " + o);
        };
    }

    private static Outcome.Posted posted(JsonObject o) {
        return new Outcome.Posted(
                Optional.ofNullable(o.getString("tweet_id", null)),
                Optional.ofNullable(o.getString("tweet_url", null)),
                o.getBoolean("already_posted", false));
    }

    private static Outcome.ThreadPart threadPart(JsonObject part) {
        return switch (part.getString("status")) {
            case "posted" -> new Outcome.ThreadPart.Sent(posted(part));
            case "failed" -> new Outcome.ThreadPart.Failed();
            case "not_sent" -> new Outcome.ThreadPart.NotSent();
            default -> throw new AssertionError("not a post's status: " + part);
        };
    }

    private static Outcome.Failed failure(JsonObject error) {
        ErrorCode code = Arrays.stream(ErrorCode.values())
                .filter(c -> c.wireName().equals(error.getString("code")))
                .findFirst()
                .orElseThrow(() -> new AssertionError("not an error code: " + error));
        return new Outcome.Failed(
                code,
                error.getString("message"),
                error.containsKey("retry_after_s")
                        ? OptionalLong.of(error.getJsonNumber("retry_after_s").longValueExact())
                        : OptionalLong.empty());
    }

    // ---- WebSocket

    @Test
    void socketRequestsDecodeToWhatTheirReadableFormSays() {
        int n = 0;
        for (Example e : lines("socket-request")) {
            List<String> f = e.fields();
            Request expected = switch (f.getFirst()) {
                case "auth" -> new Request.Auth("");
                case "verify_pin" -> new Request.VerifyPin("", f.get(1), new Tokens(f.get(2), f.get(3)));
                default -> throw new AssertionError("not a WebSocket command: " + e.line());
            };
            e.assertHexIsReadable(false);
            String frame = new String(e.bytes(), StandardCharsets.UTF_8);
            assertEquals(new Decoded.Ok(expected), LegacySocketFormat.decode(frame), e.line());
            assertEquals(frame, LegacySocketFormat.encodeRequest(expected), e.line());
            n++;
        }
        assertTrue(n >= 2, "WebSocket request examples: " + n);
    }

    @Test
    void socketRepliesAreWhatTheEncoderWrites() {
        int n = 0;
        for (Example e : lines("socket-reply")) {
            List<String> f = e.fields();
            assertEquals(LegacyQueueFormat.NETWORK, f.getFirst(), e.line());
            List<String> rest = f.subList(2, f.size());
            String reply;
            if (f.get(1).equals(LegacySocketFormat.ERROR)) {
                ErrorCode code = Arrays.stream(ErrorCode.values())
                        .filter(c -> c.wireName().equals(rest.getFirst()))
                        .findFirst()
                        .orElseThrow(() -> new AssertionError("not an error code: " + e.line()));
                reply = LegacySocketFormat.encodeReply(Optional.empty(), Outcome.Failed.of(code, "m"));
            } else {
                Command command =
                        Command.fromWire(f.get(1)).orElseThrow(() -> new AssertionError("not a command: " + e.line()));
                reply = LegacySocketFormat.encodeReply(Optional.of(command), outcome(command, rest));
            }
            e.assertHexIsReadable(false);
            assertEquals(new String(e.bytes(), StandardCharsets.UTF_8), reply, e.line());
            n++;
        }
        assertTrue(n >= 4, "WebSocket reply examples: " + n);
    }

    /** What §6 says of frames that cannot be read: an empty frame and an unknown command. */
    @Test
    void socketErrorRepliesAreTheOnesTheDocumentNames() {
        assertEquals(
                "twt\u00ffauth\u00ffexception_occurred",
                LegacySocketFormat.encodeReply(
                        Optional.of(Command.AUTH), Outcome.Failed.of(ErrorCode.X_UNAVAILABLE, "down")));
        assertFalse(text.isEmpty());
        Decoded empty = LegacySocketFormat.decode("");
        Decoded unknown = LegacySocketFormat.decode("hello");
        assertTrue(text.contains("An empty frame: `twt ÿ error ÿ bad_request`"));
        assertEquals("twt\u00fferror\u00ffbad_request", reply(empty));
        assertTrue(text.contains("Any other command: `twt ÿ error ÿ unknown_command`"));
        assertEquals("twt\u00fferror\u00ffunknown_command", reply(unknown));
    }

    private static String reply(Decoded d) {
        if (!(d instanceof Decoded.Malformed m)) {
            return fail("expected a malformed frame: " + d);
        }
        return LegacySocketFormat.encodeReply(m.command(), m.failure());
    }

    // ---- reading examples

    private static List<Example> lines(String kind) {
        List<Example> examples = new ArrayList<>();
        for (String block : blocks.get(kind)) {
            for (String line : block.split("\n")) {
                String[] parts = line.strip().split("\\s{2,}", 2);
                assertEquals(2, parts.length, "an example line is `readable    hex`: " + line);
                examples.add(new Example(line, parts[0], parts[1]));
            }
        }
        return examples;
    }

    private record Example(String line, String readable, String hex) {
        List<String> fields() {
            return Arrays.stream(readable.split("ÿ", -1)).map(String::strip).toList();
        }

        byte[] bytes() {
            return Hex.bytes(hex);
        }

        /** Whether the hex is the readable form with U+00FF written as C3 BF (what twt-bridge writes). */
        boolean hexIsUtf8() {
            return Arrays.equals(bytes(), String.join("\u00ff", fields()).getBytes(StandardCharsets.UTF_8));
        }

        /** The hex is the readable form: separators C3 BF or, where input allows it, the raw byte FF. */
        void assertHexIsReadable(boolean rawFfAllowed) {
            if (hexIsUtf8()) {
                return;
            }
            ByteArrayOutputStream raw = new ByteArrayOutputStream();
            List<String> f = fields();
            for (int i = 0; i < f.size(); i++) {
                if (i > 0) {
                    raw.write(0xff);
                }
                raw.writeBytes(f.get(i).getBytes(StandardCharsets.UTF_8));
            }
            assertTrue(rawFfAllowed, "the hex is not the readable form in UTF-8: " + line);
            assertArrayEquals(raw.toByteArray(), bytes(), "the hex is not the readable form: " + line);
        }
    }
}
