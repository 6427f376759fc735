package io.twtbridge.twitter;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/** Real image files for tests: a minimal PNG encoder (RGB noise) and a known-good 1x1 GIF. */
final class Images {
    /** The classic 1x1 transparent GIF89a. */
    private static final byte[] GIF_1X1 = HexFormat.of()
            .parseHex("47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b");

    private Images() {}

    static byte[] gif() {
        return GIF_1X1.clone();
    }

    /** A valid PNG of random RGB pixels: noise does not compress, so the size is about w*h*3 bytes. */
    static byte[] png(int w, int h, long seed) {
        Random r = new Random(seed);
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        byte[] row = new byte[w * 3];
        for (int y = 0; y < h; y++) {
            raw.write(0); // filter: none
            r.nextBytes(row);
            raw.writeBytes(row);
        }
        Deflater deflater = new Deflater();
        deflater.setInput(raw.toByteArray());
        deflater.finish();
        ByteArrayOutputStream z = new ByteArrayOutputStream();
        byte[] buf = new byte[65536];
        while (!deflater.finished()) {
            z.write(buf, 0, deflater.deflate(buf));
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        png.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
        chunk(
                png,
                "IHDR",
                ByteBuffer.allocate(13)
                        .putInt(w)
                        .putInt(h)
                        .put((byte) 8)
                        .put((byte) 2)
                        .put((byte) 0)
                        .put((byte) 0)
                        .put((byte) 0)
                        .array());
        chunk(png, "IDAT", z.toByteArray());
        chunk(png, "IEND", new byte[0]);
        return png.toByteArray();
    }

    /** The 3 JPEG magic bytes followed by filler: enough for type detection and size limits. */
    static byte[] jpegHeaderOnly(int size) {
        byte[] b = new byte[size];
        b[0] = (byte) 0xFF;
        b[1] = (byte) 0xD8;
        b[2] = (byte) 0xFF;
        return b;
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(t);
        out.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }
}
