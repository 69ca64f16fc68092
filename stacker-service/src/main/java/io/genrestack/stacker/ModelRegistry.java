package io.genrestack.stacker;

import io.genrestack.common.Sources;
import io.genrestack.common.model.ModelKind;
import io.genrestack.common.storage.ObjectStore;
import io.genrestack.common.storage.RunPaths;
import io.genrestack.platform.Infrastructure;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The runs {@code /predict} serves: loads a run's models on first use and keeps the most recently used
 * {@code genrestack.stacker.predict-cached-runs} loaded (evicted ones are closed), and finds the latest run that
 * has stacked models.
 */
@ApplicationScoped
public class ModelRegistry {
    private static final Logger LOG = Logger.getLogger(ModelRegistry.class);

    @Inject
    Infrastructure infra;

    @Inject
    StackerSettings settings;

    private final Map<String, RunModels> loaded = new LinkedHashMap<>(4, 0.75f, true);
    private volatile String latest;
    private volatile long latestAt;

    /** The run's models, loading them on first use. */
    public synchronized RunModels get(String run) {
        RunModels m = loaded.get(run);
        if (m != null) {
            return m;
        }
        long t0 = System.nanoTime();
        m = RunModels.load(infra.store(), run);
        LOG.infof("loaded the models of run %s (%s) in %.1f s", run, m.sources, (System.nanoTime() - t0) / 1e9);
        loaded.put(run, m);
        int keep = Math.max(1, settings.predictCachedRuns());
        Iterator<Map.Entry<String, RunModels>> it = loaded.entrySet().iterator();
        while (loaded.size() > keep && it.hasNext()) {
            Map.Entry<String, RunModels> e = it.next();
            if (!e.getKey().equals(run)) {
                e.getValue().close();
                it.remove();
            }
        }
        return m;
    }

    /**
     * The run whose stacked models are newest (by their provenance's {@code finished} time; runs without provenance
     * count as oldest, ties broken by run id), among runs that can be served: manifest and scaler statistics present
     * and every source with a model folder has base and stacked params. Remembered for
     * {@code latest-run-cache-seconds}.
     */
    public Optional<String> latestRun() {
        long now = System.currentTimeMillis();
        String cached = latest;
        if (cached != null && now - latestAt < settings.latestRunCacheSeconds() * 1000L) {
            return Optional.of(cached);
        }
        ObjectStore store = infra.store();
        String best = null;
        Instant bestTime = null;
        for (String prefix : store.listPrefixes(RunPaths.RUNS)) {
            String run = prefix.substring(RunPaths.RUNS.length(), prefix.length() - 1);
            Optional<Instant> finished = completeStackedRun(store, run);
            if (finished.isEmpty()) {
                continue;
            }
            Instant t = finished.get();
            if (best == null || t.isAfter(bestTime) || (t.equals(bestTime) && run.compareTo(best) > 0)) {
                best = run;
                bestTime = t;
            }
        }
        if (best != null) {
            latest = best;
            latestAt = now;
        }
        return Optional.ofNullable(best);
    }

    /**
     * When the run can be served — its feature manifest and scaler statistics exist and every model folder has base
     * and stacked params — the newest stacked provenance time (EPOCH if none); otherwise empty, so a partial run (or
     * one whose inputs were cleaned) is never chosen as the default.
     */
    private static Optional<Instant> completeStackedRun(ObjectStore store, String run) {
        if (!store.exists(RunPaths.manifest(run)) || !store.exists(RunPaths.scalerStats(run))) {
            return Optional.empty();
        }
        List<String> keys = store.list(RunPaths.run(run) + "models/");
        List<String> withModels = new ArrayList<>();
        for (String s : Sources.ALL) {
            String folder = RunPaths.run(run) + "models/" + s + "/";
            if (keys.stream().anyMatch(k -> k.startsWith(folder))) {
                withModels.add(s);
            }
        }
        if (withModels.isEmpty()) {
            return Optional.empty();
        }
        Instant newest = Instant.EPOCH;
        for (String s : withModels) {
            if (!keys.contains(RunPaths.modelParams(run, s, ModelKind.STACKED))
                    || !keys.contains(RunPaths.modelParams(run, s, ModelKind.BASE))) {
                return Optional.empty();
            }
            if (keys.contains(RunPaths.provenance(run, s, ModelKind.STACKED))) {
                try {
                    StackedProvenance p =
                            store.getJson(RunPaths.provenance(run, s, ModelKind.STACKED), StackedProvenance.class);
                    if (p.finished() != null && p.finished().isAfter(newest)) {
                        newest = p.finished();
                    }
                } catch (RuntimeException e) {
                    LOG.debugf("unreadable provenance of %s/%s: %s", run, s, e);
                }
            }
        }
        return Optional.of(newest);
    }

    @PreDestroy
    synchronized void close() {
        loaded.values().forEach(RunModels::close);
        loaded.clear();
    }
}
