package io.genrestack.platform;

import io.genrestack.common.Topics;
import io.genrestack.common.kafka.ExactlyOncePass;
import io.genrestack.common.kafka.ExactlyOnceWriter;
import io.genrestack.common.kafka.JobRouting;
import io.genrestack.common.kafka.RangeReader;
import io.genrestack.common.model.ProgressMark;
import io.genrestack.common.model.RunEvent;
import io.genrestack.common.model.StageJob;
import io.genrestack.common.model.TopicRange;
import io.genrestack.common.serde.Json;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.Map;

/**
 * One step of a stage's job with exactly-once output ({@link StageTemplate#open}): the {@link ExactlyOnceWriter} of
 * {@code <run>/<stage>/<unit>/<step>}, and the parts every stage repeats around its own work: the "already
 * finished" check, the {@code stage-started} event and handing the next stage its job in the last transaction.
 */
public final class StageRun implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(StageRun.class);

    private final Infrastructure infra;
    private final String stage;
    private final String runId;
    private final String unit;
    private final String step;
    private final ExactlyOnceWriter writer;

    StageRun(Infrastructure infra, String stage, String runId, String unit, String step) {
        this.infra = infra;
        this.stage = stage;
        this.runId = runId;
        this.unit = unit;
        this.step = step;
        this.writer = ExactlyOnceWriter.open(infra.bootstrap(), runId, stage, unit, step);
    }

    /** The step's transactional output. */
    public ExactlyOnceWriter writer() {
        return writer;
    }

    /** The last committed progress of the step (an earlier attempt's), or null on a first attempt. */
    public ProgressMark resumePoint() {
        return writer.resumePoint();
    }

    /** Items of a non-Kafka input an earlier attempt consumed and committed (0 on a first attempt). */
    public long itemsConsumed() {
        return ProgressMark.itemsConsumed(writer.resumePoint());
    }

    /**
     * True when an earlier attempt finished the step (its last transaction, with the next job, is committed): the
     * caller returns and the job is done. Logged.
     */
    public boolean alreadyDone() {
        ProgressMark r = writer.resumePoint();
        if (r != null && r.done()) {
            LOG.infof("[%s] %s %s: step %s already finished; nothing to do", runId, stage, unit, step);
            return true;
        }
        return false;
    }

    /** Publishes {@code stage-started} for this stage and unit. */
    public void started(String message) {
        event(RunEvent.STAGE_STARTED, message, null, null);
    }

    /** Publishes an event of this stage and unit. */
    public void event(String type, String message, Map<String, Long> counts, Map<String, String> objects) {
        infra.events().publish(RunEvent.of(runId, type, stage, unit, message, counts, objects));
    }

    /** Reads {@code input} exactly once into the writer ({@link ExactlyOncePass}); returns records read now. */
    public long pass(TopicRange input, int checkpointEvery, RangeReader.Sink sink) throws Exception {
        return ExactlyOncePass.run(infra.bootstrap(), writer, input, checkpointEvery, sink);
    }

    /** As {@link #pass(TopicRange, int, RangeReader.Sink)} for a sink that buffers (see {@link ExactlyOncePass}). */
    public long pass(
            TopicRange input,
            int checkpointEvery,
            RangeReader.Sink sink,
            ExactlyOncePass.ThrowingRunnable beforeCheckpoint)
            throws Exception {
        return ExactlyOncePass.run(infra.bootstrap(), writer, input, checkpointEvery, sink, beforeCheckpoint);
    }

    /**
     * Sends the next stage's job (to the job topic partition {@link JobRouting#route} picks) and commits the last
     * chunk with the input position {@code end}, marking the step done: output and hand-over in one transaction.
     */
    public void handOver(StageJob next, Map<Integer, Long> end) {
        handOver(List.of(next), end);
    }

    /** As {@link #handOver(StageJob, Map)} for several jobs (the scaler's one per source). */
    public void handOver(List<StageJob> next, Map<Integer, Long> end) {
        List<Integer> partitions = JobRouting.route(infra.bootstrap(), next);
        for (int i = 0; i < next.size(); i++) {
            StageJob j = next.get(i);
            writer.send(Topics.jobs(j.stage()), partitions.get(i), j.key(), Json.bytes(j));
        }
        writer.finish(end);
    }

    @Override
    public void close() {
        writer.close();
    }
}
