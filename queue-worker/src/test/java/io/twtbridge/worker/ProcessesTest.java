package io.twtbridge.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/** A command that hangs fails its test within the limit, with what it printed and, for a JVM, where its threads are. */
class ProcessesTest {
    /** A JVM that prints one line and then waits for good. */
    public static final class Hangs {
        public static void main(String[] args) throws InterruptedException {
            System.out.println("started, now waiting");
            System.out.flush();
            Thread.sleep(TimeUnit.HOURS.toMillis(1));
        }
    }

    @Test
    void aCommandThatEndsGivesItsExitCodeAndOutput() throws Exception {
        Processes.Ran r =
                Processes.run(new ProcessBuilder("sh", "-c", "echo out; echo err >&2; exit 3"), Duration.ofSeconds(30));
        assertEquals(3, r.exitCode());
        assertEquals("out\nerr\n", r.output());
    }

    @Test
    void aJvmThatHangsFailsWithItsOutputAndThreadsAndIsStopped() {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        ProcessBuilder hangs =
                new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Hangs.class.getName());
        AssertionFailedError e =
                assertThrows(AssertionFailedError.class, () -> Processes.run(hangs, Duration.ofSeconds(3)));
        assertTrue(e.getMessage().contains("did not end within PT3S"), e.getMessage());
        assertTrue(e.getMessage().contains("started, now waiting"), e.getMessage());
        assertTrue(e.getMessage().contains("ProcessesTest$Hangs.main"), "the thread dump: " + e.getMessage());
        assertTrue(
                ProcessHandle.current()
                        .descendants()
                        .noneMatch(p -> p.info()
                                .arguments()
                                .map(a -> String.join(" ", a).contains(Hangs.class.getName()))
                                .orElse(false)),
                "the hanging JVM is stopped");
    }
}
