package io.genrestack.stacker;

import com.fasterxml.jackson.databind.JsonNode;
import io.genrestack.common.Sources;
import io.genrestack.common.features.FeatureManifest;
import io.genrestack.common.features.Flattener;
import io.genrestack.common.model.LabelVocabulary;
import io.genrestack.common.model.ModelKind;
import io.genrestack.common.model.RunConfig;
import io.genrestack.common.serde.Json;
import io.genrestack.common.stats.FeatureStats;
import io.genrestack.common.stats.Standardiser;
import io.genrestack.common.storage.ObjectStore;
import io.genrestack.common.storage.RunPaths;
import io.genrestack.ml.MlpModel;
import io.genrestack.ml.MlpSpec;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything {@code /predict} needs of one run, loaded from object storage: the feature manifest (→ {@link Flattener}),
 * the scaler's train statistics (→ {@link Standardiser}), the base and stacked model of every source that has a
 * stacked model, and the label vocabularies. Owns native memory (the models): close it. Predictions are serialised
 * on this object (DJL models are not thread-safe; one prediction takes a few milliseconds).
 */
final class RunModels implements AutoCloseable {
    /** Labels returned per taxonomy. */
    static final int TOP = 10;

    /** One scored label. */
    record Scored(String label, float score) {}

    final String run;
    final List<String> sources;
    private final Flattener flattener;
    private final Standardiser standardiser;
    private final List<MlpModel> base;
    private final List<MlpModel> stacked;
    private final List<List<String>> vocabularies;

    private RunModels(
            String run,
            List<String> sources,
            Flattener flattener,
            Standardiser standardiser,
            List<MlpModel> base,
            List<MlpModel> stacked,
            List<List<String>> vocabularies) {
        this.run = run;
        this.sources = sources;
        this.flattener = flattener;
        this.standardiser = standardiser;
        this.base = base;
        this.stacked = stacked;
        this.vocabularies = vocabularies;
    }

    /** Sources of a run that have a stacked model, in {@link Sources#ALL} order. */
    static List<String> stackedSources(ObjectStore store, String run) {
        List<String> out = new ArrayList<>();
        for (String s : Sources.ALL) {
            if (store.exists(RunPaths.modelParams(run, s, ModelKind.STACKED))) {
                out.add(s);
            }
        }
        return out;
    }

    /**
     * Loads a run.
     *
     * @throws NotFoundException when the run has no stacked model or lacks an object serving needs
     */
    static RunModels load(ObjectStore store, String run) {
        List<String> sources = stackedSources(store, run);
        if (sources.isEmpty()) {
            throw new NotFoundException("run '" + run + "' has no stacked models (no "
                    + RunPaths.model(run, "<source>", ModelKind.STACKED) + "params)");
        }
        FeatureManifest manifest = Json.read(require(store, RunPaths.manifest(run)), FeatureManifest.class);
        FeatureStats stats = FeatureStats.fromBytes(require(store, RunPaths.scalerStats(run)));
        if (stats.size() != manifest.size()) {
            throw new IllegalStateException("run " + run + ": scaler statistics have " + stats.size()
                    + " features, the manifest " + manifest.size());
        }
        int hidden = baseHidden(store, run);
        List<MlpModel> base = new ArrayList<>();
        List<MlpModel> stacked = new ArrayList<>();
        List<List<String>> vocabularies = new ArrayList<>();
        try {
            for (String s : sources) {
                String key = RunPaths.labels(run, s);
                vocabularies.add(
                        LabelVocabulary.read(require(store, key), key, s).labels());
            }
            for (int i = 0; i < sources.size(); i++) {
                String s = sources.get(i);
                int n = vocabularies.get(i).size();
                base.add(MlpModel.load(
                        MlpSpec.paper(manifest.size(), n).withHiddenDim(hidden),
                        require(store, RunPaths.modelParams(run, s, ModelKind.BASE))));
            }
            for (int i = 0; i < sources.size(); i++) {
                String s = sources.get(i);
                int n = vocabularies.get(i).size();
                stacked.add(MlpModel.load(
                        MlpSpec.stacked(hidden * sources.size(), n),
                        require(store, RunPaths.modelParams(run, s, ModelKind.STACKED))));
            }
            return new RunModels(
                    run,
                    List.copyOf(sources),
                    new Flattener(manifest),
                    new Standardiser(stats),
                    base,
                    stacked,
                    vocabularies);
        } catch (RuntimeException e) {
            base.forEach(MlpModel::close);
            stacked.forEach(MlpModel::close);
            throw e;
        }
    }

