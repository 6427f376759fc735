package io.twtbridge.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class FormatPropertiesTest {

    @Property(tries = 2000)
    void legacyDecodeNeverThrows(@ForAll byte[] body) {
        assertNotNull(LegacyQueueFormat.INSTANCE.decode(body));
    }

    @Property(tries = 2000)
    void legacyDecodeNeverThrowsOnSeparatorHeavyInput(@ForAll("separatorHeavy") byte[] body) {
        assertNotNull(LegacyQueueFormat.INSTANCE.decode(body));
    }

    @Property(tries = 2000)
    void jsonDecodeNeverThrows(@ForAll byte[] body) {
        assertNotNull(JsonQueueFormat.INSTANCE.decode(body));
    }

    @Property(tries = 2000)
    void jsonDecodeNeverThrowsOnJsonLikeInput(@ForAll("jsonLike") String body) {
        assertNotNull(JsonQueueFormat.INSTANCE.decode(body.getBytes(StandardCharsets.UTF_8)));
    }

    @Property(tries = 2000)
    void socketDecodeNeverThrows(@ForAll String frame) {
        assertNotNull(LegacySocketFormat.decode(frame));
    }

    @Property(tries = 1000)
    void legacyEncodeThenDecodeIsIdentity(@ForAll("legacyRequests") Request request) {
        assertEquals(
                new Decoded.Ok(request),
                LegacyQueueFormat.INSTANCE.decode(LegacyQueueFormat.INSTANCE.encodeRequest(request)));
    }

    @Property(tries = 1000)
    void jsonEncodeThenDecodeIsIdentity(@ForAll("jsonRequests") Request request) {
        assertEquals(
                new Decoded.Ok(request),
                JsonQueueFormat.INSTANCE.decode(JsonQueueFormat.INSTANCE.encodeRequest(request)));
    }

    @Property(tries = 500)
    void socketEncodeThenDecodeIsIdentity(@ForAll("socketRequests") Request request) {
        assertEquals(new Decoded.Ok(request), LegacySocketFormat.decode(LegacySocketFormat.encodeRequest(request)));
    }

    @Provide
    Arbitrary<byte[]> separatorHeavy() {
        return Arbitraries.of((byte) 0xC3, (byte) 0xBF, (byte) 0xFF, (byte) 'a', (byte) '1', (byte) 0x00, (byte) 0x80)
                .array(byte[].class)
                .ofMaxSize(64);
    }

    @Provide
    Arbitrary<String> jsonLike() {
        return Arbitraries.of(
                        "{",
                        "}",
                        "[",
                        "]",
                        "\"id\"",
                        "\"command\"",
                        "\"upload_post\"",
                        "\"media\"",
                        ":",
                        ",",
                        "\"x\"",
                        "1",
                        "null",
                        "{\"path\":\"/a\"}",
                        "\"data\"",
                        "\"url\"")
                .list()
                .ofMaxSize(30)
                .map(l -> String.join("", l));
    }

    private static Arbitrary<String> id() {
        return Arbitraries.strings().withCharRange('!', '~').ofMinLength(1).ofMaxLength(20);
    }

    private static Arbitrary<String> token() {
        return Arbitraries.strings()
                .alpha()
                .numeric()
                .withChars('-', '_')
                .ofMinLength(1)
                .ofMaxLength(60);
    }

    /** Text: any characters but control characters other than line breaks and the separator itself. */
    private static Arbitrary<String> text() {
        return Arbitraries.strings()
                .all()
                .ofMaxLength(300)
                .map(s -> s.chars()
                        .filter(c -> (c >= 0x20 || c == '\n' || c == '\t')
                                && c != 0x7F
                                && c != 0xFF
                                && !Character.isSurrogate((char) c))
                        .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                        .toString())
                .filter(s -> !s.isBlank());
    }

    private static Arbitrary<String> path() {
        return Arbitraries.strings()
                .withCharRange('a', 'z')
                .withChars('/', '.', '-')
                .ofMinLength(1)
                .ofMaxLength(40)
                .map(s -> "/" + s);
    }

    private static Arbitrary<Tokens> tokens() {
        return Combinators.combine(token(), token()).as(Tokens::new);
    }

    @Provide
    Arbitrary<Request> legacyRequests() {
        Arbitrary<Request> post = Combinators.combine(id(), tokens(), text(), path().optional())
                .as((i, t, x, p) -> new Request.Post(
                        i,
                        t,
                        x,
                        p.map(s -> List.of(Media.of(new MediaSource.FilePath(s))))
                                .orElse(List.of()),
                        Optional.empty()));
        return Arbitraries.oneOf(post, id().map(Request.Auth::new), verifyPin(id()));
    }

    @Provide
    Arbitrary<Request> socketRequests() {
        return Arbitraries.oneOf(Arbitraries.just(new Request.Auth("")), verifyPin(Arbitraries.just("")));
    }

    private static Arbitrary<Request> verifyPin(Arbitrary<String> ids) {
        return Combinators.combine(
                        ids, Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(10), tokens())
                .as(Request.VerifyPin::new);
    }

    @Provide
    Arbitrary<Request> jsonRequests() {
        Arbitrary<MediaSource> source = Arbitraries.oneOf(
                path().map(MediaSource.FilePath::new),
                Arbitraries.strings()
                        .withCharRange('a', 'z')
                        .ofMinLength(1)
                        .ofMaxLength(10)
                        .map(h -> new MediaSource.Url(URI.create("https://" + h + ".example/img.png"))),
                Arbitraries.bytes()
                        .array(byte[].class)
                        .ofMinSize(1)
                        .ofMaxSize(50)
                        .map(MediaSource.Data::new));
        Arbitrary<Media> media = Combinators.combine(source, text().optional()).as(Media::new);
        Arbitrary<Request> post = Combinators.combine(
                        id(),
                        tokens(),
                        text(),
                        media.list().ofMaxSize(4),
                        Arbitraries.strings()
                                .numeric()
                                .ofMinLength(1)
                                .ofMaxLength(19)
                                .optional())
                .as(Request.Post::new);
        return Arbitraries.oneOf(post, id().map(Request.Auth::new), verifyPin(id()));
    }
}
