package io.twtbridge.worker;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Commands the tests run (rabbitmqctl, ss, a worker process that should stop by itself), each to its end within a time
 * limit: a command that hangs fails its test, with its output so far and, for a JVM, its thread dump, instead of
 * hanging the build.
 */
final class Processes {
    private Processes() {}

    /** How a command ended. */
    record Ran(int exitCode, String output) {}

    /** Runs {@code command} (standard error joined to its output) and waits at most {@code limit} for its end. */
    static Ran run(ProcessBuilder command, Duration limit) throws IOException, InterruptedException {
        Path out = Files.createTempFile("twt-test-process-", ".out");
        Process p = null;
        try {
            p = command.redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                String dump = threadDump(p);
                fail(String.join(" ", command.command()) + " did not end within " + limit + "; its output:\n"
                        + read(out) + dump);
            }
            return new Ran(p.exitValue(), read(out));
        } finally {
            if (p != null && p.isAlive()) { // over its limit, or this thread was interrupted
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            Files.deleteIfExists(out);
        }
    }

    /** Runs {@code command}, which must end with exit code 0 within a minute; returns its output. */
    static String succeed(String... command) throws IOException, InterruptedException {
        Ran r = run(new ProcessBuilder(command), Duration.ofMinutes(1));
        if (r.exitCode() != 0) {
            throw new IOException(String.join(" ", command) + " exited with " + r.exitCode() + ": " + r.output());
        }
        return r.output();
    }

    /** {@code rabbitmqctl args…}, which must succeed within a minute; returns its output. */
    static String rabbitmqctl(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("rabbitmqctl"));
        command.addAll(List.of(args));
        return succeed(command.toArray(String[]::new));
    }

    /**
     * The threads of {@code p}, from the JDK's {@code jcmd} (given 20 s), when {@code p} is a JVM; otherwise, or when
     * jcmd cannot tell, a line saying so.
     */
    static String threadDump(Process p) throws InterruptedException {
        if (!p.info().command().orElse("").endsWith("java")) {
            return "";
        }
        Path text = null;
        try {
            text = Files.createTempFile("twt-test-threads-", ".txt");
            String jcmd =
                    Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
            Process dump = new ProcessBuilder(jcmd, String.valueOf(p.pid()), "Thread.print")
                    .redirectErrorStream(true)
                    .redirectOutput(text.toFile())
                    .start();
            if (!dump.waitFor(20, TimeUnit.SECONDS)) {
                dump.destroyForcibly();
            }
            return "\nits threads:\n" + read(text);
        } catch (IOException e) {
            return "\n(no thread dump: " + e + ")";
        } finally {
            if (text != null) {
                try {
                    Files.deleteIfExists(text);
                } catch (IOException e) {
                    // a temporary file left behind
                }
            }
        }
    }

    private static String read(Path file) throws IOException {
        return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
    }
}
