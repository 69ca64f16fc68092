package io.genrestack.common.model;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Topic {@code <stage>-jobs}. One unit of work for a stage: run the stage for {@code runId} on {@code unit} (a source
 * for the trainer and the stacker's input jobs, {@code model-<source>} for the stacker's model jobs, {@code all}
 * otherwise). Jobs are consumed by the stage's consumer group, so several
 * instances of a stage share the units; a job's offset is committed only after the work has finished, so a killed
 * instance's job is taken over.
 *
 * <p>
 * On the wire {@code inputs} and {@code objects} are maps of names (readable JSON); the names are the constants
 * below and nothing else spells them: stages read them with the typed accessors ({@link #features()},
 * {@link #labels(String)}, {@link #model(String, String)}, ...) and add them with {@link #withObject} and friends.
 * Who writes and reads each name: docs/architecture.md, "Job contract".
 *
 * @param inputs input ranges by name (e.g. {@link #FEATURES} → the run's range of {@code track-features})
 * @param objects object-storage keys by name (e.g. {@link #STATS}, {@link #MANIFEST}, {@code labels.<source>})
 */
public record StageJob(
        String runId,
        String stage,
        String unit,
        RunConfig config,
        Map<String, TopicRange> inputs,
        Map<String, String> objects,
        Instant created) {

    /** The unit of a stage that works on the whole run. */
    public static final String ALL = "all";

    /**
     * The stacker's unit of a prediction run ({@link RunConfig#predicting()}): its job reads the run's unlabelled
     * {@link #FEATURES} and writes the submission files with the models of {@link RunConfig#modelRun()}.
     */
    public static final String PREDICT = "predict";

    /**
     * Prefix of the stacker's unit that trains one source's stacked model ({@code model-<source>}, {@link
     * #stackModelUnit}): once every source's input job is recorded, one such job per source is handed over, routed
     * to different {@code stacker-jobs} partitions so that several stacker instances train a run's models at once.
     */
    public static final String STACK_MODEL_PREFIX = "model-";

    /** Input: the run's feature records ({@code track-features} for the scaler, {@code scaled-features}, trainer). */
    public static final String FEATURES = "features";
    /** Input: the run's {@code activations} of one base model (the stacker job of that source). */
    public static final String ACTIVATIONS = "activations";
    /** Input: the run's {@code predictions} (the evaluator job). */
    public static final String PREDICTIONS = "predictions";

    /** Object: the run's {@code run.json}. */
    public static final String RUN = "run";
    /** Object: the feature manifest. */
    public static final String MANIFEST = "manifest";
    /** Object: the scaler's train statistics. */
    public static final String STATS = "stats";
    /** Object name prefix of a source's label vocabulary: {@code labels.<source>}. */
    public static final String LABELS_PREFIX = "labels.";
    /** Object name prefix of a model's parameters: {@code model.<source>.<kind>} (kind: {@link ModelKind}). */
    public static final String MODEL_PREFIX = "model.";

    public StageJob {
        inputs = inputs == null ? Map.of() : Map.copyOf(inputs);
        objects = objects == null ? Map.of() : Map.copyOf(objects);
    }

    /** A new job, created now. */
    public static StageJob of(
            String runId,
            String stage,
            String unit,
            RunConfig config,
            Map<String, TopicRange> inputs,
            Map<String, String> objects) {
        return new StageJob(runId, stage, unit, config, inputs, objects, Instant.now());
    }

    /**
     * The job of the next stage for the same run and config, carrying all of this job's objects: {@code stage} on
     * {@code unit}, reading the single input {@code inputName} = {@code range}.
     */
    public StageJob next(String nextStage, String nextUnit, String inputName, TopicRange range) {
        return of(runId, nextStage, nextUnit, config, Map.of(inputName, range), objects);
    }

    public String key() {
        return runId + "/" + stage + "/" + unit;
    }

    /** Object name of a source's label vocabulary. */
    public static String labelsName(String source) {
        return LABELS_PREFIX + source;
    }

    /** The stacker's unit that trains {@code source}'s stacked model: {@code model-<source>}. */
    public static String stackModelUnit(String source) {
        return STACK_MODEL_PREFIX + source;
    }

    /** The source of a stacker unit {@code model-<source>} ({@link #stackModelUnit}), or null for any other unit. */
    public static String stackModelSource(String unit) {
        return unit != null && unit.startsWith(STACK_MODEL_PREFIX) && unit.length() > STACK_MODEL_PREFIX.length()
                ? unit.substring(STACK_MODEL_PREFIX.length())
                : null;
    }

    /** Object name of a model's parameters. */
    public static String modelName(String source, String kind) {
        return MODEL_PREFIX + source + "." + kind;
    }

    /**
     * The input range {@code name}.
     *
     * @throws IllegalArgumentException when the job has none (a malformed job)
     */
    public TopicRange input(String name) {
        TopicRange r = inputs.get(name);
        if (r == null) {
            throw new IllegalArgumentException(stage + " job " + key() + " has no '" + name + "' input range");
        }
        return r;
    }

    /** The {@link #FEATURES} input (required). */
    public TopicRange features() {
        return input(FEATURES);
    }

    /** The {@link #ACTIVATIONS} input (required). */
    public TopicRange activations() {
        return input(ACTIVATIONS);
    }

    /** The {@link #PREDICTIONS} input (required). */
    public TopicRange predictions() {
        return input(PREDICTIONS);
    }

    /** The key of the feature manifest, or null. */
    public String manifest() {
        return objects.get(MANIFEST);
    }

    /** The key of the scaler statistics, or null. */
    public String stats() {
        return objects.get(STATS);
    }

    /** The key of the source's label vocabulary, or null when the run has none for it. */
    public String labels(String source) {
        return objects.get(labelsName(source));
    }

    /** The key of a model's parameters, or null. */
    public String model(String source, String kind) {
        return objects.get(modelName(source, kind));
    }

    /** The sources that have a label vocabulary object ({@code labels.<source>}), in object-name order. */
    public List<String> labelSources() {
        List<String> out = new ArrayList<>();
        for (String name : new TreeMap<>(objects).keySet()) {
            if (name.startsWith(LABELS_PREFIX)) {
                out.add(name.substring(LABELS_PREFIX.length()));
            }
        }
        return out;
    }

    /** This job with object {@code name} = {@code key} added (or replaced). */
    public StageJob withObject(String name, String key) {
        return withObjects(Map.of(name, key));
    }

    /** This job with the given objects added (replacing those of the same name). */
    public StageJob withObjects(Map<String, String> more) {
        Map<String, String> o = new TreeMap<>(objects);
        o.putAll(more);
        return new StageJob(runId, stage, unit, config, inputs, o, created);
    }

    /** This job with a source's label vocabulary key added. */
    public StageJob withLabels(String source, String key) {
        return withObject(labelsName(source), key);
    }

    /** This job with a model's parameters key added. */
    public StageJob withModel(String source, String kind, String key) {
        return withObject(modelName(source, kind), key);
    }
}
