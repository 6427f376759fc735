package io.twtbridge.sandbox;

import java.io.ByteArrayOutputStream;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Uploaded media by id: its owner, type, bytes (while a chunked upload runs), processing state and alt text. */
public final class Media {
    private final Map<String, Upload> uploads = new ConcurrentHashMap<>();

    /** The media type of an uploaded media id ({@code image/png}, {@code video/mp4}, …). */
    public Optional<String> type(String mediaId) {
        return find(mediaId).map(m -> m.mediaType);
    }

    /** Where the upload with this id is. */
    public Optional<MediaState> state(String mediaId) {
        return find(mediaId).map(m -> m.state);
    }

    Upload put(Upload m) {
        uploads.put(m.id, m);
        return m;
    }

    Optional<Upload> find(String id) {
        return Optional.ofNullable(uploads.get(id));
    }

    void reset() {
        uploads.clear();
    }

    /** One upload. Chunked uploads fill {@code received} until finalized. */
    static final class Upload {
        final String id;
        final String ownerId;
        final String mediaType;
        final long totalBytes;
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        volatile MediaState state;
        volatile int pollsLeft;
        /** Processing ends {@code FAILED} instead of {@code SUCCEEDED} (a video marked to fail). */
        volatile boolean failProcessing;
        /** STATUS polls answered so far, for {@code progress_percent}. */
        volatile int polls;

        volatile String altText;
        volatile long size;

        Upload(String id, String ownerId, String mediaType, long totalBytes, MediaState state) {
            this.id = id;
            this.ownerId = ownerId;
            this.mediaType = mediaType;
            this.totalBytes = totalBytes;
            this.state = state;
        }
    }
}
