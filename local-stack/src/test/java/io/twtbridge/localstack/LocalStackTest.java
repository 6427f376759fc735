package io.twtbridge.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The stack starts in-process and stops leaving no port open and no non-daemon thread running. */
class LocalStackTest {

    private static Set<Thread> liveNonDaemonThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && !t.isDaemon())
                .collect(Collectors.toSet());
    }

    @Test
    void startsAndStopsCleanly() throws Exception {
        Set<Thread> before = liveNonDaemonThreads();
        LocalStack stack = LocalStack.start(LocalStack.Settings.defaults()
                .withDemoPort(0)
                .withGatewayPort(0)
                .withSandboxPort(0)
                .withBrokerPort(0));
        List<Integer> ports;
        try {
            assertTrue(stack.banner().contains("Demo (you are the main server):  " + stack.demoUri()), stack.banner());
            HttpResponse<String> config = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(stack.demoUri().resolve("/api/config"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertEquals(
                    "{\"gateway\":\"" + stack.gatewayUri()
                            + "\",\"sandbox\":true,\"max_video_bytes\":15728640,\"max_posts\":25}",
                    config.body());
            ports = List.of(
                    stack.demoUri().getPort(),
                    stack.gatewayUri().getPort(),
                    stack.xUri().getPort());
            for (int port : ports) {
                new Socket("127.0.0.1", port).close();
            }
        } finally {
            stack.close();
        }
        for (int port : ports) {
            assertThrows(
                    IOException.class, () -> new Socket("127.0.0.1", port).close(), "port " + port + " still open");
        }
        long deadline = System.nanoTime() + 15_000_000_000L;
        Set<Thread> left;
        do {
            left = liveNonDaemonThreads();
            left.removeAll(before);
            if (left.isEmpty()) {
                break;
            }
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        assertTrue(left.isEmpty(), "threads left running: " + left);
    }
}
