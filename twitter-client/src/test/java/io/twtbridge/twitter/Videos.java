package io.twtbridge.twitter;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Tiny MP4 files for tests: the box structure X's limits are read from (ftyp, moov/mvhd, mdat), no real video. */
final class Videos {
    private Videos() {}

    /** An MP4 lasting {@code millis} (timescale 1000), with {@code payload} bytes of mdat holding {@code marker}. */
    static byte[] mp4(long millis, int payload, String marker) {
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

    static byte[] mp4(long millis) {
        return mp4(millis, 64, "");
    }

    static byte[] box(String type, byte[] body) {
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
