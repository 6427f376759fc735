package io.twtbridge.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image build's training ({@code queue-worker/aot-training.sh}, as {@code queue-worker/Dockerfile} runs it, with
 * the image's JVM options): the packaged worker answers every training post of the packaged local stack, and the cache
 * it writes is one a worker with those options starts with ({@code -XX:AOTMode=on} refuses to start otherwise).
 */
class AotTrainingIT {
    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    private static final String JAVA =
            System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";

    @Test
    void theWorkerAnswersEveryTrainingPostAndStartsWithTheCacheItWrote(@TempDir Path dir) throws Exception {
        requireJdk25();
        String imageOptions = imageOptionsWithoutCache();
        Path cache = dir.resolve("queue-worker.aot");

        Result training = run(
                List.of(
                        "sh",
                        REPO.resolve("queue-worker/aot-training.sh").toString(),
                        JAVA,
                        REPO.resolve("queue-worker/target/queue-worker.jar").toString(),
                        REPO.resolve("local-stack/target/local-stack.jar").toString(),
                        cache.toString()),
                imageOptions,
                dir.resolve("training.log"),
                300);
        assertEquals(0, training.exit(), training.output());
        assertTrue(
                training.output()
                        .contains(WorkerTraining.POSTS + " of " + WorkerTraining.POSTS
                                + " training posts answered as posted"),
                training.output());
        assertTrue(Files.size(cache) > 10_000_000, "a cache of " + Files.size(cache) + " bytes");

        // A start with the cache required: the worker gets as far as its configuration (none given: exit 2).
        Result start = run(
                List.of(
                        JAVA,
                        "-jar",
                        REPO.resolve("queue-worker/target/queue-worker.jar").toString()),
                imageOptions + " -XX:AOTCache=" + cache + " -XX:AOTMode=on",
                dir.resolve("start.log"),
                60);
        assertEquals(2, start.exit(), start.output());
        assertTrue(start.output().contains("queue-worker: "), start.output());
        assertFalse(start.output().toLowerCase().contains("aot cache"), start.output());
    }

    private record Result(int exit, String output) {}

    /** Runs a command with these JVM options and no X or broker settings of the caller's. */
    private static Result run(List<String> command, String javaToolOptions, Path log, int seconds)
            throws IOException, InterruptedException {
        ProcessBuilder pb =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment()
                .keySet()
                .removeIf(k -> k.startsWith("TWITTER_") || k.startsWith("AMQP") || k.startsWith("WORKER_"));
        pb.environment().put("JAVA_TOOL_OPTIONS", javaToolOptions);
        for (String port : List.of("BROKER", "SANDBOX", "WORKER")) { // the script's own, free ones here
            pb.environment().put("AOT_TRAINING_" + port + "_PORT", String.valueOf(freePort()));
        }
        Process p = pb.start();
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            fail("still running after " + seconds + " s: " + Files.readString(log, StandardCharsets.UTF_8));
        }
        return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** queue-worker/Dockerfile's JAVA_TOOL_OPTIONS, without its -XX:AOTCache (the training adds its output). */
    private static String imageOptionsWithoutCache() throws IOException {
        String dockerfile = Files.readString(REPO.resolve("queue-worker/Dockerfile"));
        Matcher m = Pattern.compile("(?m)^ENV JAVA_TOOL_OPTIONS=\"([^\"]*)\"").matcher(dockerfile);
        assertTrue(m.find(), "queue-worker/Dockerfile sets no JAVA_TOOL_OPTIONS");
        return m.group(1).replaceAll(" -XX:AOTCache=\\S*", "");
    }

    /** The cache's options are JDK 25's: skipped saying why on an older JDK, except on CI (nothing may be skipped). */
    private static void requireJdk25() {
        boolean jdk25 = Runtime.version().feature() >= 25;
        if (!jdk25 && "true".equalsIgnoreCase(System.getenv("CI"))) {
            fail("the AOT training needs JDK 25; tests run on " + Runtime.version());
        }
        assumeTrue(jdk25, "the AOT training needs JDK 25; tests run on " + Runtime.version());
    }
}
