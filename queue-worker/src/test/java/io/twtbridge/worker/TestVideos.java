package io.twtbridge.worker;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Tiny MP4 files for tests: ftyp, moov/mvhd (timescale 1000) and an mdat of filler; no real video stream. */
final class TestVideos {
    private TestVideos() {}

    /** An MP4 lasting {@code millis}, whose mdat starts with {@code marker} (e.g. the sandbox's fail-processing marker). */
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
