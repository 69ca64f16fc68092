package io.genrestack.evaluator.console;

import io.genrestack.common.Topics;
import io.genrestack.common.kafka.RangeReader;
import io.genrestack.common.kafka.TopicScan;
import io.genrestack.common.model.DeadLetter;
import io.genrestack.common.model.RunEvent;
import io.genrestack.common.model.TopicRange;
import io.genrestack.common.serde.Json;
import io.genrestack.platform.Infrastructure;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.MultiEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The console's feed of one run: its {@code run-events} and {@code dead-letters}, first the history (read from the
 * beginning of both topics up to their end offsets at subscription time, {@link TopicScan#snapshot}), then live
 * (SmallRye Reactive Messaging channels {@code console-run-events} and {@code console-dead-letters}, one consumer
 * group of its own per service instance, reading from the earliest offset).
 *
 * <p>Exact: a session subscribes to the live channels before it takes the snapshot, keeps live records aside while
 * the history is replayed, and then passes on only live records at or past the snapshot's end offset of their
 * partition, so no record is lost between history and live, and none is sent twice. Bounded: at most {@code buffer}
 * items wait for a slow client (beyond, its stream fails and the page reconnects), at most {@code maxDeadLetters}
 * dead letters are sent per stream (the run's events still count all of them).
 */
@ApplicationScoped
public class ConsoleFeed {
    private static final Logger LOG = Logger.getLogger(ConsoleFeed.class);

    /** One item of a run's stream: a {@link RunEvent} or a {@link DeadLetter} as JSON, or the end of the history. */
    public record Item(String kind, String json) {
        public static final String RUN_EVENT = "run-event";
        public static final String DEAD_LETTER = "dead-letter";
        public static final String REPLAYED = "replayed";
        public static final String CAPPED = "dead-letters-capped";
    }

    /** Summary sent after the history: events and dead letters replayed, and those sent of the latter. */
    public record Replayed(String runId, long runEvents, long deadLetters, long deadLettersSent) {}

    @Inject
    Infrastructure infra;

    @ConfigProperty(name = "genrestack.evaluator.console.buffer", defaultValue = "10000")
    int buffer;

    @ConfigProperty(name = "genrestack.evaluator.console.max-dead-letters", defaultValue = "1000")
    int maxDeadLetters;

    private final Set<Session> sessions = ConcurrentHashMap.newKeySet();

    @Incoming("console-run-events")
    public void runEvent(ConsumerRecord<String, byte[]> r) {
        live(Topics.RUN_EVENTS, r);
    }

    @Incoming("console-dead-letters")
    public void deadLetter(ConsumerRecord<String, byte[]> r) {
        live(Topics.DEAD_LETTERS, r);
    }

    private void live(String topic, ConsumerRecord<String, byte[]> r) {
        for (Session s : sessions) {
            s.live(topic, r);
        }
    }

    /** Open sessions (streams being served). */
    public int sessions() {
        return sessions.size();
    }

    /** The run's stream: history, a {@link Item#REPLAYED} item, then live items until the client goes. */
    public Multi<Item> stream(String runId) {
        return Multi.createFrom()
                .<Item>emitter(
                        em -> {
                            Session s = new Session(runId, em);
                            sessions.add(s);
                            em.onTermination(() -> sessions.remove(s));
                            io.smallrye.mutiny.infrastructure.Infrastructure.getDefaultWorkerPool()
                                    .execute(s::replay);
                        },
                        buffer);
    }

    private static String text(Object value) {
        return new String(Json.bytes(value), StandardCharsets.UTF_8);
    }

    private final class Session {
        private final String runId;
        private final MultiEmitter<? super Item> em;
        private final List<Object[]> pending = new ArrayList<>();
        private final Map<String, Map<Integer, Long>> end = new HashMap<>();
        private boolean replaying = true;
        private long deadLettersSent;
        private boolean capped;

        Session(String runId, MultiEmitter<? super Item> em) {
            this.runId = runId;
            this.em = em;
        }

        synchronized void live(String topic, ConsumerRecord<String, byte[]> r) {
            if (em.isCancelled()) {
                return;
            }
            if (replaying) {
                if (pending.size() >= buffer) {
                    em.fail(new IllegalStateException("more than " + buffer + " live records during the replay"));
                    return;
                }
                pending.add(new Object[] {topic, r});
                return;
            }
            Long from = end.getOrDefault(topic, Map.of()).get(r.partition());
            if (from == null || r.offset() >= from) {
                emit(topic, r);
            }
        }

        void replay() {
            try {
                long events = 0;
                long letters = 0;
                for (String topic : List.of(Topics.RUN_EVENTS, Topics.DEAD_LETTERS)) {
                    TopicRange snap = TopicScan.snapshot(infra.bootstrap(), topic);
                    Map<Integer, Long> ends = new HashMap<>();
                    snap.partitions().forEach((p, range) -> ends.put(p, range.to()));
                    synchronized (this) {
                        end.put(topic, ends);
                    }
                    long[] n = {0};
                    RangeReader.read(infra.bootstrap(), snap, r -> {
                        if (em.isCancelled()) {
                            throw new InterruptedException("client gone");
                        }
                        synchronized (this) {
                            if (emit(topic, r)) {
                                n[0]++;
                            }
                        }
                    });
                    if (topic.equals(Topics.RUN_EVENTS)) {
                        events = n[0];
                    } else {
                        letters = n[0];
                    }
                }
                synchronized (this) {
                    em.emit(new Item(Item.REPLAYED, text(new Replayed(runId, events, letters, deadLettersSent))));
                    replaying = false;
                    for (Object[] p : pending) {
                        @SuppressWarnings("unchecked")
                        ConsumerRecord<String, byte[]> r = (ConsumerRecord<String, byte[]>) p[1];
                        live((String) p[0], r);
                    }
                    pending.clear();
                }
            } catch (InterruptedException e) {
                LOG.debugf("console stream of %s: client left during the replay", runId);
            } catch (Exception e) {
                LOG.warnf("console stream of %s: cannot replay the history: %s", runId, e.toString());
                em.fail(e);
            }
        }

        /** Sends a record of this run; true when it was one. A record that cannot be decoded is logged, not sent. */
        private boolean emit(String topic, ConsumerRecord<String, byte[]> r) {
            if (r.value() == null) {
                return false;
            }
            try {
                if (topic.equals(Topics.RUN_EVENTS)) {
                    if (!runId.equals(r.key())) {
                        return false; // keyed by run id: no decoding of other runs' events
                    }
                    RunEvent e = Json.read(r.value(), RunEvent.class);
                    em.emit(new Item(Item.RUN_EVENT, text(e)));
                    return true;
                }
                DeadLetter d = Json.read(r.value(), DeadLetter.class);
                if (!runId.equals(d.runId())) {
                    return false;
                }
                if (deadLettersSent < maxDeadLetters) {
                    deadLettersSent++;
                    em.emit(new Item(Item.DEAD_LETTER, text(d)));
                } else if (!capped) {
                    capped = true;
                    em.emit(new Item(Item.CAPPED, text(Map.of("runId", runId, "sent", deadLettersSent))));
                }
                return true;
            } catch (RuntimeException e) {
                LOG.warnf(
                        "console: %s record %d/%d is not readable, not shown: %s", topic, r.partition(), r.offset(), e);
                return false;
            }
        }
    }
}
