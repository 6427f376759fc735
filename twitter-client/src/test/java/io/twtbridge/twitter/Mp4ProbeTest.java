package io.twtbridge.twitter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twtbridge.sandbox.SampleVideos;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The MP4 probe: detection from the first bytes, duration from moov/mvhd, bounded on hostile box sizes. */
class Mp4ProbeTest {

    @Test
    void detectsFtypAtOffsetFour() {
        assertTrue(Mp4Probe.isMp4(SampleVideos.mp4(1000)));
        assertFalse(Mp4Probe.isMp4(Images.png(4, 4, 1)));
        assertFalse(Mp4Probe.isMp4(
                new byte[] {0, 0, 0, 4, 'f', 't', 'y', 'p', 0, 0, 0, 0})); // a box shorter than its header
        assertFalse(Mp4Probe.isMp4("xxxxftyp".getBytes()));
        assertFalse(Mp4Probe.isMp4(new byte[] {0, 0, 0, 8, 'f', 't', 'y', 'p'})); // too short to be an ftyp box
        assertTrue(MediaCheck.kind(SampleVideos.mp4(1000)).orElseThrow() instanceof MediaCheck.Kind.Video);
    }

    @Test
    void durationFromMvhd() {
        assertEquals(
                Optional.of(Duration.ofMillis(12_345)),
                mp4(Mp4Probe.probe(SampleVideos.mp4(12_345))).duration());
        // mvhd version 1: 64-bit times
        ByteBuffer v1 = ByteBuffer.allocate(112)
                .putInt(0x01000000)
                .putLong(0)
                .putLong(0)
                .putInt(90_000)
                .putLong(90_000L * 3);
        byte[] file = concat(
                Arrays.copyOf(SampleVideos.mp4(1), 24), SampleVideos.box("moov", SampleVideos.box("mvhd", v1.array())));
        assertEquals(
                Optional.of(Duration.ofSeconds(3)), mp4(Mp4Probe.probe(file)).duration());
        // no moov (it may come after mdat in a file cut short): duration unknown, left to X
        assertEquals(
                Optional.empty(),
                mp4(Mp4Probe.probe(Arrays.copyOf(SampleVideos.mp4(1), 24))).duration());
    }

    @Test
    void brokenBoxSizesAreRefusedNotFollowed() {
        byte[] ok = SampleVideos.mp4(1000);
        byte[] huge = ok.clone();
        huge[24] = 0x7F; // moov claims ~2 GB
        assertInstanceOf(Mp4Probe.Result.Broken.class, Mp4Probe.probe(huge));
        byte[] tiny = ok.clone();
        tiny[24] = 0;
        tiny[25] = 0;
        tiny[26] = 0;
        tiny[27] = 4; // a box smaller than its header
        assertInstanceOf(Mp4Probe.Result.Broken.class, Mp4Probe.probe(tiny));
        byte[] zeroScale = ok.clone();
        int mvhd = 24 + 8 + 8;
        zeroScale[mvhd + 12 + 3] = 0;
        zeroScale[mvhd + 12 + 2] = 0;
        assertInstanceOf(Mp4Probe.Result.Broken.class, Mp4Probe.probe(zeroScale));
    }

    @Test
    void randomAndManyTinyBoxesEndQuickly() {
        Random random = new Random(13);
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            for (int i = 0; i < 2_000; i++) {
                byte[] b = new byte[random.nextInt(200) + 12];
                random.nextBytes(b);
                System.arraycopy(SampleVideos.mp4(1), 0, b, 0, 12);
                Mp4Probe.probe(b); // must neither throw nor loop
            }
            // 1 MiB of 8-byte empty boxes: the walk stops after MAX_BOXES
            ByteBuffer many = ByteBuffer.allocate(1 << 20);
            many.put(Arrays.copyOf(SampleVideos.mp4(1), 24));
            while (many.remaining() >= 8) {
                many.putInt(8).put("free".getBytes());
            }
            assertEquals(Optional.empty(), mp4(Mp4Probe.probe(many.array())).duration());
        });
    }

    private static Mp4Probe.Result.Mp4 mp4(Mp4Probe.Result r) {
        return assertInstanceOf(Mp4Probe.Result.Mp4.class, r, r::toString);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
