package io.genrestack.platform;

import io.genrestack.common.model.LabelVocabulary;
import io.genrestack.common.model.RunEvent;
import io.genrestack.common.model.StageJob;
import jakarta.inject.Inject;

import java.util.Map;

/**
 * What every stage shares, so that a stage class holds only its own domain step: the platform's
 * {@link Infrastructure} and {@link StageMetrics}, opening a step's exactly-once output as a {@link StageRun}
 * ({@code alreadyDone()}, {@code started(..)}, {@code handOver(next, end)}), events and record counters of this
 * stage, and the job's label vocabularies. A stage is an {@code @ApplicationScoped} subclass that implements
 * {@link #stage()} and {@link #handle(StageJob)}; its own settings it injects itself.
 *
 * <pre>
 * try (StageRun out = open(job, STEP)) {
 *     if (out.alreadyDone()) {
 *         return;                       // an earlier attempt finished: the job is a no-op
 *     }
 *     out.started("scaling " + n + " records");
 *     ... out.writer().send(...) / out.pass(input, every, sink) ...
 *     out.handOver(job.next(nextStage, unit, StageJob.FEATURES, out.writer().outputRange(topic)), end);
 * }
 * </pre>
 */
public abstract class StageTemplate implements StageHandler {
    private Infrastructure infra;
    private StageMetrics metrics;

    /** Injected by the container (public: an initializer of a superclass in another package). */
    @Inject
    public void platform(Infrastructure infrastructure, StageMetrics stageMetrics) {
        this.infra = infrastructure;
        this.metrics = stageMetrics;
    }

    /** Kafka, object storage, events, scratch space. */
    protected Infrastructure infra() {
        return infra;
    }

    /**
     * Opens the exactly-once output of {@code step} of the job's run for {@code unit} (close it: try-with-resources).
     */
    protected StageRun open(StageJob job, String unit, String step) {
        return new StageRun(infra, stage(), job.runId(), unit, step);
    }

    /** As {@link #open(StageJob, String, String)} for the job's own unit. */
    protected StageRun open(StageJob job, String step) {
        return open(job, job.unit(), step);
    }

    /** Publishes an event of this stage on {@code run-events}. */
    protected void event(
            String runId,
            String unit,
            String type,
            String message,
            Map<String, Long> counts,
            Map<String, String> objects) {
        infra.events().publish(RunEvent.of(runId, type, stage(), unit, message, counts, objects));
    }

    /**
     * Publishes the {@code epoch-finished} event of a model's epoch ({@link RunEvent#epoch}): counts {@code epoch},
     * {@code epochs} (the most epochs), metrics {@code trainLoss}, {@code valLoss}, {@code valMacroAuc}, what the
     * evaluator's console charts.
     */
    protected void epochFinished(
            String runId,
            String unit,
            int epoch,
            int epochs,
            double trainLoss,
            double valLoss,
            double valMacroAuc,
            String line) {
        infra.events()
                .publish(RunEvent.epoch(runId, stage(), unit, epoch, epochs, trainLoss, valLoss, valMacroAuc, line));
    }

    /** Adds to this stage's {@code genrestack_records_total{kind}} counter (read, published, dead-lettered). */
    protected void count(String kind, double n) {
        metrics.add(stage(), kind, n);
    }

    /**
     * The source's label vocabulary named by the job ({@code labels.<source>}), read and validated.
     *
     * @throws IllegalArgumentException when the job names none for the source
     */
    protected LabelVocabulary vocabulary(StageJob job, String source) {
        String key = job.labels(source);
        if (key == null) {
            throw new IllegalArgumentException(stage() + " job " + job.key() + " names no vocabulary for " + source
                    + " (object " + StageJob.labelsName(source) + ")");
        }
        return LabelVocabulary.read(infra.store().get(key), key, source);
    }
}
