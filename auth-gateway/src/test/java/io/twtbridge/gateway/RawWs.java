package io.twtbridge.gateway;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client on a plain socket: the handshake by hand, then any frame at all, well-formed or not, and the
 * server's frames as they come, so that tests can check RFC 6455's frame rules byte by byte.
 */
final class RawWs implements AutoCloseable {
    static final int CONTINUATION = 0x0;
    static final int TEXT = 0x1;
    static final int BINARY = 0x2;
    static final int CLOSE = 0x8;
    static final int PING = 0x9;
    static final int PONG = 0xA;

    /** A frame from the server. */
    record Frame(boolean fin, int opcode, byte[] payload) {
        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        /** The close code of a close frame (1005 when it has none). */
        int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : 1005;
        }

        String closeReason() {
            return payload.length > 2 ? new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8) : "";
        }
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    private RawWs(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /** Opens a socket and completes the opening handshake (asserting the 101). */
    static RawWs connect(URI ws, String origin) throws IOException {
        RawWs c = new RawWs(new Socket(ws.getHost(), ws.getPort()));
        c.socket.setSoTimeout(10_000);
        byte[] key = new byte[16];
        ThreadLocalRandom.current().nextBytes(key);
        String request = "GET / HTTP/1.1\r\nHost: " + ws.getHost() + ":" + ws.getPort() + "\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: "
                + Base64.getEncoder().encodeToString(key)
                + "\r\nOrigin: " + origin + "\r\n\r\n";
        c.out.write(request.getBytes(StandardCharsets.US_ASCII));
        c.out.flush();
        String response = c.readHttpHead();
        assertTrue(response.startsWith("HTTP/1.1 101"), response);
        return c;
    }

    private String readHttpHead() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed during the handshake: " + head);
            }
            head.write(b);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    /** Sends one frame with the given first byte (FIN, RSV bits and opcode), masked as a client must unless told not to. */
    RawWs send(int firstByte, byte[] payload, boolean masked) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(14 + payload.length);
        b.put((byte) firstByte);
        int maskBit = masked ? 0x80 : 0;
        if (payload.length < 126) {
            b.put((byte) (maskBit | payload.length));
        } else if (payload.length < 65536) {
            b.put((byte) (maskBit | 126)).putShort((short) payload.length);
        } else {
            b.put((byte) (maskBit | 127)).putLong(payload.length);
        }
        byte[] body = payload.clone();
        if (masked) {
            byte[] mask = new byte[4];
            ThreadLocalRandom.current().nextBytes(mask);
            b.put(mask);
            for (int i = 0; i < body.length; i++) {
                body[i] ^= mask[i % 4];
            }
        }
        b.put(body);
        out.write(b.array(), 0, b.position());
        out.flush();
        return this;
    }

    /** A final, masked frame. */
    RawWs send(int opcode, byte[] payload) throws IOException {
        return send(0x80 | opcode, payload, true);
    }

    RawWs sendText(String text) throws IOException {
        return send(TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    /** A close frame with a code and a reason. */
    RawWs sendClose(int code, byte[] reason) throws IOException {
        byte[] p = new byte[2 + reason.length];
        p[0] = (byte) (code >> 8);
        p[1] = (byte) code;
        System.arraycopy(reason, 0, p, 2, reason.length);
        return send(CLOSE, p);
    }

    /** The next frame from the server (10 s at most). */
    Frame read() throws IOException {
        int b0 = in.readUnsignedByte();
        int b1 = in.readUnsignedByte();
        long length = b1 & 0x7F;
        if (length == 126) {
            length = in.readUnsignedShort();
        } else if (length == 127) {
            length = in.readLong();
        }
        byte[] payload = new byte[(int) length];
        in.readFully(payload);
        return new Frame((b0 & 0x80) != 0, b0 & 0x0F, payload);
    }

    /** Skips data frames and pings until the server's close frame. */
    Frame readClose() throws IOException {
        Frame f = read();
        while (f.opcode() != CLOSE) {
            f = read();
        }
        return f;
    }

    /** Whatever the server sends until it closes the connection (at most {@code limit} bytes, 10 s). */
    byte[] readToEnd(int limit) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buf = new byte[1024];
        try {
            for (int n; all.size() < limit && (n = in.read(buf)) > 0; ) {
                all.write(buf, 0, n);
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError(
                    "the server kept the connection open; received so far: " + Arrays.toString(all.toByteArray()));
        } catch (IOException e) {
            // reset by the server: closed as well
        }
        return all.toByteArray();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
