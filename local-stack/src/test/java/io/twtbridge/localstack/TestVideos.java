package io.twtbridge.localstack;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Tiny MP4 files for the page tests, built as queue-worker's and twitter-client's tests build them: ftyp, moov/mvhd
 * (timescale 1000) and an mdat of filler. That is what the worker checks (the box structure and the duration) and
 * what the sandbox takes; neither decodes the stream, as X would (X's verdict on codecs is the sandbox's marker).
 */
final class TestVideos {
    /** The sandbox ends the processing of a video holding this {@code failed} (twitter-sandbox's FAIL_PROCESSING_MARKER). */
    static final String FAIL_PROCESSING_MARKER = "twt-sandbox:fail-processing";

    private TestVideos() {}

    /** An MP4 lasting {@code millis}, whose mdat starts with {@code marker}. */
    static byte[] mp4(long millis, String marker) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(box(
                "ftyp",
                ByteBuffer.allocate(16)
                        .put(ascii("isom"))
                        .putInt(0x200)
                        .put(ascii("isom"))
                        .put(ascii("avc1"))
                        .array()));
        ByteBuffer mvhd = ByteBuffer.allocate(100)
                .putInt(0)
                .putInt(0)
                .putInt(0)
                .putInt(1000)
                .putInt((int) millis)
                .putInt(0x00010000);
        out.writeBytes(box("moov", box("mvhd", mvhd.array())));
        byte[] data = new byte[256];
        byte[] m = ascii(marker);
        System.arraycopy(m, 0, data, 0, m.length);
        out.writeBytes(box("mdat", data));
        return out.toByteArray();
    }

    static byte[] mp4(long millis) {
        return mp4(millis, "");
    }

    private static byte[] box(String type, byte[] body) {
        return ByteBuffer.allocate(8 + body.length)
                .putInt(8 + body.length)
                .put(ascii(type))
                .put(body)
                .array();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
