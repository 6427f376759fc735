package io.twtbridge.worker;

import java.util.HexFormat;

/** Small real images for tests. */
final class TestImages {
    private TestImages() {}

    /** A 1x1 PNG. */
    static byte[] png() {
        return HexFormat.of()
                .parseHex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                        + "1f15c4890000000d49444154789c6360000002000154a24f5f0000000049454e44ae426082");
    }

    /** A 1x1 baseline JPEG (decodes with the JDK's ImageIO). */
    static byte[] jpeg() {
        return HexFormat.of()
                .parseHex("ffd8ffe000104a46494600010101004800480000ffdb004300"
                        + "ff".repeat(66)
                        + "c2000b080001000101011100ffc40014100100000000000000000000000000000000"
                        + "ffda0008010100013f10");
    }

    /** A 1x1 lossless WEBP. */
    static byte[] webp() {
        return HexFormat.of().parseHex("524946461a000000574542505650384c0d0000002f00000010071011118888fe0700");
    }
}