    /** Hidden width of the run's base models: {@code config.base.hidden} of run.json, else the paper's 256. */
    private static int baseHidden(ObjectStore store, String run) {
        return store.getIfExists(RunPaths.runJson(run))
                .map(bytes -> {
                    try {
                        JsonNode config = Json.MAPPER.readTree(bytes).get("config");
                        if (config == null || config.isNull()) {
                            return MlpSpec.PAPER_HIDDEN;
                        }
                        RunConfig c = Json.MAPPER.treeToValue(config, RunConfig.class);
                        return c.base().hidden() > 0 ? c.base().hidden() : MlpSpec.PAPER_HIDDEN;
                    } catch (IOException e) {
                        throw new IllegalStateException(
                                RunPaths.runJson(run) + " is not readable: " + e.getMessage(), e);
                    }
                })
                .orElse(MlpSpec.PAPER_HIDDEN);
    }

    private static byte[] require(ObjectStore store, String key) {
        return store.getIfExists(key).orElseThrow(() -> new NotFoundException("object " + key + " is missing"));
    }

    /**
     * Flattens and standardises one low-level document, runs every base model's hidden layer, builds the stacked
     * input and returns each source's top labels.
     *
     * @throws io.genrestack.common.features.FeatureException for a document that cannot be flattened
     */
    Map<String, List<Scored>> predict(byte[] document) {
        float[] x = standardiser.apply(flattener.flatten(document));
        Map<String, List<Scored>> out = new LinkedHashMap<>();
        synchronized (this) {
            float[][] blocks = new float[base.size()][];
            for (int i = 0; i < base.size(); i++) {
                blocks[i] = base.get(i).hidden(x, 1);
            }
            float[] input = StackedInput.of(blocks);
            for (int i = 0; i < stacked.size(); i++) {
                float[] scores = stacked.get(i).predict(input, 1);
                out.put(sources.get(i), top(scores, vocabularies.get(i)));
            }
        }
        return out;
    }

    /** Inputs of the base models: the run's feature count. */
    int featureCount() {
        return standardiser.size();
    }

    /** The label vocabulary of source {@code i} (of {@link #sources}). */
    List<String> vocabulary(int i) {
        return vocabularies.get(i);
    }

    /** The stacked model of source {@code i} (of {@link #sources}); owned by this object. */
    MlpModel stacked(int i) {
        return stacked.get(i);
    }

    /**
     * {@link #predict} for a batch of {@code n} flattened feature rows ({@code rows}: row-major, {@link
     * #featureCount} values each, NaN = missing) without the ranking: per source (in {@link #sources} order) the
     * stacked model's sigmoid scores, row-major {@code n} × labels.
     */
    float[][] scores(float[] rows, int n) {
        int d = featureCount();
        float[] x = new float[n * d];
        float[] one = new float[d];
        for (int i = 0; i < n; i++) {
            System.arraycopy(rows, i * d, one, 0, d);
            System.arraycopy(standardiser.apply(one), 0, x, i * d, d);
        }
        float[][] out = new float[stacked.size()][];
        synchronized (this) {
            float[][] hidden = new float[base.size()][];
            for (int m = 0; m < base.size(); m++) {
                hidden[m] = base.get(m).hidden(x, n);
            }
            int h = hidden[0].length / Math.max(1, n);
            float[] input = new float[n * h * base.size()];
            float[][] blocks = new float[base.size()][];
            for (int i = 0; i < n; i++) {
                for (int m = 0; m < base.size(); m++) {
                    blocks[m] = java.util.Arrays.copyOfRange(hidden[m], i * h, (i + 1) * h);
                }
                float[] row = StackedInput.of(blocks);
                System.arraycopy(row, 0, input, i * row.length, row.length);
            }
            for (int s = 0; s < stacked.size(); s++) {
                out[s] = stacked.get(s).predict(input, n);
            }
        }
        return out;
    }

    static List<Scored> top(float[] scores, List<String> labels) {
        List<Integer> idx = new ArrayList<>();
        for (int i = 0; i < scores.length; i++) {
            idx.add(i);
        }
        idx.sort(Comparator.<Integer>comparingDouble(i -> scores[i]).reversed().thenComparing(i -> i));
        List<Scored> out = new ArrayList<>();
        for (int i = 0; i < Math.min(TOP, idx.size()); i++) {
            out.add(new Scored(labels.get(idx.get(i)), scores[idx.get(i)]));
        }
        return out;
    }

    @Override
    public synchronized void close() {
        base.forEach(MlpModel::close);
        stacked.forEach(MlpModel::close);
    }

    /** A run or an object of it does not exist. */
    static final class NotFoundException extends RuntimeException {
        NotFoundException(String message) {
            super(message);
        }
    }
}
