package io.genrestack.cli;

import io.genrestack.common.Topics;
import io.genrestack.common.kafka.KafkaClients;
import io.genrestack.common.model.RunEvent;
import io.genrestack.common.serde.Json;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.List;

import static io.genrestack.cli.RunLog.log;

/**
 * Follows a run on {@code run-events}: logs each of its events and stops at report-ready (a prediction run:
 * predictions-ready) or a failure.
 */
final class RunFollower {
    private static final TopicPartition RUN_EVENTS = new TopicPartition(Topics.RUN_EVENTS, 0);

    private final String bootstrap;
    private final ServiceProcesses services;
    private final int timeoutMinutes;

    RunFollower(String bootstrap, ServiceProcesses services, int timeoutMinutes) {
        this.bootstrap = bootstrap;
        this.services = services;
        this.timeoutMinutes = timeoutMinutes;
    }

    /** The end of {@code run-events} now: where the events of a run submitted next begin. */
    long end() {
        try (KafkaConsumer<String, byte[]> c = KafkaClients.reader(bootstrap, "genrestack-run")) {
            return c.endOffsets(List.of(RUN_EVENTS)).get(RUN_EVENTS);
        }
    }

    /**
     * Follows the run's events from offset {@code from} until report-ready, handing each to {@code onEvent} (on this
     * thread, so it may kill and restart services); fails on stage-failed, a dead service or the time limit.
     */
    void follow(String runId, long from, LocalRun.EventHook onEvent) throws Exception {
        follow(runId, from, onEvent, RunEvent.REPORT_READY);
    }

    /** As {@link #follow(String, long, LocalRun.EventHook)}, until the event {@code last} (a prediction run's own). */
    void follow(String runId, long from, LocalRun.EventHook onEvent, String last) throws Exception {
        long deadline = System.currentTimeMillis() + timeoutMinutes * 60_000L;
        try (KafkaConsumer<String, byte[]> c = KafkaClients.reader(bootstrap, "genrestack-run")) {
            c.assign(List.of(RUN_EVENTS));
            c.seek(RUN_EVENTS, from);
            String lastStage = "extractor";
            while (true) {
                services.checkAlive();
                if (System.currentTimeMillis() > deadline) {
                    throw new StageFailure(lastStage, "run did not finish within " + timeoutMinutes + " minutes");
                }
                for (var rec : c.poll(Duration.ofMillis(500))) {
                    RunEvent e = Json.read(rec.value(), RunEvent.class);
                    if (!runId.equals(e.runId())) {
                        continue;
                    }
                    lastStage = e.stage();
                    log(
                            "%-10s %-9s %-22s %s%s",
                            e.stage(),
                            e.unit(),
                            e.type(),
                            e.message() == null ? "" : e.message(),
                            e.counts().isEmpty() || e.type().equals(RunEvent.PROGRESS) ? "" : " " + e.counts());
                    if (RunEvent.STAGE_FAILED.equals(e.type())) {
                        throw new StageFailure(e.stage(), e.message());
                    }
                    onEvent.accept(e);
                    if (last.equals(e.type())) {
                        return;
                    }
                }
            }
        }
    }
}
