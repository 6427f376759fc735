package io.twtbridge.worker;

import com.rabbitmq.client.AMQP;
import io.twtbridge.protocol.Command;
import io.twtbridge.protocol.Decoded;
import io.twtbridge.protocol.ErrorCode;
import io.twtbridge.protocol.Outcome;
import io.twtbridge.protocol.Problem;
import io.twtbridge.protocol.QueueFormat;
import io.twtbridge.protocol.Request;
import io.twtbridge.twitter.TextCheck;

import java.lang.System.Logger.Level;
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
    /** The shortest wait after a 429. */
    static final Duration MIN_RATE_LIMIT_WAIT = Duration.ofSeconds(1);

    private final WorkerConfig config;
    private final PostingService service;
    private final WorkerMetrics metrics;
    private final AtomicInteger inFlight = new AtomicInteger();
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
            decoded = new Decoded.Malformed(Problem.INVALID_FIELD, Optional.empty(), Optional.empty(), "the request could not be decoded");
        }
        Decoded request = decoded;
        Request.Post post = request instanceof Decoded.Ok ok && ok.request() instanceof Request.Post p ? p : null;
        String key = post != null ? "u:" + post.user().token() : "d:" + d.tag();
        // A rate-limited user's requests wait in the shard's prefetch; past a quarter of it, later ones are answered
        // rate_limited at once, so one user cannot hold the shard's other users back.
        boolean overflow = post != null && waiting.merge(key, 1, Integer::sum) > Math.max(2, config.shardPrefetch(config.shards()) / 4)
                && blockedUntil(shard, post).isAfter(Instant.now());
        inFlight.incrementAndGet();
        shard.started();
        Runnable work = () -> {
            try {
                if (shard.isLost()) {
                    return;
                }
                if (overflow) {
                    answer(shard, d, format, post.id(), post.command(), rateLimitedNow(blockedUntil(shard, post)));
                } else {
                    process(shard, d, format, request);
                }
            } catch (RuntimeException e) {
                // The request stays unacknowledged; the shard's channel is reset so it comes back (the quorum
                // queue's delivery limit dead-letters a request that keeps failing).
                LOG.log(Level.ERROR, "unexpected failure on a request (" + e.getClass().getSimpleName() + ")");
                shard.abandon();
            } finally {
                if (post != null) {
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

    private Instant blockedUntil(Shard shard, Request.Post post) {
        return later(appUntil, shard.state().blockedUntil(ShardQueues.userHash(post.user().token()), Instant.now()));
    }

    private static Outcome.Failed rateLimitedNow(Instant until) {
        long s = Math.max(1, (Duration.between(Instant.now(), until).toMillis() + 999) / 1000);
        return Outcome.Failed.rateLimited("X rate-limits this user and too many of their posts are waiting; retry after " + s + " s", s);
    }

    @Override
    public void returned(Shard shard, String routingKey, AMQP.BasicProperties props, byte[] body, String why) {
        // The request was acknowledged with its reply in one commit; the reply is kept in twt.dead instead.
        LOG.log(Level.WARNING, "a reply was returned by the broker (" + why + "); kept in " + config.deadLetterQueue());
        metrics.undeliverableReply();
        shard.commitLater(List.of(replies.undeliverable(props, body, "REPLY_RETURNED", "the broker returned the reply: " + why)));
    }

    private void process(Shard shard, Shard.Delivery d, QueueFormat format, Decoded decoded) {
        switch (decoded) {
            case Decoded.Malformed m when m.answerable() ->
                    answer(shard, d, format, m.id().get(), m.command().orElse(Command.UPLOAD_POST), m.failure());
            case Decoded.Malformed m -> {
                if (shard.commit(List.of(replies.deadLetter(d.props(), d.body(), m.problem().name(), m.detail()), new Outbox.Op.Ack(d.tag())))) {
                    metrics.deadLettered();
                    LOG.log(Level.WARNING, "request without a usable id dead-lettered to " + config.deadLetterQueue() + ": " + m.detail());
                }
            }
            case Decoded.Ok ok -> handle(shard, d, format, ok.request());
        }
    }

    private void handle(Shard shard, Shard.Delivery d, QueueFormat format, Request request) {
        RetryPolicy policy = config.retry();
        Instant received = d.headers().get(Router.H_RECEIVED) instanceof Number n
                ? Instant.ofEpochMilli(Math.min(n.longValue(), System.currentTimeMillis())) : Instant.now();
        Request.Post post = request instanceof Request.Post p ? p : null;
        String user = post != null ? ShardQueues.userHash(post.user().token()) : null;
        // X refuses a repeated text, so a text post can safely be tried again; anything else must not be.
        boolean repeatable = post == null || !TextCheck.normalize(post.text()).isBlank();
        String fingerprint = repeatable ? null : ShardQueues.fingerprint(d.body());
        ShardState state = shard.state();
        if (!repeatable && d.redelivered() && state.mayHaveAttempted(fingerprint)) {
            metrics.outcomeUnknown();
            answer(shard, d, format, request.id(), request.command(), outcomeUnknown());
            return;
        }
        boolean earlier = d.redelivered() || d.headers().containsKey(Router.H_REDELIVERED);
        int attempt = 0;
        while (true) {
            Instant now = Instant.now();
            if (post != null) {
                Instant until = later(appUntil, state.blockedUntil(user, now));
                if (until.isAfter(now)) {
                    switch (policy.blockedUntil(until, received, now)) {
                        case RetryPolicy.Next.Answer a -> {
                            answer(shard, d, format, request.id(), request.command(), a.outcome());
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
            if (!repeatable) {
                state.attemptStarted(fingerprint);
                if (!shard.saveState()) {
                    return;
                }
            }
            attempt++;
            Decision decision = service.attempt(request, earlier || attempt > 1);
            Instant after = Instant.now();
            switch (decision) {
                case Decision.Answer a -> {
                    answer(shard, d, format, request.id(), request.command(), a.outcome());
                    if (!repeatable) {
                        state.attemptFinished(fingerprint);
                    }
                    return;
                }
                case Decision.Retry r -> {
                    if (!repeatable && r.mayHavePosted()) {
                        metrics.outcomeUnknown();
                        answer(shard, d, format, request.id(), request.command(), outcomeUnknown());
                        state.attemptFinished(fingerprint);
                        return;
                    }
                    if (!repeatable) {
                        state.attemptFinished(fingerprint);
                    }
                    switch (policy.afterUnavailable(attempt, r.reason(), received, after, ThreadLocalRandom.current())) {
                        case RetryPolicy.Next.Answer a -> {
                            answer(shard, d, format, request.id(), request.command(), a.outcome());
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

    private static Outcome.Failed outcomeUnknown() {
        return Outcome.Failed.of(ErrorCode.OUTCOME_UNKNOWN, "an earlier attempt of this request may have reached X, which does not"
                + " deduplicate posts without text; it was not posted again: check the account before sending it again");
    }

    private void answer(Shard shard, Shard.Delivery d, QueueFormat format, String id, Command command, Outcome outcome) {
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

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private static String label(Outcome o) {
        return switch (o) {
            case Outcome.Posted p -> p.tweetId().isPresent() ? "posted" : "posted_earlier";
            case Outcome.AuthStarted a -> "auth_started";
            case Outcome.PinVerified v -> "verified";
            case Outcome.Failed f -> f.code().wireName();
        };
    }
}
