package io.twtbridge.protocol;

import java.util.HexFormat;

/** Test helper: bytes written as hex, spaces allowed for readability. */
final class Hex {
    private Hex() {}

    static byte[] bytes(String hex) {
        return HexFormat.of().parseHex(hex.replace(" ", ""));
    }

    static String of(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
