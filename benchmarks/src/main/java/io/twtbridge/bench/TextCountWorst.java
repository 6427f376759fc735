package io.twtbridge.bench;

import io.twtbridge.twitter.TextCheck;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Times TextCheck.weightedLength on the worst texts known for twitter-text's parser, 25,000 characters each (the
 * message limit). Prints one JSON line and appends it to benchmarks/results/text-count.jsonl. Asserts nothing.
 * Run: {@code java -cp benchmarks/target/benchmarks.jar io.twtbridge.bench.TextCountWorst} (after {@code mvn -B -q -DskipTests package -pl benchmarks -am}).
 */
public final class TextCountWorst {
    private TextCountWorst() {}

    public static void main(String[] args) throws IOException {
        int n = 25_000;
        Map<String, String> texts = new LinkedHashMap<>();
        texts.put("a_dot_run", "a.".repeat(n / 2));
        texts.put("digit_dot_run", "1.".repeat(n / 2));
        texts.put("accent_dot_run", "é.".repeat(n / 2));
        texts.put("url_then_dot_run", "x.com" + ".a".repeat((n - 5) / 2));
        texts.put("underscore_label_tld", ("a.".repeat(23) + "a_.com.").repeat(n / 53));
        texts.put("tld_every_24_labels", ("a.".repeat(23) + "com.").repeat(n / 50));
        texts.put("short_urls", "x.com ".repeat(n / 6));
        texts.put("long_domains", "a.a.a.a.a.a.a.com ".repeat(n / 18));
        texts.put("plain_words", "hello world ".repeat(n / 12));
        texts.put("cjk", "界界界 ".repeat(n / 4));
        texts.put("emoji", "😀👨‍👩‍👧 ".repeat(n / 11));
        StringBuilder json = new StringBuilder("{\"when\":\"" + Instant.now() + "\",\"chars\":" + n + ",\"cores\":"
                + Runtime.getRuntime().availableProcessors());
        double worst = 0;
        for (var e : texts.entrySet()) {
            for (int i = 0; i < 5; i++) {
                TextCheck.weightedLength(e.getValue()); // warm up
            }
            double best = Double.MAX_VALUE;
            int w = 0;
            for (int i = 0; i < 5; i++) {
                long t = System.nanoTime();
                w = TextCheck.weightedLength(e.getValue());
                best = Math.min(best, (System.nanoTime() - t) / 1e6);
            }
            worst = Math.max(worst, best);
            System.out.printf(
                    "%-22s %6d chars  weighted %6d  best of 5: %7.2f ms%n",
                    e.getKey(), e.getValue().length(), w, best);
            json.append(",\"").append(e.getKey()).append("_ms\":").append(String.format("%.2f", best));
        }
        json.append(",\"worst_ms\":").append(String.format("%.2f", worst)).append('}');
        System.out.println(json);
        Path out = Path.of("benchmarks/results/text-count.jsonl");
        Files.createDirectories(out.getParent());
        Files.writeString(out, json + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
