package io.twtbridge.protocol;

import java.net.URI;
import java.util.Arrays;
import java.util.Objects;

/** Where the bytes of one attached image come from. */
public sealed interface MediaSource {

    /** A file the main server stored in the upload directory it shares with the worker. */
    record FilePath(String path) implements MediaSource {
        public FilePath {
            Objects.requireNonNull(path, "path");
        }
    }

    /** An {@code https} URL the worker downloads. */
    record Url(URI url) implements MediaSource {
        public Url {
            Objects.requireNonNull(url, "url");
        }
    }

    /** The bytes themselves (base64 on the wire). */
    record Data(byte[] bytes) implements MediaSource {
        public Data {
            Objects.requireNonNull(bytes, "bytes");
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Data d && Arrays.equals(bytes, d.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return "Data[" + bytes.length + " bytes]";
        }
    }
}
