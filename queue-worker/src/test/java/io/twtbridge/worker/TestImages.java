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
}
