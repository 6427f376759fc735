package io.twtbridge.worker;

import static io.twtbridge.worker.Harness.legacy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import io.twtbridge.protocol.Tokens;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The worker as a process, configured only by environment variables, as it runs in a container. */
class MainProcessTest {
    private Harness h;
    private Process process;

    @BeforeEach
    void start() throws Exception {
        h = new Harness();
    }

    @AfterEach
    void stop() throws Exception {
        if (process != null) {
            process.destroy(); // SIGTERM: the shutdown hook drains and closes
            assertTrue(process.waitFor(30, TimeUnit.SECONDS), "worker did not stop on SIGTERM");
        }
        h.close();
    }

    @Test
    void theWorkerProcessRunsOnTheTestsJdkNotOnTheMachinesDefaultJava() throws Exception {
        // Maven may run on JDK 17 (the machine's default java); the tests then run on the JDK 21+ the build selected
        // (a toolchain), and so must the worker processes they start: JDK 17 cannot load the worker's classes.
        String java = Harness.workerProcess(Map.of()).command().get(0);
        Processes.Ran r = Processes.run(new ProcessBuilder(java, "-version"), Duration.ofSeconds(30));
        Matcher version = Pattern.compile("version \"(\\d+)").matcher(r.output());
        assertTrue(version.find(), r.output());
        assertEquals(Runtime.version().feature(), Integer.parseInt(version.group(1)), java + ": " + r.output());
    }

    @Test
    void missingCredentialsStopStartUpWithOneClearLine() throws Exception {
        Processes.Ran r =
                Processes.run(Harness.workerProcess(Map.of("TWITTER_CONSUMER_KEY", "k")), Duration.ofSeconds(30));
        assertEquals(2, r.exitCode(), r.output());
        assertTrue(
                r.output().contains("queue-worker: TWITTER_CONSUMER_SECRET is not set (twitter.consumer.secret)"),
                r.output());
    }

    /** One value of the wrong type read by WorkerConfig, one by XClientConfig: each is named, in one line. */
    @Test
    void aValueOfTheWrongTypeStopsStartUpWithOneLineNamingIt() throws Exception {
        Map<String, String> keyOfVariable = Map.of(
                "WORKER_SHUTDOWN_GRACE", "worker.shutdown.grace",
                "TWITTER_READ_TIMEOUT", "twitter.read.timeout");
        for (Map.Entry<String, String> e : keyOfVariable.entrySet()) {
            Processes.Ran r = Processes.run(
                    Harness.workerProcess(Map.of(
                            "TWITTER_CONSUMER_KEY", "k", "TWITTER_CONSUMER_SECRET", "s", e.getKey(), "twenty seconds")),
                    Duration.ofSeconds(30));
            assertEquals(2, r.exitCode(), r.output());
            assertTrue(
                    r.output().contains("queue-worker: " + e.getValue() + " is not a duration such as PT20S"),
                    r.output());
            assertFalse(r.output().contains("\tat "), "one line, no stack trace: " + r.output());
        }
    }

    @Test
    void environmentVariablesConfigureTheWholeWorker() throws Exception {
        int port = Harness.freePort();
        Map<String, String> env = new HashMap<>(h.processEnvironment(port));
        // a key with a dash (worker.reply-to.prefix): its variable must work too
        env.put("WORKER_REPLY_TO_PREFIX", "process-replies-");
        process = Harness.workerProcess(env)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        Harness.awaitReady(port);
        Tokens u = h.user("process");
        h.send(legacy("9", "upload_post", u.token(), u.secret(), "from a process", ""));
        assertEquals("9ÿtwtÿupload_postÿ0", h.nextReply(Duration.ofSeconds(15)).text());
        String own = "process-replies-" + UUID.randomUUID();
        h.channel.queueDeclare(own, false, true, true, null);
        h.listen(own);
        h.send(
                legacy("10", "upload_post", u.token(), u.secret(), "reply to my own queue", ""),
                new AMQP.BasicProperties.Builder().replyTo(own).deliveryMode(2).build());
        Harness.Reply r = h.nextReply(Duration.ofSeconds(15));
        assertEquals(own, r.queue(), "WORKER_REPLY_TO_PREFIX took effect");
        assertEquals("10ÿtwtÿupload_postÿ0", r.text());
    }
}
