package io.genrestack.common.model;

import java.util.List;

/**
 * Everything that defines a run, carried in every {@link StageJob} and stored as {@code runs/<id>/run.json}.
 *
 * @param inputs folders, {@code .tar.bz2} archives or JSON files of AcousticBrainz low-level documents
 * @param groundTruth ground-truth TSV files or folders holding {@code acousticbrainz-mediaeval-<source>-*.tsv}
 * @param givenSplit true: use the TSVs' own train/validation names instead of the seeded 80/20 split
 * @param preset feature preset ({@code paper} = 2669 inputs, {@code full} = 2675, {@code common-layout} = 2669;
 *        {@code FeatureManifest.PRESETS}, docs/features.md)
 * @param exclusions extra feature-name prefixes removed on top of the preset
 * @param trainFraction share of release groups on the train side (0.8)
 * @param seed seed of the split (the extractor's joint split); also of the training unless {@code modelSeed} is set
 * @param base the base models' training settings
 * @param stacked the stacked models' training settings
 * @param synthetic true when the inputs are generated data (the CLI's synthetic generator, {@code ./genrestack run}
 *        without {@code --data}): its AUCs measure the pipeline, not the task, and the report does not set them
 *        against the paper's as if they were comparable (docs/synthetic-data.md). False for real data and for
 *        run.json files written before the flag existed
 * @param modelRun null for a training run; for a prediction run ({@link #predicting()}) the finished run whose
 *        feature manifest, scaler statistics, base and stacked models predict the unlabelled {@code inputs} (no
 *        ground truth, no training: extractor → stacker)
 * @param modelSeed seed of the models' weight init, dropout and shuffling (trainer and stacker); null (the
 *        default, and every run.json written before the field existed) means the same as {@code seed}, so
 *        {@link #trainingSeed()} is what the training uses. A study varies it with the split held fixed
 * @param ablations the stacker's ablations ({@link Ablations}): stacked models also trained on subsets of the base
 *        models' activations ({@code own}, {@code leave-one-out}, explicit subsets like {@code allmusic+discogs}),
 *        reported next to the full one. Empty (the default, and every run.json written before the field existed):
 *        none
 */
public record RunConfig(
        List<String> inputs,
        List<String> groundTruth,
        boolean givenSplit,
        String preset,
        List<String> exclusions,
        double trainFraction,
        long seed,
        TrainParams base,
        TrainParams stacked,
        boolean synthetic,
        String modelRun,
        Long modelSeed,
        List<String> ablations) {

    /** A training run's configuration of real (not generated) data, its models seeded like its split. */
    public RunConfig(
            List<String> inputs,
            List<String> groundTruth,
            boolean givenSplit,
            String preset,
            List<String> exclusions,
            double trainFraction,
            long seed,
            TrainParams base,
            TrainParams stacked) {
        this(inputs, groundTruth, givenSplit, preset, exclusions, trainFraction, seed, base, stacked, false);
    }

    /** A training run's configuration (no {@code modelRun}), its models seeded like its split. */
    public RunConfig(
            List<String> inputs,
            List<String> groundTruth,
            boolean givenSplit,
            String preset,
            List<String> exclusions,
            double trainFraction,
            long seed,
            TrainParams base,
            TrainParams stacked,
            boolean synthetic) {
        this(inputs, groundTruth, givenSplit, preset, exclusions, trainFraction, seed, base, stacked, synthetic, null);
    }

    /** As the canonical constructor with {@code modelSeed} null (the models seeded like the split). */
    public RunConfig(
            List<String> inputs,
            List<String> groundTruth,
            boolean givenSplit,
            String preset,
            List<String> exclusions,
            double trainFraction,
            long seed,
            TrainParams base,
            TrainParams stacked,
            boolean synthetic,
            String modelRun) {
        this(
                inputs,
                groundTruth,
                givenSplit,
                preset,
                exclusions,
                trainFraction,
                seed,
                base,
                stacked,
                synthetic,
                modelRun,
                null);
    }

    /** As the canonical constructor without ablations. */
    public RunConfig(
            List<String> inputs,
            List<String> groundTruth,
            boolean givenSplit,
            String preset,
            List<String> exclusions,
            double trainFraction,
            long seed,
            TrainParams base,
            TrainParams stacked,
            boolean synthetic,
            String modelRun,
            Long modelSeed) {
        this(
                inputs,
                groundTruth,
                givenSplit,
                preset,
                exclusions,
                trainFraction,
                seed,
                base,
                stacked,
                synthetic,
                modelRun,
                modelSeed,
                null);
    }

    public RunConfig {
        inputs = inputs == null ? List.of() : List.copyOf(inputs);
        groundTruth = groundTruth == null ? List.of() : List.copyOf(groundTruth);
        exclusions = exclusions == null ? List.of() : List.copyOf(exclusions);
        preset = preset == null ? "paper" : preset;
        trainFraction = trainFraction <= 0 ? 0.8 : trainFraction;
        base = base == null ? TrainParams.paperBase() : base;
        stacked = stacked == null ? TrainParams.paperStacked() : stacked;
        modelRun = modelRun == null || modelRun.isBlank() ? null : modelRun;
        ablations = ablations == null ? List.of() : List.copyOf(ablations);
    }

    /** A prediction run: the unlabelled {@code inputs}, predicted with the models of run {@code modelRun}. */
    public static RunConfig prediction(List<String> inputs, String modelRun) {
        if (modelRun == null || modelRun.isBlank()) {
            throw new IllegalArgumentException("a prediction run needs the id of a finished run (modelRun)");
        }
        return new RunConfig(inputs, List.of(), false, "paper", List.of(), 0.8, 42, null, null, false, modelRun);
    }

    /** True for a prediction run (unlabelled inputs, the models of {@link #modelRun()}), false for a training run. */
    public boolean predicting() {
        return modelRun != null;
    }

    public static RunConfig defaults(List<String> inputs, List<String> groundTruth) {
        return new RunConfig(inputs, groundTruth, false, "paper", List.of(), 0.8, 42, null, null, false);
    }

    /** The seed of weight init, dropout and shuffling: {@code modelSeed}, or {@code seed} when it is null. */
    public long trainingSeed() {
        return modelSeed != null ? modelSeed : seed;
    }

    /** This configuration with the models' seed set as given (null: the split's seed). */
    public RunConfig withModelSeed(Long s) {
        return new RunConfig(
                inputs,
                groundTruth,
                givenSplit,
                preset,
                exclusions,
                trainFraction,
                seed,
                base,
                stacked,
                synthetic,
                modelRun,
                s,
                ablations);
    }

    /** This configuration with the synthetic-data flag set as given. */
    public RunConfig withSynthetic(boolean on) {
        return new RunConfig(
                inputs,
                groundTruth,
                givenSplit,
                preset,
                exclusions,
                trainFraction,
                seed,
                base,
                stacked,
                on,
                modelRun,
                modelSeed,
                ablations);
    }

    /** This configuration with the given ablations ({@link Ablations}; null or empty: none). */
    public RunConfig withAblations(List<String> a) {
        return new RunConfig(
                inputs,
                groundTruth,
                givenSplit,
                preset,
                exclusions,
                trainFraction,
                seed,
                base,
                stacked,
                synthetic,
                modelRun,
                modelSeed,
                a);
    }
}
