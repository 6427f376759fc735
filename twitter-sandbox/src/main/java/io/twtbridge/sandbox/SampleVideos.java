package io.twtbridge.sandbox;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Tiny MP4 files for tests and demos: the box structure X's limits are read from (ftyp, moov/mvhd with timescale
 * 1000, mdat), no real video stream; the sandbox, like X's checks before processing, reads only the boxes.
 */
public final class SampleVideos {
    private SampleVideos() {}

    /**
     * An MP4 lasting {@code millis}, with {@code payload} bytes of mdat starting with {@code marker} (e.g.
     * {@link Faults#FAIL_PROCESSING_MARKER}, whose processing the sandbox fails).
     */
    public static byte[] mp4(long millis, int payload, String marker) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(box(
                "ftyp",
                ByteBuffer.allocate(16)
                        .put(ascii("isom"))
                        .putInt(0x200)
                        .put(ascii("isom"))
                        .put(ascii("avc1"))
                        .array()));
        ByteBuffer mvhd = ByteBuffer.allocate(100);
        mvhd.putInt(0); // version 0, flags
        mvhd.putInt(0).putInt(0); // creation, modification
        mvhd.putInt(1000).putInt((int) millis); // timescale, duration
        mvhd.putInt(0x00010000).putShort((short) 0x0100); // rate 1.0, volume 1.0
        out.writeBytes(box("moov", box("mvhd", mvhd.array())));
        byte[] data = new byte[payload];
        byte[] m = ascii(marker);
        System.arraycopy(m, 0, data, 0, Math.min(m.length, data.length));
        out.writeBytes(box("mdat", data));
        return out.toByteArray();
    }

    /** An MP4 lasting {@code millis}, 404 bytes, whose mdat starts with {@code marker}. */
    public static byte[] mp4(long millis, String marker) {
        return mp4(millis, 256, marker);
    }

    /** An MP4 lasting {@code millis}, 404 bytes. */
    public static byte[] mp4(long millis) {
        return mp4(millis, "");
    }

    /** One MP4 box: its size, its type, its body. */
    public static byte[] box(String type, byte[] body) {
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
