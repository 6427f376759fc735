package io.twtbridge.worker;

import io.twtbridge.protocol.Outcome;
import java.time.Instant;

/** What to do with a request after one attempt. */
sealed interface Decision {

    /** Answer now with this outcome. */
    record Answer(Outcome outcome) implements Decision {}

    /**
     * X was unavailable: try again later (with backoff), if attempts and age allow. {@code mayHavePosted}: the
     * failure came after the post itself was sent (a timeout, a dropped connection, a 5xx), so X may have created it.
     */
    record Retry(String reason, boolean mayHavePosted) implements Decision {}

    /** X rate-limited the user (or, when {@code appWide}, the whole app) until {@code until}. */
    record WaitUntil(Instant until, boolean appWide) implements Decision {}

    /** The shard was lost while recording progress: no answer; the request goes back with the shard. */
    record Abandoned() implements Decision {}
}
