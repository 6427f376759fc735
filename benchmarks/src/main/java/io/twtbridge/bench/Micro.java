package io.twtbridge.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The JMH microbenchmarks of the worker's hot pieces (signing a request, decoding a request, opening a sealed
 * token, encoding a reply), in short runs: 1 fork, 3 × 1 s warm-up, 3 × 1 s measured, with JMH's allocation
 * profiler. Prints one line per benchmark and appends one JSON line to benchmarks/results/micro.jsonl. The forks run
 * with {@code WORKER_JAVA_TOOL_OPTIONS}' heap, GC and compiler flags when given (the image's), else the JVM's defaults.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar io.twtbridge.bench.Micro [regexp of benchmarks, default all]</pre>
 */
public final class Micro {
    private Micro() {}

    public static void main(String[] args) throws Exception {
        String include = args.length > 0
                ? args[0]
                : "io\\.twtbridge\\.(bench\\.CodecBench|twitter\\.SigningBench|worker\\.ShardStateBench)\\..*";
        List<String> jvmArgs = jvmArgs(System.getenv().getOrDefault("WORKER_JAVA_TOOL_OPTIONS", ""));
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include(include)
                .forks(1)
                .warmupIterations(3)
                .warmupTime(TimeValue.seconds(1))
                .measurementIterations(3)
                .measurementTime(TimeValue.seconds(1))
                .addProfiler(GCProfiler.class);
        if (!jvmArgs.isEmpty()) {
            options.jvmArgsAppend(jvmArgs.toArray(String[]::new));
        }
        String load = Files.readString(Path.of("/proc/loadavg")).trim();
        Collection<RunResult> results = new Runner(options.build()).run();
        StringBuilder json = new StringBuilder();
        json.append(String.format(
                Locale.ROOT,
                "{\"when\":\"%s\",\"commit\":\"%s\",\"cores\":%d,\"loadavg_before\":\"%s\",\"loadavg_after\":\"%s\","
                        + "\"java\":\"%s\",\"fork_jvm_args\":\"%s\",\"benchmarks\":{",
                Instant.now(),
                WorkerThroughput.git("rev-parse", "--short", "HEAD"),
                Runtime.getRuntime().availableProcessors(),
                load,
                Files.readString(Path.of("/proc/loadavg")).trim(),
                Runtime.version(),
                String.join(" ", jvmArgs)));
        System.out.println();
        System.out.printf(Locale.ROOT, "%-36s %14s %12s %16s%n", "benchmark", "ns/op", "± (99.9%)", "bytes alloc/op");
        boolean first = true;
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark().replaceFirst("^io\\.twtbridge\\.", "");
            Result<?> primary = r.getPrimaryResult();
            Result<?> alloc = r.getSecondaryResults().get("gc.alloc.rate.norm");
            double bytes = alloc == null ? Double.NaN : alloc.getScore();
            System.out.printf(
                    Locale.ROOT,
                    "%-36s %14.1f %12.1f %16.0f%n",
                    name,
                    primary.getScore(),
                    primary.getScoreError(),
                    bytes);
            json.append(first ? "" : ",")
                    .append(String.format(
                            Locale.ROOT,
                            "\"%s\":{\"ns_per_op\":%.1f,\"error_ns\":%.1f,\"bytes_per_op\":%.0f}",
                            name,
                            primary.getScore(),
                            primary.getScoreError(),
                            bytes));
            first = false;
        }
        json.append("}}");
        System.out.println(json);
        Path file = Path.of(System.getProperty("results", "benchmarks/results/micro.jsonl"));
        Files.createDirectories(file.getParent());
        Files.writeString(file, json + System.lineSeparator(), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /** The heap, GC and compiler flags of a JAVA_TOOL_OPTIONS line (no archive or cache: those are the worker's own). */
    static List<String> jvmArgs(String toolOptions) {
        List<String> out = new ArrayList<>();
        for (String a : toolOptions.trim().split("\\s+")) {
            if (a.startsWith("-Xmx")
                    || a.startsWith("-Xss")
                    || a.startsWith("-XX:+Use")
                    || a.startsWith("-XX:NewRatio")
                    || a.startsWith("-XX:SurvivorRatio")
                    || a.startsWith("-XX:TieredStopAtLevel")) {
                out.add(a);
            }
        }
        return out;
    }
}
