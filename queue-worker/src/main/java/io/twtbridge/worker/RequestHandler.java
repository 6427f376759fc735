package io.twtbridge.worker;

import com.rabbitmq.client.AMQP;
import io.twtbridge.protocol.Command;
import io.twtbridge.protocol.DeadLetter;
import io.twtbridge.protocol.Decoded;
import io.twtbridge.protocol.ErrorCode;
import io.twtbridge.protocol.JsonQueueFormat;
import io.twtbridge.protocol.Outcome;
import io.twtbridge.protocol.Problem;
import io.twtbridge.protocol.QueueFormat;
import io.twtbridge.protocol.Request;
import io.twtbridge.protocol.Tokens;
import io.twtbridge.twitter.TextCheck;
import io.twtbridge.twitter.XClient;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What happens to one request of an owned shard: decode it, wait while its user (or the app) is rate-limited,
 * call X through {@link PostingService}, retry or give up by the {@link RetryPolicy}, and answer exactly once. The
 * answer and the acknowledgement are one commit ({@link Outbox}). Runs on virtual threads; a wait holds the request
 * (and its user's later ones) where it is.
 */
final class RequestHandler implements Shard.Handler {
    private static final System.Logger LOG = System.getLogger(RequestHandler.class.getName());
    /**
     * The longest a request is held (waiting behind its user, for a retry or a rate limit) after its delivery: below
     * RabbitMQ's default {@code consumer_timeout} (30 min), after which the broker closes the channel.
     */
    static final Duration MAX_HOLD = Duration.ofMinutes(25);
    /** The shortest wait after a 429. */
    static final Duration MIN_RATE_LIMIT_WAIT = Duration.ofSeconds(1);

    private final WorkerConfig config;
    private final PostingService service;
    private final WorkerMetrics metrics;
    private final AtomicInteger inFlight = new AtomicInteger();
    /**
     * Turns to call X: at most {@link WorkerConfig#maxInFlight()} requests call X at once, whatever their shard, shared
     * among the shards by the work each has left. Shards are handed more requests than their share
     * ({@link WorkerConfig#shardDeliveries(int)}), so a busy one takes the turns the others leave. A request waiting
     * for a rate limit or a retry holds no turn.
     */
    private final Turns<Shard> turns;
    /** Requests dispatched and not finished, per user. */
    private final Map<String, Integer> waiting = new ConcurrentHashMap<>();

    private final Replies replies;
    /** X rate-limits the whole app until then. */
    private volatile Instant appUntil = Instant.EPOCH;

    RequestHandler(WorkerConfig config, PostingService service, WorkerMetrics metrics) {
        this.config = config;
        this.service = service;
        this.metrics = metrics;
        this.replies = new Replies(config);
        this.turns = new Turns<>(config.maxInFlight(), Shard::remaining);
    }

    int inFlight() {
        return inFlight.get();
    }

    /** A request to work on: one user's requests in order, everything else freely. Never throws. */
    @Override
    public void dispatch(Shard shard, Shard.Delivery d) {
        if (shard.isLost()) {
            return; // being released: the request goes back to the queue with the shard
        }
        QueueFormat format = QueueFormat.forContentType(d.props().getContentType());
        Decoded decoded;
        try {
            decoded = config.unsealing().open(format.decode(d.body()));
        } catch (RuntimeException e) {
            // Decoding promises not to throw; should it ever, the request is dead-lettered, not the consumer stopped.
            decoded = new Decoded.Malformed(
                    Problem.INVALID_FIELD, Optional.empty(), Optional.empty(), "the request could not be decoded");
        }
        Decoded request = decoded;
        Request userRequest = request instanceof Decoded.Ok ok && userOf(ok.request()) != null ? ok.request() : null;
        Tokens user = userRequest == null ? null : userOf(userRequest);
        String key = user != null ? "u:" + user.token() : "d:" + d.tag();
        // A rate-limited user's requests wait in the shard's prefetch; past a quarter of it, later ones are answered
        // rate_limited at once, so one user cannot hold the shard's other users back.
        boolean overflow = user != null
                && waiting.merge(key, 1, Integer::sum) > Math.max(2, config.shardPrefetch(config.shards()) / 4)
                && blockedUntil(shard, user).isAfter(Instant.now());
        inFlight.incrementAndGet();
        shard.started();
        Runnable work = () -> {
            try {
                if (shard.isLost()) {
                    return;
                }
                if (overflow) {
                    Outcome.Failed limited = rateLimitedNow(blockedUntil(shard, user));
                    Request.Thread thread = userRequest instanceof Request.Thread t ? t : null;
                    String threadKey = thread == null ? null : threadKey(thread);
                    int done = thread == null
                            ? 0
                            : shard.state()
                                    .threadProgress(threadKey, Instant.now())
                                    .size();
                    Outcome reply = threadAware(thread, threadKey, done, shard.state(), limited);
                    if (userRequest instanceof Request.Post) {
                        reply = recordedPost(shard.state(), ShardQueues.fingerprint(d.body()))
                                .<Outcome>map(p -> p)
                                .orElse(reply);
                    }
                    answer(shard, d, format, userRequest.id(), userRequest.command(), reply);
                } else {
                    process(shard, d, format, request);
                }
            } catch (RuntimeException e) {
                // Only this request is settled: kept in twt.dead with the reason, its ack in the same commit.
                // (Resetting
                // the channel would send every request of the shard round again.)
                LOG.log(
                        Level.ERROR,
                        "unexpected failure on a request (" + e.getClass().getSimpleName() + "); dead-lettered");
                if (shard.commit(List.of(
                        replies.deadLetter(d.props(), d.body(), DeadLetter.of(DeadLetter.Cause.INTERNAL_ERROR)),
                        new Outbox.Op.Ack(d.tag())))) {
                    metrics.deadLettered();
                }
            } finally {
                if (user != null) {
                    waiting.computeIfPresent(key, (k, n) -> n == 1 ? null : n - 1);
                }
                inFlight.decrementAndGet();
                shard.finished();
            }
        };
        if (overflow) {
            Thread.ofVirtual().start(work);
        } else {
            shard.sequencer().submit(key, work);
        }
    }

    private Instant blockedUntil(Shard shard, Tokens user) {
        return later(appUntil, shard.state().blockedUntil(ShardQueues.userHash(user.token()), Instant.now()));
    }

    /** The user a request acts for (a post, a thread, a delete), or null: such requests are routed and ordered by user. */
    static Tokens userOf(Request request) {
        return switch (request) {
            case Request.Post p -> p.user();
            case Request.Delete del -> del.user();
            case Request.Thread t -> t.user();
            case Request.Auth a -> null;
            case Request.VerifyPin v -> null;
        };
    }

    private static Outcome.Failed rateLimitedNow(Instant until) {
        long s = RetryPolicy.secondsUntil(until, Instant.now());
        return Outcome.Failed.rateLimited(
                "X rate-limits this user and too many of their posts are waiting; retry after " + s + " s", s);
    }

    @Override
    public void returned(Shard shard, String routingKey, AMQP.BasicProperties props, byte[] body, String why) {
        // The request was acknowledged with its reply in one commit; the reply is kept in twt.dead instead.
        LOG.log(Level.WARNING, "a reply was returned by the broker (" + why + "); kept in " + config.deadLetterQueue());
        metrics.undeliverableReply();
        shard.commitLater(List.of(replies.undeliverable(
                props,
                body,
                DeadLetter.of(
                        DeadLetter.Cause.REPLY_RETURNED, DeadLetter.Cause.REPLY_RETURNED.description() + ": " + why))));
    }

    private void process(Shard shard, Shard.Delivery d, QueueFormat format, Decoded decoded) {
        switch (decoded) {
            case Decoded.Malformed m
            when m.answerable() ->
                answer(shard, d, format, m.id().get(), m.command().orElse(Command.UPLOAD_POST), m.failure());
            case Decoded.Malformed m -> {
                if (shard.commit(List.of(
                        replies.deadLetter(d.props(), d.body(), DeadLetter.unanswerable(m)),
                        new Outbox.Op.Ack(d.tag())))) {
                    metrics.deadLettered();
                    LOG.log(
                            Level.WARNING,
                            "request without a usable id dead-lettered to " + config.deadLetterQueue() + ": "
                                    + m.detail());
                }
            }
            case Decoded.Ok ok -> handle(shard, d, format, ok.request());
        }
    }

    private void handle(Shard shard, Shard.Delivery d, QueueFormat format, Request request) {
        RetryPolicy policy = config.retry();
        Instant received = d.headers().get(Router.H_RECEIVED) instanceof Number n
                ? Instant.ofEpochMilli(Math.min(n.longValue(), System.currentTimeMillis()))
                : Instant.now();
        Request.Post post = request instanceof Request.Post p ? p : null;
        Request.Delete delete = request instanceof Request.Delete del ? del : null;
        Tokens tokens = userOf(request);
        String user = tokens != null ? ShardQueues.userHash(tokens.token()) : null;
        // X refuses a repeated text, so a text post can safely be tried again; anything else must not be.
        boolean repeatable = post == null || !TextCheck.normalize(post.text()).isBlank();
        // A post's fingerprint: its "attempt begun" record (without text), and the record of its id once X accepted
        // it (a thread of one part), kept until its answer is committed.
        String fingerprint = post == null ? null : ShardQueues.fingerprint(d.body());
        ShardState state = shard.state();
        Optional<Outcome.Posted> recorded = recordedPost(state, fingerprint);
        if (recorded.isPresent()) {
            // X accepted it before and its answer was not committed (a worker stopped, or lost the broker): the
            // answer is the recorded post; nothing is sent to X again.
            answer(shard, d, format, request.id(), request.command(), recorded.get());
            state.threadDone(fingerprint);
            if (!repeatable) {
                state.attemptFinished(fingerprint);
            }
            return;
        }
        if (!repeatable && d.redelivered() && state.mayHaveAttempted(fingerprint)) {
            metrics.outcomeUnknown();
            answer(shard, d, format, request.id(), request.command(), outcomeUnknown());
            // Answered: the "attempt begun" record has done its job (left, the state would keep a line per such
            // answer). Had the answer not been committed, the channel is gone: the next owner reads the stored record.
            state.attemptFinished(fingerprint);
            return;
        }
        boolean earlier = d.redelivered() || d.headers().containsKey(Router.H_REDELIVERED);
        // A delete is safe to repeat; X then no longer knows the post. Whether a delete of this post was sent before
        // (an earlier request, an earlier delivery, an earlier try) tells "deleted already" from "never existed".
        String deleteKey = delete == null
                ? null
                : ShardQueues.fingerprint((user + " " + delete.tweetId()).getBytes(StandardCharsets.UTF_8));
        boolean deleteSentBefore = delete != null && state.mayHaveDeleted(deleteKey, Instant.now());
        // A thread's progress is keyed by the request as the encoder writes it: the same request sent again continues.
        Request.Thread thread = request instanceof Request.Thread t ? t : null;
        String threadKey = thread == null ? null : threadKey(thread);
        int earlierParts = thread == null
                ? 0
                : state.threadProgress(threadKey, Instant.now()).size();
        // A thread begun before: X's "duplicate content" for a part means that earlier request posted it.
        boolean threadBegun = thread != null && state.threadBegun(threadKey, Instant.now());
        if (thread != null && !threadBegun) {
            state.threadStarted(threadKey, Instant.now());
            if (!shard.saveState()) {
                return;
            }
        }
        int attempt = 0;
        Instant holdLimit = d.deliveredAt().plus(MAX_HOLD);
        while (true) {
            Instant now = Instant.now();
            if (now.isAfter(holdLimit)) {
                // Unacknowledged longer than this, the broker would take the channel away (consumer_timeout).
                answer(
                        shard,
                        d,
                        format,
                        request.id(),
                        request.command(),
                        Outcome.Failed.of(
                                ErrorCode.X_UNAVAILABLE,
                                "the request could not be posted within " + MAX_HOLD.toMinutes()
                                        + " minutes of its delivery"));
                return;
            }
            if (user != null) {
                Instant until = later(appUntil, state.blockedUntil(user, now));
                if (until.isAfter(now)) {
                    switch (policy.blockedUntil(until, received, now)) {
                        case RetryPolicy.Next.Answer a -> {
                            answer(
                                    shard,
                                    d,
                                    format,
                                    request.id(),
                                    request.command(),
                                    threadAware(thread, threadKey, earlierParts, state, a.outcome()));
                            return;
                        }
                        case RetryPolicy.Next.WaitUntil w -> {
                            metrics.deferred("rate_limited");
                            if (!shard.awaitUntil(w.until())) {
                                return;
                            }
                            continue;
                        }
                    }
                }
            }
            if (!takeTurn(shard, holdLimit)) {
                if (shard.isLost() || Thread.currentThread().isInterrupted()) {
                    return; // the request goes back to the queue with the shard
                }
                continue; // held past the limit: answered above
            }
            now = Instant.now(); // the wait for a turn may have been long
            Decision decision;
            try {
                if (!repeatable) {
                    state.attemptStarted(fingerprint);
                    if (!shard.saveState()) {
                        return;
                    }
                }
                if (delete != null && !deleteSentBefore) {
                    state.deleteSent(deleteKey, now);
                    if (!shard.saveState()) {
                        return;
                    }
                }
                attempt++;
                decision = switch (request) {
                    case Request.Thread t ->
                        service.thread(
                                t,
                                state.threadProgress(threadKey, now),
                                earlierParts,
                                earlier || attempt > 1 || threadBegun,
                                id -> {
                                    // Recorded also while the shard is being released; the next part waits for the next
                                    // owner.
                                    state.threadPartPosted(threadKey, id, Instant.now());
                                    return shard.recordState() && !shard.isLost();
                                });
                    case Request.Post p ->
                        service.single(p, earlier || attempt > 1, id -> {
                            state.threadPartPosted(fingerprint, id, Instant.now());
                            shard.recordStateBeforeReply();
                        });
                    default -> service.attempt(request, earlier || attempt > 1);
                };
            } finally {
                turns.give(shard);
            }
            Instant after = Instant.now();
            switch (decision) {
                case Decision.Answer a -> {
                    Outcome outcome = a.outcome();
                    if (outcome instanceof Outcome.Deleted del && !del.deleted()) {
                        if (deleteSentBefore) {
                            outcome = new Outcome.Deleted(del.tweetId(), true); // gone: deleted by our earlier delete
                        } else {
                            state.deleteForgotten(deleteKey); // it never existed: a later delete answers not_found too
                        }
                    } else if (outcome instanceof Outcome.Failed && delete != null && !deleteSentBefore) {
                        state.deleteForgotten(deleteKey); // X refused it: nothing was deleted
                    }
                    answer(shard, d, format, request.id(), request.command(), outcome);
                    // Forgotten once answered (the answer's commit is done or the shard is lost).
                    if (outcome instanceof Outcome.ThreadPosted t && t.failure().isEmpty()) {
                        state.threadDone(threadKey);
                    } else if (post != null) {
                        state.threadDone(fingerprint);
                    }
                    if (!repeatable) {
                        state.attemptFinished(fingerprint);
                    }
                    return;
                }
                case Decision.Retry r -> {
                    deleteSentBefore |= delete != null && r.mayHavePosted();
                    if (!repeatable && r.mayHavePosted()) {
                        metrics.outcomeUnknown();
                        answer(shard, d, format, request.id(), request.command(), outcomeUnknown());
                        state.attemptFinished(fingerprint);
                        return;
                    }
                    if (!repeatable) {
                        state.attemptFinished(fingerprint);
                    }
                    switch (policy.afterUnavailable(
                            attempt, r.reason(), received, after, ThreadLocalRandom.current())) {
                        case RetryPolicy.Next.Answer a -> {
                            answer(
                                    shard,
                                    d,
                                    format,
                                    request.id(),
                                    request.command(),
                                    threadAware(thread, threadKey, earlierParts, state, a.outcome()));
                            return;
                        }
                        case RetryPolicy.Next.WaitUntil w -> {
                            metrics.retried();
                            if (!shard.awaitUntil(w.until())) {
                                return;
                            }
                        }
                    }
                }
                case Decision.Abandoned ignored -> {
                    return; // the shard is lost: the request goes back with it
                }
                case Decision.WaitUntil w -> {
                    if (!repeatable) {
                        state.attemptFinished(fingerprint);
                    }
                    // X's reset is in whole seconds and may already have passed by its clock: never ask again at once.
                    Instant until = later(w.until(), after.plus(MIN_RATE_LIMIT_WAIT));
                    if (w.appWide()) {
                        appUntil = later(appUntil, until);
                    } else if (user != null) {
                        state.block(user, until);
                        if (!shard.saveState()) {
                            return;
                        }
                    } else {
                        // auth / verify_pin: the app's limit for the login endpoints; wait like everyone else would.
                        appUntil = later(appUntil, until);
                    }
                }
            }
        }
    }

    /** A post whose id an earlier delivery of it recorded before its answer was committed, as its answer. */
    private static Optional<Outcome.Posted> recordedPost(ShardState state, String fingerprint) {
        List<String> ids = fingerprint == null ? List.of() : state.threadProgress(fingerprint, Instant.now());
        return ids.isEmpty()
                ? Optional.empty()
                : Optional.of(Outcome.Posted.earlier(ids.getFirst(), XClient.tweetUrl(ids.getFirst())));
    }

    /** A thread's key in the shard's state: the request as the encoder writes it, hashed. */
    private static String threadKey(Request.Thread thread) {
        return ShardQueues.fingerprint(JsonQueueFormat.INSTANCE.encodeRequest(thread));
    }

    /** A failure of a thread as the thread's answer: which parts are on X, which failed, which were not sent. */
    private static Outcome threadAware(
            Request.Thread thread, String threadKey, int earlierParts, ShardState state, Outcome.Failed f) {
        return thread == null
                ? f
                : PostingService.threadOutcome(
                        thread,
                        state.threadProgress(threadKey, Instant.now()),
                        earlierParts,
                        Optional.empty(),
                        Optional.of(f));
    }

    private static Outcome.Failed outcomeUnknown() {
        return Outcome.Failed.of(
                ErrorCode.OUTCOME_UNKNOWN,
                "an earlier attempt of this request may have reached X, which does not"
                        + " deduplicate posts without text; it was not posted again: check the account before sending it again");
    }

    private void answer(
            Shard shard, Shard.Delivery d, QueueFormat format, String id, Command command, Outcome outcome) {
        Outbox.Op reply = replies.reply(d.props(), format.contentType(), format.encodeReply(id, command, outcome));
        if (shard.commit(List.of(reply, new Outbox.Op.Ack(d.tag())))) {
            String label = label(outcome);
            metrics.answered(command.wireName(), label);
            if (reply instanceof Outbox.Op.Publish p && p.routingKey().equals(config.deadLetterQueue())) {
                metrics.undeliverableReply();
            }
            LOG.log(Level.DEBUG, () -> "answered command=" + command.wireName() + " outcome=" + label);
        }
    }

    /**
     * Waits for a turn to call X ({@link #turns}). False, without a turn, once the shard is lost, the request has been
     * held past {@code holdLimit} or the thread is interrupted.
     */
    private boolean takeTurn(Shard shard, Instant holdLimit) {
        if (!turns.take(shard, () -> shard.isLost() || Instant.now().isAfter(holdLimit))) {
            return false;
        }
        if (shard.isLost() || Thread.currentThread().isInterrupted()) {
            turns.give(shard); // an interrupt stops the worker: the request goes back with the shard
            return false;
        }
        return true;
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private static String label(Outcome o) {
        return switch (o) {
            case Outcome.Posted p -> p.alreadyPosted() ? "posted_earlier" : "posted";
            case Outcome.Deleted del -> del.deleted() ? "deleted" : "not_found";
            case Outcome.ThreadPosted t ->
                t.failure().map(f -> f.code().wireName()).orElse("posted");
            case Outcome.AuthStarted a -> "auth_started";
            case Outcome.PinVerified v -> "verified";
            case Outcome.Failed f -> f.code().wireName();
        };
    }
}
