package io.twtbridge.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A memory limit for one worker process, as its pod's limit would be: a cgroup of its own (cgroup v2, or v1's memory
 * controller; on v2 without swap), when this machine lets the benchmark make one (root, a writable cgroup file
 * system). The process is moved in right after it starts (what it allocated before that stays charged outside: a few
 * milliseconds of a JVM's start).
 */
record MemoryLimit(Path dir, boolean v2) {
    private static final Path ROOT = Path.of("/sys/fs/cgroup");

    /** A new cgroup {@code name} limited to {@code mib}, or empty (with one line on standard error) if none can be made. */
    static Optional<MemoryLimit> create(String name, long mib) {
        long bytes = mib * 1024 * 1024;
        try {
            if (Files.readString(ROOT.resolve("cgroup.controllers")).contains("memory")) {
                Path dir = Files.createDirectory(ROOT.resolve(name));
                Files.writeString(dir.resolve("memory.max"), String.valueOf(bytes));
                Files.writeString(dir.resolve("memory.swap.max"), "0");
                return Optional.of(new MemoryLimit(dir, true));
            }
        } catch (IOException e) {
            // not cgroup v2 here: try v1
        }
        try {
            Path dir = Files.createDirectory(ROOT.resolve("memory").resolve(name));
            Files.writeString(dir.resolve("memory.limit_in_bytes"), String.valueOf(bytes));
            return Optional.of(new MemoryLimit(dir, false));
        } catch (IOException e) {
            System.err.println("no " + mib + " MiB memory limit for the worker (cannot make a cgroup: " + e + ")");
            try {
                Files.deleteIfExists(ROOT.resolve("memory").resolve(name));
            } catch (IOException ignored) {
                // nothing was made
            }
            return Optional.empty();
        }
    }

    /** Puts process {@code pid} (and the threads it starts later) under the limit. */
    void add(long pid) throws IOException {
        Files.writeString(dir.resolve("cgroup.procs"), String.valueOf(pid));
    }

    /** The most memory charged to the cgroup since it was made. */
    long peakMib() throws IOException {
        return Long.parseLong(read(v2 ? "memory.peak" : "memory.max_usage_in_bytes")) / (1024 * 1024);
    }

    /** How many times the kernel killed a process of the cgroup for memory. */
    long oomKills() throws IOException {
        for (String line : read(v2 ? "memory.events" : "memory.oom_control").split("\n")) {
            if (line.startsWith("oom_kill ")) {
                return Long.parseLong(line.substring("oom_kill ".length()).trim());
            }
        }
        return 0;
    }

    /** Removes the cgroup; its processes must have ended. */
    void remove() {
        try {
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            System.err.println("could not remove the cgroup " + dir + ": " + e);
        }
    }

    private String read(String file) throws IOException {
        return Files.readString(dir.resolve(file)).trim();
    }
}
