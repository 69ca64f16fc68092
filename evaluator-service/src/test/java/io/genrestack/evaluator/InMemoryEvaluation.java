package io.genrestack.evaluator;

import io.genrestack.common.Sources;
import io.genrestack.common.metrics.Bootstrap;
import io.genrestack.common.metrics.MediaEvalMetrics;
import io.genrestack.common.metrics.RocAuc;
import io.genrestack.evaluator.EvaluationReport.LabelAuc;
import io.genrestack.evaluator.EvaluationReport.ModelReport;
import io.genrestack.evaluator.EvaluationReport.PaperAuc;
import io.genrestack.evaluator.EvaluationReport.SourceReport;
import io.genrestack.evaluator.SourceEvaluation.Options;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.genrestack.evaluator.SourceEvaluation.rocFile;
import static io.genrestack.evaluator.SourceEvaluation.submissionFile;

/**
 * The evaluator's former in-memory evaluation, kept verbatim as the reference the out-of-core path
 * ({@link SourceEvaluation} over a {@link ColumnStore}) must match bit for bit: whole matrices in heap, the matrix
 * metrics of {@code common} ({@link RocAuc#macro}, {@link MediaEvalMetrics#binarise}/{@code evaluate}) and the former
 * matrix ROC figures ({@link InMemoryCurves}).
 */
final class InMemoryEvaluation {
    private InMemoryEvaluation() {}

    public static SourceEvaluation evaluate(SourcePredictions p, Map<String, String> objects, Options options) {
        List<String> labels = p.labels();
        int width = labels.size();
        SourcePredictions.SplitMatrix train = p.train();
        SourcePredictions.SplitMatrix val = p.validation();
        boolean[] subgenre = MediaEvalMetrics.subgenreMask(labels);

        RocAuc.MacroResult baseAuc = auc(val.base(), val.truth(), width);
        RocAuc.MacroResult stackedAuc = auc(val.stacked(), val.truth(), width);
        boolean[][] basePred = MediaEvalMetrics.binarise(val.base(), thresholds(train.base(), train.truth(), width));
        boolean[][] stackedPred =
                MediaEvalMetrics.binarise(val.stacked(), thresholds(train.stacked(), train.truth(), width));
        ModelReport base = model(baseAuc, MediaEvalMetrics.evaluate(basePred, val.truth(), subgenre), labels);
        ModelReport stacked = model(stackedAuc, MediaEvalMetrics.evaluate(stackedPred, val.truth(), subgenre), labels);

        int[] valPos = positives(val.truth(), width);
        int[] trainPos = positives(train.truth(), width);
        List<LabelAuc> perLabel = new ArrayList<>(width);
        for (int l = 0; l < width; l++) {
            perLabel.add(new LabelAuc(
                    labels.get(l),
                    valPos[l],
                    trainPos[l],
                    Text.orNull(baseAuc.perLabel()[l]),
                    Text.orNull(stackedAuc.perLabel()[l])));
        }

        // figures: micro average + the most frequent validation labels that have both classes
        List<Integer> curveCols = new ArrayList<>();
        for (int l = 0; l < width; l++) {
            if (valPos[l] > 0 && valPos[l] < val.tracks()) {
                curveCols.add(l);
            }
        }
        curveCols.sort(Comparator.<Integer>comparingInt(l -> -valPos[l]).thenComparingInt(l -> l));
        curveCols = curveCols.subList(0, Math.min(options.curveLabels(), curveCols.size()));
        List<String> curveLabels = curveCols.stream().map(labels::get).toList();
        String baseSvg = figure(p.source(), "base", val.base(), val.truth(), baseAuc, curveCols, labels, options);
        String stackedSvg =
                figure(p.source(), "stacked", val.stacked(), val.truth(), stackedAuc, curveCols, labels, options);

        double[] paper = Sources.PAPER_AUC.get(p.source());
        Map<String, String> files = new LinkedHashMap<>();
        files.put("rocBase", rocFile(p.source(), "base"));
        files.put("rocStacked", rocFile(p.source(), "stacked"));
        files.put("submission", submissionFile(p.source()));
        SourceReport report = new SourceReport(
                width,
                train.tracks(),
                val.tracks(),
                base,
                stacked,
                paper == null ? null : new PaperAuc(paper[0], paper[1]),
                perLabel,
                curveLabels,
                files,
                objects == null ? Map.of() : new LinkedHashMap<>(objects),
                bootstrap(val, baseAuc.macro(), stackedAuc.macro(), options));
        return new SourceEvaluation(
                p.source(), report, baseSvg, stackedSvg, submission(val.mbids(), stackedPred, labels));
    }

