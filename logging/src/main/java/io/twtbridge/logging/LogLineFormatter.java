package io.twtbridge.logging;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.Locale;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/**
 * One log event per line. {@code LOG_FORMAT=json} (the default, for log pipelines) writes a JSON object:
 * <pre>{"time":"2026-01-02T03:04:05.678Z","level":"INFO","logger":"io.twtbridge.worker.Worker","thread":"main","message":"…"}</pre>
 * with {@code "exception"} (class, message and stack trace, newlines escaped) when the event has one.
 * {@code LOG_FORMAT=text} writes {@code 2026-01-02T03:04:05.678Z INFO io.twtbridge.worker.Worker - …} for people,
 * with the stack trace on the following lines. Any other value is JSON.
 */
public final class LogLineFormatter extends Formatter {
    /** The environment variable that selects the format. */
    public static final String ENV = "LOG_FORMAT";

    private final boolean json;

    /** The format {@code LOG_FORMAT} selects. */
    public LogLineFormatter() {
        this(!"text".equalsIgnoreCase(String.valueOf(System.getenv(ENV)).strip()));
    }

    /** JSON lines when {@code json}, else text. */
    public LogLineFormatter(boolean json) {
        this.json = json;
    }

    @Override
    public String format(LogRecord record) {
        String message = formatMessage(record);
        String thrown = record.getThrown() == null ? null : stackTrace(record.getThrown());
        Instant time = record.getInstant();
        String logger = record.getLoggerName() == null ? "" : record.getLoggerName();
        if (!json) {
            return time + " " + record.getLevel().getName() + " " + logger + " - " + message
                    + (thrown == null ? "" : System.lineSeparator() + thrown) + System.lineSeparator();
        }
        StringBuilder b = new StringBuilder(128 + message.length());
        b.append("{\"time\":");
        string(b, time.toString());
        b.append(",\"level\":");
        string(b, record.getLevel().getName());
        b.append(",\"logger\":");
        string(b, logger);
        b.append(",\"thread\":");
        string(b, threadName(record));
        b.append(",\"message\":");
        string(b, message);
        if (thrown != null) {
            b.append(",\"exception\":");
            string(b, thrown);
        }
        return b.append("}\n").toString();
    }

    private static String threadName(LogRecord record) {
        long id = record.getLongThreadID();
        Thread current = Thread.currentThread();
        return current.threadId() == id ? current.getName() : "thread-" + id;
    }

    private static String stackTrace(Throwable t) {
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        return w.toString().stripTrailing();
    }

    /** Appends {@code s} as a JSON string: quotes, backslashes and every control character escaped. */
    static void string(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029 || (c >= 0x7f && c <= 0x9f)) {
                        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }
}
