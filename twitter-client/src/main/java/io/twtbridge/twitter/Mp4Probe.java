package io.twtbridge.twitter;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * What twt-bridge reads of an MP4 (ISO base media file, ISO/IEC 14496-12) before uploading it: that it is one (an
 * {@code ftyp} box first), and its duration from {@code moov/mvhd} when that box is there. Nothing is decoded.
 *
 * <p>Bounded for hostile input: every box size is checked against what is left of its parent (a size below 8, or
 * one running past the parent, ends the walk), each step advances by at least 8 bytes, and at most
 * {@link #MAX_BOXES} boxes are looked at per level; only two levels (top, and the children of {@code moov}) are
 * walked. No allocation depends on a size read from the file.
 */
public final class Mp4Probe {
    /** Most boxes looked at on one level; a real file has a handful at the top and a few in {@code moov}. */
    static final int MAX_BOXES = 1024;

    private Mp4Probe() {}

    /** What the probe found. */
    public sealed interface Result {
        /** An MP4; its duration when {@code moov/mvhd} was found and gives one. */
        record Mp4(Optional<Duration> duration) implements Result {}

        /** An {@code ftyp} box first, but the box structure is broken. */
        record Broken(String reason) implements Result {}
    }

    /** Whether these first bytes are an MP4: an {@code ftyp} box at offset 0 (type at offset 4), at least 16 bytes long. */
    public static boolean isMp4(byte[] head) {
        if (head.length < 12 || head[4] != 'f' || head[5] != 't' || head[6] != 'y' || head[7] != 'p') {
            return false;
        }
        long size = u32(head, 0);
        return size >= 16 || size == 1;
    }

    /** Reads the box structure of {@code b}, which {@link #isMp4} accepted. */
    public static Result probe(byte[] b) {
        if (!isMp4(b)) {
            return new Result.Broken("it does not start with an ftyp box");
        }
        Optional<Box> moov = find(b, 0, b.length, "moov");
        if (moov.isEmpty()) {
            return walkError(b, 0, b.length)
                    .<Result>map(Result.Broken::new)
                    .orElseGet(() -> new Result.Mp4(Optional.empty()));
        }
        Optional<Box> mvhd = find(b, moov.get().bodyStart(), moov.get().end(), "mvhd");
        if (mvhd.isEmpty()) {
            return new Result.Mp4(Optional.empty());
        }
        return duration(b, mvhd.get());
    }

    /** One box: where its body starts and where it ends (exclusive). */
    private record Box(String type, int bodyStart, int end) {}

    /** The first box of {@code type} among the boxes filling {@code [from, to)}. */
    private static Optional<Box> find(byte[] b, int from, int to, String type) {
        int at = from;
        for (int n = 0; n < MAX_BOXES && to - at >= 8; n++) {
            Optional<Box> box = box(b, at, to);
            if (box.isEmpty()) {
                return Optional.empty();
            }
            if (box.get().type().equals(type)) {
                return box;
            }
            at = box.get().end();
        }
        return Optional.empty();
    }

    /** Why the boxes of {@code [from, to)} do not fit together, if they do not. */
    private static Optional<String> walkError(byte[] b, int from, int to) {
        int at = from;
        for (int n = 0; n < MAX_BOXES && at < to; n++) {
            if (to - at < 8) {
                return Optional.of("a box header at offset " + at + " is cut short");
            }
            Optional<Box> box = box(b, at, to);
            if (box.isEmpty()) {
                return Optional.of("the box at offset " + at + " has an impossible size");
            }
            at = box.get().end();
        }
        return Optional.empty();
    }

    /** The box at {@code at}, if its size fits in {@code [at, to)}. */
    private static Optional<Box> box(byte[] b, int at, int to) {
        long size = u32(b, at);
        int header = 8;
        if (size == 1) { // 64-bit size follows the type
            if (to - at < 16) {
                return Optional.empty();
            }
            size = u64(b, at + 8);
            header = 16;
        } else if (size == 0) { // to the end of the enclosing space
            size = to - at;
        }
        if (size < header || size > to - at) {
            return Optional.empty();
        }
        String type = new String(b, at + 4, 4, StandardCharsets.ISO_8859_1);
        return Optional.of(new Box(type, at + header, (int) (at + size)));
    }

    /** mvhd: version (1 byte), flags (3), then v0: creation, modification (4 each), timescale (4), duration (4); v1: 8, 8, 4, 8. */
    private static Result duration(byte[] b, Box mvhd) {
        int p = mvhd.bodyStart();
        int len = mvhd.end() - p;
        if (len < 1) {
            return new Result.Broken("the mvhd box is empty");
        }
        int version = b[p] & 0xFF;
        long timescale;
        long duration;
        if (version == 0 && len >= 20) {
            timescale = u32(b, p + 12);
            duration = u32(b, p + 16);
            if (duration == 0xFFFF_FFFFL) {
                return new Result.Mp4(Optional.empty()); // unknown
            }
        } else if (version == 1 && len >= 32) {
            timescale = u32(b, p + 20);
            duration = u64(b, p + 24);
            if (duration == -1L) {
                return new Result.Mp4(Optional.empty());
            }
        } else {
            return new Result.Broken("the mvhd box is too short or of an unknown version");
        }
        if (timescale == 0) {
            return new Result.Broken("the mvhd box has a time scale of 0");
        }
        if (duration < 0) {
            return new Result.Broken("the mvhd box has an impossible duration");
        }
        long seconds = duration / timescale;
        long nanos = (duration % timescale) * 1_000_000_000L / timescale;
        return new Result.Mp4(Optional.of(Duration.ofSeconds(seconds, nanos)));
    }

    private static long u32(byte[] b, int at) {
        return ((b[at] & 0xFFL) << 24) | ((b[at + 1] & 0xFFL) << 16) | ((b[at + 2] & 0xFFL) << 8) | (b[at + 3] & 0xFFL);
    }

    private static long u64(byte[] b, int at) {
        return (u32(b, at) << 32) | u32(b, at + 4);
    }
}