    /**
     * The bootstrap the plain way: every resample's matrices materialised (rows of the seeded index lists) and
     * evaluated by {@link RocAuc#macro}.
     */
    private static EvaluationReport.BootstrapReport bootstrap(
            SourcePredictions.SplitMatrix val, double baseMacro, double stackedMacro, Options options) {
        int nv = val.base().length;
        if (nv == 0 || options.bootstrapResamples() <= 0) {
            return null;
        }
        int[][] idx = Bootstrap.indices(options.bootstrapSeed(), nv, options.bootstrapResamples());
        double[] base = new double[idx.length];
        double[] stacked = new double[idx.length];
        for (int b = 0; b < idx.length; b++) {
            float[][] bs = new float[nv][];
            float[][] ss = new float[nv][];
            boolean[][] t = new boolean[nv][];
            for (int k = 0; k < nv; k++) {
                bs[k] = val.base()[idx[b][k]];
                ss[k] = val.stacked()[idx[b][k]];
                t[k] = val.truth()[idx[b][k]];
            }
            base[b] = RocAuc.macro(bs, t).macro();
            stacked[b] = RocAuc.macro(ss, t).macro();
        }
        return SourceEvaluation.bootstrap(baseMacro, stackedMacro, base, stacked, options.bootstrapSeed());
    }

    private static RocAuc.MacroResult auc(float[][] scores, boolean[][] truth, int width) {
        if (scores.length == 0) { // no validation track: nothing is defined
            double[] nan = new double[width];
            Arrays.fill(nan, Double.NaN);
            List<Integer> all = new ArrayList<>();
            for (int l = 0; l < width; l++) {
                all.add(l);
            }
            return new RocAuc.MacroResult(Double.NaN, Double.NaN, nan, all, 0);
        }
        return RocAuc.macro(scores, truth);
    }

    private static float[] thresholds(float[][] scores, boolean[][] truth, int width) {
        if (scores.length == 0) {
            float[] never = new float[width];
            Arrays.fill(never, Float.POSITIVE_INFINITY); // no train track: every track falls back to its best label
            return never;
        }
        return MediaEvalMetrics.tuneThresholds(scores, truth);
    }

    private static ModelReport model(RocAuc.MacroResult auc, MediaEvalMetrics.Report me, List<String> labels) {
        return SourceEvaluation.report(auc, me, labels);
    }

    private static int[] positives(boolean[][] truth, int width) {
        int[] n = new int[width];
        for (boolean[] row : truth) {
            for (int l = 0; l < width; l++) {
                if (row[l]) {
                    n[l]++;
                }
            }
        }
        return n;
    }

    private static String figure(
            String source,
            String model,
            float[][] scores,
            boolean[][] truth,
            RocAuc.MacroResult auc,
            List<Integer> cols,
            List<String> labels,
            Options o) {
        List<RocCurves.Curve> curves = new ArrayList<>();
        curves.add(InMemoryCurves.micro(
                "micro-average", Text.orNull(auc.micro()), scores, truth, o.microThresholds(), o.curvePoints()));
        for (int l : cols) {
            curves.add(InMemoryCurves.label(
                    labels.get(l), Text.orNull(auc.perLabel()[l]), scores, truth, l, o.curvePoints()));
        }
        return RocSvg.render("roc-" + source + "-" + model, "ROC " + source + " " + model + " (validation)", curves);
    }

    private static String submission(List<String> mbids, boolean[][] predicted, List<String> labels) {
        StringBuilder b = new StringBuilder(mbids.size() * 64);
        for (int i = 0; i < mbids.size(); i++) {
            b.append(mbids.get(i));
            for (int l = 0; l < labels.size(); l++) {
                if (predicted[i][l]) {
                    b.append('\t').append(labels.get(l));
                }
            }
            b.append('\n');
        }
        return b.toString();
    }
}
