package io.twtbridge.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twtbridge.sandbox.SampleVideos;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What the demo server refuses before anything reaches the queue, and the bound on what the page may send it. */
class DemoServerTest {
    private static LocalStack stack;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        stack = LocalStack.start(LocalStack.Settings.defaults()
                .withDemoPort(0)
                .withGatewayPort(0)
                .withSandboxPort(0)
                .withBrokerPort(0));
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    private HttpResponse<String> post(String body) throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(stack.demoUri().resolve("/api/posts"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(byte[] body) throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(stack.demoUri().resolve("/api/posts"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String video(byte[] bytes) {
        return "{\"data\":\"" + Base64.getEncoder().encodeToString(bytes) + "\"}";
    }

    private void assertRefused(int status, String error, String body) throws Exception {
        HttpResponse<String> r = post(body);
        assertEquals(status, r.statusCode(), r.body());
        assertEquals("{\"error\":\"" + error + "\"}", r.body());
    }

    @Test
    void hostileBodiesGetAClearRefusalAndTheServerGoesOn() throws Exception {
        String notAnObject = "{\"error\":\"the body must be a JSON object\"}";
        byte[] nested = "[".repeat(200_000).getBytes(StandardCharsets.US_ASCII);
        byte[] notUtf8 = {'{', '"', 't', 'e', 'x', 't', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        for (byte[] body : List.of(
                nested,
                notUtf8,
                "{\"format\":\"json\",\"posts\":[{\"text\":\"cut".getBytes(StandardCharsets.UTF_8),
                "[1,2]".getBytes(StandardCharsets.UTF_8),
                new byte[0])) {
            HttpResponse<String> r = post(body);
            assertEquals(400, r.statusCode(), r.body());
            assertEquals(notAnObject, r.body());
        }
        assertRefused(
                400, "post 2 must be a JSON object", "{\"format\":\"json\",\"posts\":[{\"text\":\"a\"},[[[\"b\"]]]]}");
        // still serving
        assertEquals(
                200,
                http.send(
                                HttpRequest.newBuilder(stack.demoUri().resolve("/api/config"))
                                        .build(),
                                HttpResponse.BodyHandlers.discarding())
                        .statusCode());
    }

    @Test
    void threadsAndVideosAreJsonOnlyAndChecked() throws Exception {
        String user = "\"access_token\":\"at\",\"access_token_secret\":\"as\"";
        assertRefused(
                400,
                "a thread goes in the JSON format only: switch to JSON",
                "{\"format\":\"legacy\"," + user + ",\"posts\":[{\"text\":\"a\"},{\"text\":\"b\"}]}");
        assertRefused(
                400,
                "a video goes in the JSON format only: switch to JSON",
                "{\"format\":\"legacy\"," + user + ",\"posts\":[{\"text\":\"a\",\"video\":"
                        + video(SampleVideos.mp4(2_000)) + "}]}");
        assertRefused(
                400,
                "post 2 of the thread has no text: every post of a thread needs one",
                "{\"format\":\"json\"," + user + ",\"posts\":[{\"text\":\"a\"},{\"text\":\" \"}]}");
        assertRefused(
                400,
                "the video of the post is not an MP4 (X takes MP4 with H.264 video and AAC audio)",
                "{\"format\":\"json\"," + user + ",\"posts\":[{\"text\":\"a\",\"video\":" + video(new byte[64])
                        + "}]}");
        assertRefused(
                400,
                "a video is the only media of its post: remove the images of post 1",
                "{\"format\":\"json\"," + user
                        + ",\"posts\":[{\"text\":\"a\",\"images\":[{\"data\":\"iVBORw0KGgo=\"}],\"video\":"
                        + video(SampleVideos.mp4(2_000)) + "},{\"text\":\"b\"}]}");
        assertRefused(400, "a thread has 1 to 25 posts", "{\"format\":\"json\"," + user + ",\"posts\":[]}");
    }

    @Test
    void aMessageOverTheJsonLimitIsRefusedAndTheBodyIsBounded() throws Exception {
        String user = "\"access_token\":\"at\",\"access_token_secret\":\"as\"";
        // two 8 MiB videos: a 21.3 MiB body the server reads, a message over the JSON format's 21 MiB
        byte[] eight = new byte[8 << 20];
        System.arraycopy(SampleVideos.mp4(2_000), 0, eight, 0, 404);
        HttpResponse<String> r = post("{\"format\":\"json\"," + user + ",\"posts\":[{\"text\":\"a\",\"video\":"
                + video(eight) + "},{\"text\":\"b\",\"video\":" + video(eight) + "}]}");
        assertEquals(413, r.statusCode(), r.body());
        assertTrue(
                r.body()
                        .matches(
                                "\\{\"error\":\"the message would take 21\\.3 MB, more than the JSON format's 21\\.0 MB: "
                                        + "attach less \\(a video sent inline may take 15\\.0 MB\\)\"}"),
                r.body());

        // a body over 22 MiB is not read at all, even one whose message would be small (here: a page member it
        // ignores);
        // with "Expect: 100-continue" the server answers before the body is sent, so the answer is always read
        String padding = "x".repeat(23 << 20);
        HttpResponse<String> tooLarge = http.send(
                HttpRequest.newBuilder(stack.demoUri().resolve("/api/posts"))
                        .expectContinue(true)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"format\":\"json\"," + user + ",\"padding\":\""
                                + padding + "\",\"posts\":[{\"text\":\"a\"}]}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(413, tooLarge.statusCode(), tooLarge.body());
    }
}
