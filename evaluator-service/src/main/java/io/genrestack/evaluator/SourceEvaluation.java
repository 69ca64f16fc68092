package io.genrestack.evaluator;

import io.genrestack.common.Sources;
import io.genrestack.common.io.MappedFile;
import io.genrestack.common.metrics.Bootstrap;
import io.genrestack.common.metrics.BootstrapColumn;
import io.genrestack.common.metrics.LabelColumn;
import io.genrestack.common.metrics.MediaEvalMetrics;
import io.genrestack.common.metrics.MicroAuc;
import io.genrestack.common.metrics.ResampleFile;
import io.genrestack.common.metrics.RocAuc;
import io.genrestack.evaluator.EvaluationReport.LabelAuc;
import io.genrestack.evaluator.EvaluationReport.MediaEval;
import io.genrestack.evaluator.EvaluationReport.ModelReport;
import io.genrestack.evaluator.EvaluationReport.PaperAuc;
import io.genrestack.evaluator.EvaluationReport.Prf;
import io.genrestack.evaluator.EvaluationReport.SourceReport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Everything the report says about one source, computed from its splits' label columns ({@link SplitColumns}):
 * validation ROC-AUC
 * (macro, micro, per label) of both models, MediaEval P/R/F with thresholds tuned on train, the ROC figures and the
 * MediaEval submission file (the stacked model's binarised validation predictions).
 *
 * @param source the source
 * @param report the numbers, as they go into report.json
 * @param baseSvg the base model's ROC figure
 * @param stackedSvg the stacked model's ROC figure
 * @param submissionTsv {@code recordingmbid\tlabel\tlabel...} lines, sorted by MBID, no header
 */
public record SourceEvaluation(
        String source, SourceReport report, String baseSvg, String stackedSvg, String submissionTsv) {

    /**
     * Settings of the figures and of the bootstrap.
     *
     * @param bootstrapResamples resamples of the validation tracks for the macro AUC's intervals (0: none)
     * @param bootstrapSeed seed of the resample indices (the run config's seed)
     */
    public record Options(
            int curveLabels, int curvePoints, int microThresholds, int bootstrapResamples, long bootstrapSeed) {
        public static final double LEVEL = 0.95;

        /** The service's defaults: 4 drawn labels, 300 points, 1 000 thresholds, 1 000 resamples, seed 42. */
        public static Options defaults() {
            return new Options(4, 300, 1000, 1000, 42);
        }
    }

    public static String rocFile(String source, String model) {
        return "roc-" + source + "-" + model + ".svg";
    }

    public static String submissionFile(String source) {
        return "mediaeval-" + source + ".tsv";
    }

    /**
     * The in-memory form (small runs, tests): the same evaluation as {@link #evaluate(String, List, SplitColumns,
     * SplitColumns, Map, Options, Path)}, its scratch files in a temporary directory.
     *
     * @param objects provenance object keys of this source ({@code labels}, {@code baseModel}, {@code stackedModel})
     */
    public static SourceEvaluation evaluate(SourcePredictions p, Map<String, String> objects, Options options) {
        try {
            Path scratch = Files.createTempDirectory("genrestack-evaluation");
            try {
                return evaluate(p.source(), p.labels(), p.train(), p.validation(), objects, options, scratch);
            } finally {
                MappedFile.deleteQuietly(scratch);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Evaluates one source one label column at a time: heap O(tracks) for per-track counters and one column per
     * worker ({@link #threads}), never O(tracks × labels). Per model: thresholds tuned on the train columns
     * ({@link LabelColumn#bestF1Threshold}); a
     * first pass over the validation columns sorts each one (per-label AUC, the drawn labels' exact curves), writes
     * it as a sorted run to {@code scratch} for the exact micro AUC (k-way merge, {@link MicroAuc}) and feeds the
     * binarisation scan and the micro curve's sample, and with a bootstrap ({@link Options#bootstrapResamples})
     * gives the column's exact AUC in every resample ({@link BootstrapColumn}, the resamples' multiplicities in a
     * mapped scratch file shared by both models, {@link ResampleFile}); a second pass binarises and counts MediaEval
     * P/R/F and the micro curve's bins. Scratch disk: 8 bytes per validation (track, label) for the runs, the stacked
     * predictions as bits, validation tracks × resamples bytes of multiplicities and labels × resamples × 8 bytes of
     * per-resample AUCs; deleted before returning.
     *
     * @param objects provenance object keys of this source ({@code labels}, {@code baseModel}, {@code stackedModel})
     */
    public static SourceEvaluation evaluate(
            String source,
            List<String> labels,
            SplitColumns train,
            SplitColumns val,
            Map<String, String> objects,
            Options options,
            Path scratch)
            throws IOException {
        int width = labels.size();
        boolean[] subgenre = MediaEvalMetrics.subgenreMask(labels);
        int nv = val.tracks();
        int nt = train.tracks();
        boolean[] vt = new boolean[nv];
        boolean[] tt = new boolean[nt];
        int[] valPos = new int[width];
        int[] trainPos = new int[width];
        for (int l = 0; l < width; l++) {
            val.truth(l, vt);
            valPos[l] = count(vt);
            train.truth(l, tt);
            trainPos[l] = count(tt);
        }

        // figures: micro average + the most frequent validation labels that have both classes
        List<Integer> curveCols = new ArrayList<>();
        for (int l = 0; l < width; l++) {
            if (valPos[l] > 0 && valPos[l] < nv) {
                curveCols.add(l);
            }
        }
        curveCols.sort(Comparator.<Integer>comparingInt(l -> -valPos[l]).thenComparingInt(l -> l));
        curveCols = curveCols.subList(0, Math.min(options.curveLabels(), curveCols.size()));
        List<String> curveLabels = curveCols.stream().map(labels::get).toList();

        Files.createDirectories(scratch);
        Path predictedBits = scratch.resolve(source + "-stacked-predicted.bits");
        int words = (width + 63) / 64;
        try (MappedFile predicted = MappedFile.create(predictedBits, Math.max(1, nv), (long) words * Long.BYTES)) {
            int resamples = nv == 0 ? 0 : Math.max(0, options.bootstrapResamples());
            Model base;
            Model stacked;
            try (ResampleFile weights = resamples == 0
                    ? null
                    : ResampleFile.draw(
                            scratch.resolve(source + "-resamples.u8"), options.bootstrapSeed(), nv, resamples)) {
                base = model(
                        source, "base", false, labels, subgenre, train, val, curveCols, options, scratch, null,
                        weights);
                stacked = model(
                        source, "stacked", true, labels, subgenre, train, val, curveCols, options, scratch, predicted,
                        weights);
            }

            List<LabelAuc> perLabel = new ArrayList<>(width);
            for (int l = 0; l < width; l++) {
                perLabel.add(new LabelAuc(
                        labels.get(l),
                        valPos[l],
                        trainPos[l],
                        Text.orNull(base.auc.perLabel()[l]),
                        Text.orNull(stacked.auc.perLabel()[l])));
            }
            double[] paper = Sources.PAPER_AUC.get(source);
            Map<String, String> files = new LinkedHashMap<>();
            files.put("rocBase", rocFile(source, "base"));
            files.put("rocStacked", rocFile(source, "stacked"));
            files.put("submission", submissionFile(source));
            SourceReport report = new SourceReport(
                    width,
                    nt,
                    nv,
                    base.report,
                    stacked.report,
                    paper == null ? null : new PaperAuc(paper[0], paper[1]),
                    perLabel,
                    curveLabels,
                    files,
                    objects == null ? Map.of() : new LinkedHashMap<>(objects),
                    resamples == 0
                            ? null
                            : bootstrap(
                                    base.auc.macro(),
                                    stacked.auc.macro(),
                                    base.resampled,
                                    stacked.resampled,
                                    options.bootstrapSeed()));
            return new SourceEvaluation(source, report, base.svg, stacked.svg, submission(val, predicted, labels));
        } finally {
            MappedFile.deleteQuietly(predictedBits);
        }
    }

    /** @param resampled the macro AUC of each bootstrap resample (empty without bootstrap) */
    private record Model(RocAuc.MacroResult auc, ModelReport report, String svg, double[] resampled) {}

    /**
     * The report's bootstrap section from both models' per-resample macro AUCs (same resamples: a paired
     * comparison).
     */
    static EvaluationReport.BootstrapReport bootstrap(
            double baseMacro, double stackedMacro, double[] base, double[] stacked, long seed) {
        Bootstrap.Comparison c = Bootstrap.compare(base, stacked, Options.LEVEL);
        return new EvaluationReport.BootstrapReport(
                c.resamples(),
                c.validResamples(),
                seed,
                c.level(),
                interval(c.base()),
                interval(c.stacked()),
                new EvaluationReport.Difference(
                        Text.orNull(stackedMacro - baseMacro),
                        Text.orNull(c.difference().low()),
                        Text.orNull(c.difference().high()),
                        Text.orNull(c.stackedWins()),
                        Text.orNull(c.ties())));
    }

    private static EvaluationReport.Interval interval(Bootstrap.Interval i) {
        return new EvaluationReport.Interval(Text.orNull(i.low()), Text.orNull(i.high()));
    }

    /** One model's figures; the stacked model's validation predictions go into {@code predicted} (track-major). */
    private static Model model(
            String source,
            String model,
            boolean stacked,
            List<String> labels,
            boolean[] subgenre,
            SplitColumns train,
            SplitColumns val,
            List<Integer> curveCols,
            Options o,
            Path scratch,
            MappedFile predicted,
            ResampleFile weights)
            throws IOException {
        int width = labels.size();
        int nt = train.tracks();
        int nv = val.tracks();
        float[] thresholds = new float[width]; // no train track: +Infinity, every track falls back to its best label
        sortedColumns(width, nt, null, (l, w) -> {
            train.scores(stacked, l, w.scores);
            train.truth(l, w.truth);
            thresholds[l] = w.column.load(w.scores, w.truth, nt).bestF1Threshold();
        });

        float[] vs = new float[nv];
        boolean[] vt = new boolean[nv];
        double[] perLabel = new double[width];
        RocAuc.RocCurve[] labelCurves = new RocAuc.RocCurve[width];
        MediaEvalMetrics.Binariser binariser = new MediaEvalMetrics.Binariser(nv, thresholds);
        RocCurves.Micro microCurve = new RocCurves.Micro(nv, width, o.microThresholds());
        Path runsFile = scratch.resolve(source + "-" + model + "-sorted.runs");
        Path resampledFile = scratch.resolve(source + "-" + model + "-resampled.f64");
        int resamples = weights == null ? 0 : weights.resamples();
        double micro;
        double[] resampled;
        try (MappedFile runs = MappedFile.create(runsFile, Math.max(1, width), Math.max(1, (long) nv) * Long.BYTES);
                MappedFile perResample = MappedFile.create(
                        resampledFile, Math.max(1, width), Math.max(1, (long) resamples) * Double.BYTES)) {
            sortedColumns(width, nv, weights, (l, w) -> {
                val.scores(stacked, l, w.scores);
                val.truth(l, w.truth);
                LabelColumn column = w.column.load(w.scores, w.truth, nv);
                perLabel[l] = column.auc();
                if (curveCols.contains(l)) {
                    labelCurves[l] = column.curve();
                }
                column.writeKeys(runs.unit(l).asLongBuffer());
                if (weights != null) { // this label's exact AUC in every resample
                    w.resampling.load(w.scores, w.truth, nv).aucs(weights, w.aucs);
                    perResample.unit(l).asDoubleBuffer().put(w.aucs);
                }
            });
            Bootstrap.MacroSums sums = new Bootstrap.MacroSums(resamples);
            double[] aucs = new double[resamples];
            for (int l = 0; l < width && resamples > 0; l++) { // in label order, as the macro AUC itself
                perResample.unit(l).asDoubleBuffer().get(aucs);
                sums.add(aucs);
            }
            resampled = sums.macros();
            for (int l = 0; l < width; l++) { // in label order
                val.scores(stacked, l, vs);
                binariser.scan(l, vs);
                microCurve.sample(l, vs);
            }
            List<LongBuffer> sorted = new ArrayList<>(width);
            for (int l = 0; l < width; l++) {
                sorted.add(runs.unit(l).asLongBuffer().limit(nv));
            }
            micro = nv == 0 ? Double.NaN : MicroAuc.of(sorted);
        } finally {
            MappedFile.deleteQuietly(runsFile);
            MappedFile.deleteQuietly(resampledFile);
        }

        microCurve.thresholds();
        MediaEvalMetrics.Counts counts = new MediaEvalMetrics.Counts(nv, subgenre);
        boolean[] pred = new boolean[nv];
        for (int l = 0; l < width; l++) {
            val.scores(stacked, l, vs);
            val.truth(l, vt);
            binariser.predict(l, vs, pred);
            counts.add(l, vt, pred);
            microCurve.count(vs, vt);
            if (predicted != null) {
                int word = l / 64;
                long bit = 1L << (l % 64);
                for (int i = 0; i < nv; i++) {
                    if (pred[i]) {
                        LongBuffer row = predicted.unit(i).asLongBuffer();
                        row.put(word, row.get(word) | bit);
                    }
                }
            }
        }

        RocAuc.MacroResult auc = RocAuc.MacroResult.of(perLabel, micro);

        List<RocCurves.Curve> curves = new ArrayList<>();
        curves.add(microCurve.curve("micro-average", Text.orNull(micro), o.curvePoints()));
        for (int l : curveCols) {
            curves.add(RocCurves.label(labels.get(l), Text.orNull(perLabel[l]), labelCurves[l], o.curvePoints()));
        }
        String svg =
                RocSvg.render("roc-" + source + "-" + model, "ROC " + source + " " + model + " (validation)", curves);
        return new Model(auc, report(auc, counts.report(), labels), svg, resampled);
    }

    /**
     * One worker's buffers for one column at a time: scores, truth, the sorted column and, with a bootstrap, the
     * resampling column and its per-resample AUCs.
     */
    private static final class Worker {
        final LabelColumn column;
        final float[] scores;
        final boolean[] truth;
        final BootstrapColumn resampling;
        final double[] aucs;

        Worker(int rows, Bootstrap.Weights weights) {
            column = new LabelColumn(rows);
            scores = new float[rows];
            truth = new boolean[rows];
            resampling = weights == null ? null : new BootstrapColumn(rows, weights.resamples());
            aucs = weights == null ? null : new double[weights.resamples()];
        }
    }

    /** Work on one label column, with the calling worker's buffers. */
    private interface ColumnTask {
        void run(int label, Worker worker);
    }

    /** Workers for the column sorts: the available processors, at most 4 (each holds one column's buffers). */
    static int threads() {
        return Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
    }

    /**
     * Runs {@code task} for every label, labels shared round-robin among {@link #threads} workers on the common
     * fork-join pool; each result goes to its label's slot, so nothing depends on the number of workers.
     */
    private static void sortedColumns(int width, int rows, Bootstrap.Weights weights, ColumnTask task) {
        int workers = Math.min(threads(), Math.max(1, width));
        IntStream.range(0, workers).parallel().forEach(w -> {
            Worker worker = new Worker(rows, weights);
            for (int l = w; l < width; l += workers) {
                task.run(l, worker);
            }
        });
    }

    private static int count(boolean[] b) {
        int n = 0;
        for (boolean x : b) {
            if (x) {
                n++;
            }
        }
        return n;
    }

    static ModelReport report(RocAuc.MacroResult auc, MediaEvalMetrics.Report me, List<String> labels) {
        return new ModelReport(
                Text.orNull(auc.macro()),
                Text.orNull(auc.micro()),
                auc.evaluated(),
                auc.skipped().stream().map(labels::get).toList(),
                new MediaEval(prf(me.all()), prf(me.genres()), prf(me.subgenres())));
    }

    private static Prf prf(MediaEvalMetrics.Prf p) {
        return new Prf(
                Text.orNull(p.trackP()),
                Text.orNull(p.trackR()),
                Text.orNull(p.trackF()),
                Text.orNull(p.labelP()),
                Text.orNull(p.labelR()),
                Text.orNull(p.labelF()),
                p.tracks(),
                p.labels());
    }

    /** {@code recordingmbid\tlabel...} per validation track in MBID order, labels in vocabulary order. */
    private static String submission(SplitColumns val, MappedFile predicted, List<String> labels) {
        StringBuilder b = new StringBuilder(val.tracks() * 64);
        for (int i = 0; i < val.tracks(); i++) {
            b.append(val.mbid(i));
            LongBuffer row = predicted.unit(i).asLongBuffer();
            for (int l = 0; l < labels.size(); l++) {
                if ((row.get(l / 64) & (1L << (l % 64))) != 0) {
                    b.append('\t').append(labels.get(l));
                }
            }
            b.append('\n');
        }
        return b.toString();
    }
}
