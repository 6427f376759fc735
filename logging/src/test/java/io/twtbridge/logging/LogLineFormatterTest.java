package io.twtbridge.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.time.Instant;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

class LogLineFormatterTest {
    private static LogRecord record(String message, Object... params) {
        LogRecord r = new LogRecord(Level.WARNING, message);
        r.setLoggerName("io.twtbridge.worker.Worker");
        r.setInstant(Instant.parse("2026-01-02T03:04:05.678Z"));
        r.setParameters(params);
        return r;
    }

    @Test
    void jsonIsOneParsableLinePerEvent() {
        LogRecord r = record("reconnecting to {0}:\n\t\"broker\" said \\ no\u0000\u2028", "amqp://host");
        r.setThrown(new IllegalStateException("line one\nline two"));
        String line = new LogLineFormatter(true).format(r);
        assertTrue(line.endsWith("}\n"), line);
        assertEquals(1, line.split("\n", -1).length - 1, "one line: " + line);
        assertFalse(line.contains("\u2028"), line);
        JsonObject o = Json.createReader(new StringReader(line)).readObject();
        assertEquals("2026-01-02T03:04:05.678Z", o.getString("time"));
        assertEquals("WARNING", o.getString("level"));
        assertEquals("io.twtbridge.worker.Worker", o.getString("logger"));
        assertEquals("reconnecting to amqp://host:\n\t\"broker\" said \\ no\u0000\u2028", o.getString("message"));
        assertTrue(
                o.getString("exception").startsWith("java.lang.IllegalStateException: line one\nline two\n\tat "),
                o.getString("exception"));
        assertEquals(Thread.currentThread().getName(), o.getString("thread"));
    }

    @Test
    void jsonWithoutAnExceptionHasNoExceptionMember() {
        JsonObject o = Json.createReader(new StringReader(new LogLineFormatter(true).format(record("started"))))
                .readObject();
        assertEquals("started", o.getString("message"));
        assertFalse(o.containsKey("exception"));
    }

    @Test
    @SuppressWarnings("checkstyle:RegexpSinglelineJava") // a logger's name, not code
    void textIsForPeople() {
        String line = new LogLineFormatter(false).format(record("shard {0} taken", 3));
        assertEquals(
                "2026-01-02T03:04:05.678Z WARNING io.twtbridge.worker.Worker - shard 3 taken" + System.lineSeparator(),
                line);
    }
}
