package io.twtbridge.sandbox;

import java.io.ByteArrayOutputStream;
import java.util.List;
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

    /** The uploads whose processing has not ended (pending or in progress), by id. */
    public List<String> processing() {
        return uploads.values().stream()
                .filter(m -> m.state == MediaState.PENDING || m.state == MediaState.IN_PROGRESS)
                .map(m -> m.id)
                .sorted()
                .toList();
    }

    /**
     * Ends this upload's processing at its next STATUS poll ({@code succeeded}, or {@code failed} for a video marked to
     * fail), however many polls {@link Limits#processingPolls()} had left it: a test holds a video in progress with a
     * large {@code processingPolls}, then lets it finish.
     */
    public void finishProcessing(String mediaId) {
        find(mediaId).ifPresent(m -> m.finishNow = true);
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
        /** Processing ends at the next STATUS poll ({@link Media#finishProcessing}). */
        volatile boolean finishNow;
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
