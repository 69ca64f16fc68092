package io.genrestack.bench;

import io.genrestack.common.metrics.Bootstrap;
import io.genrestack.common.metrics.BootstrapColumn;
import io.genrestack.common.metrics.LabelColumn;
import io.genrestack.common.metrics.ResampleFile;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Cost of the evaluator's bootstrap of the macro ROC-AUC ({@link BootstrapColumn}, docs/metrics.md) against the
 * baseline measured in the same run: one exact macro ROC-AUC ({@link LabelColumn}, what the evaluator computes per
 * label anyway) of the same label columns. One thread; the evaluator's path: the resamples' multiplicities drawn
 * ({@link Bootstrap#draw}) into a memory-mapped track-major file, then per label and model one sort and one weighted
 * pass over all resamples, the per-resample AUCs summed in label order ({@link Bootstrap.MacroSums}).
 *
 * <p>Synthetic validation columns, generated per label (no matrix in memory): label {@code l} true with prevalence
 * {@code 0.4 / (l+1)^0.9} (about 3.7 labels per track at 766 labels, a long tail as the real vocabularies), base and
 * stacked scores = signal + Gaussian noise as float32. Every {@code stride}-th label is measured (the middle one of
 * each run of {@code stride} labels: {@code stride/2}, {@code stride/2 + stride}, ...), so the prevalence mix is
 * close to the full vocabulary's, and the totals are extrapolated by labels / measured labels.
 *
 * <p>{@code BootstrapBench OUT_DIR TRACKS LABELS RESAMPLES STRIDE}; writes OUT_DIR/bootstrap.json and prints it on
 * a {@code BENCH} line.
 */
public final class BootstrapBench {
    private BootstrapBench() {}

    static void column(int label, int tracks, boolean stacked, float[] s, boolean[] t) {
        SplittableRandom r = new SplittableRandom(label * 2L + 1);
        double prevalence = 0.4 / Math.pow(label + 1, 0.9);
        for (int i = 0; i < tracks; i++) {
            t[i] = r.nextDouble() < prevalence;
            double noise = r.nextGaussian();
            double noise2 = r.nextGaussian();
            double y = t[i] ? 1 : 0;
            s[i] = (float) (stacked ? 1.5 * y + noise2 : 0.6 * y + noise);
        }
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        int tracks = Integer.parseInt(args[1]);
        int labels = Integer.parseInt(args[2]);
        int resamples = Integer.parseInt(args[3]);
        int stride = Integer.parseInt(args[4]);
        Files.createDirectories(out);
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        int measured = (labels - stride / 2 + stride - 1) / stride;

        float[] s = new float[tracks];
        boolean[] t = new boolean[tracks];
        LabelColumn exact = new LabelColumn(tracks);
        BootstrapColumn boot = new BootstrapColumn(tracks, resamples);
        double[] aucs = new double[resamples];

        Path file = out.resolve("resamples.u8");
        long c0 = mx.getCurrentThreadCpuTime();
        long w0 = System.nanoTime();
        ResampleFile weights = ResampleFile.draw(file, 42, tracks, resamples); // the evaluator's draw and file
        double drawCpu = (mx.getCurrentThreadCpuTime() - c0) / 1e9;
        double drawWall = (System.nanoTime() - w0) / 1e9;

        // warm-up (JIT) on one label, not counted
        column(1, tracks, false, s, t);
        exact.load(s, t, tracks).auc();
        boot.load(s, t, tracks).aucs(weights, aucs);

        double[] exactCpu = new double[2];
        double[] bootCpu = new double[2];
        double[] exactWall = new double[2];
        double[] bootWall = new double[2];
        double[] macro = new double[2];
        double[][] resampled = new double[2][];
        long positives = 0;
        for (int m = 0; m < 2; m++) {
            boolean stacked = m == 1;
            Bootstrap.MacroSums sums = new Bootstrap.MacroSums(resamples);
            double sum = 0;
            int evaluated = 0;
            for (int l = stride / 2; l < labels; l += stride) {
                column(l, tracks, stacked, s, t);
                for (int i = 0; i < tracks && m == 0; i++) {
                    positives += t[i] ? 1 : 0;
                }
                long c = mx.getCurrentThreadCpuTime();
                long w = System.nanoTime();
                double a = exact.load(s, t, tracks).auc();
                exactCpu[m] += (mx.getCurrentThreadCpuTime() - c) / 1e9;
                exactWall[m] += (System.nanoTime() - w) / 1e9;
                if (!Double.isNaN(a)) {
                    sum += a;
                    evaluated++;
                }
                c = mx.getCurrentThreadCpuTime();
                w = System.nanoTime();
                boot.load(s, t, tracks).aucs(weights, aucs);
                sums.add(aucs);
                bootCpu[m] += (mx.getCurrentThreadCpuTime() - c) / 1e9;
                bootWall[m] += (System.nanoTime() - w) / 1e9;
            }
            macro[m] = sum / evaluated;
            resampled[m] = sums.macros();
        }
        Bootstrap.Comparison cmp = Bootstrap.compare(resampled[0], resampled[1], 0.95);
        int maxWeight = weights.maxWeight();
        weights.close(); // unmaps and deletes the file

        double scale = (double) labels / measured;
        double exactBoth = (exactCpu[0] + exactCpu[1]) * scale;
        double bootBoth = (bootCpu[0] + bootCpu[1]) * scale;
        double nsPerCell = (bootCpu[0] + bootCpu[1]) * 1e9 / (2.0 * measured * tracks * resamples);
        String json = String.format(
                Locale.ROOT,
                "{\"tracks\": %d, \"labels\": %d, \"measuredLabels\": %d, \"stride\": %d, \"resamples\": %d, "
                        + "\"positivesPerTrack\": %.3f, \"maxWeight\": %d, "
                        + "\"drawCpuS\": %.3f, \"drawWallS\": %.3f, "
                        + "\"exactMacroCpuS\": [%.3f, %.3f], \"bootstrapCpuS\": [%.3f, %.3f], "
                        + "\"exactMacroWallS\": [%.3f, %.3f], \"bootstrapWallS\": [%.3f, %.3f], "
                        + "\"extrapolatedExactMacroCpuSBothModels\": %.2f, "
                        + "\"extrapolatedBootstrapCpuSBothModels\": %.2f, "
                        + "\"extrapolatedTotalCpuS\": %.2f, "
                        + "\"ratioBootstrapToExactMacro\": %.1f, \"ratioPerResample\": %.4f, "
                        + "\"nsPerTrackLabelResample\": %.4f, "
                        + "\"macro\": [%.4f, %.4f], \"ciBase\": [%.4f, %.4f], \"ciStacked\": [%.4f, %.4f], "
                        + "\"ciDifference\": [%.4f, %.4f], \"stackedWins\": %.4f}",
                tracks,
                labels,
                measured,
                stride,
                resamples,
                (double) positives * stride / tracks,
                maxWeight,
                drawCpu,
                drawWall,
                exactCpu[0],
                exactCpu[1],
                bootCpu[0],
                bootCpu[1],
                exactWall[0],
                exactWall[1],
                bootWall[0],
                bootWall[1],
                exactBoth,
                bootBoth,
                bootBoth + drawCpu,
                bootBoth / exactBoth,
                bootBoth / exactBoth / resamples,
                nsPerCell,
                macro[0],
                macro[1],
                cmp.base().low(),
                cmp.base().high(),
                cmp.stacked().low(),
                cmp.stacked().high(),
                cmp.difference().low(),
                cmp.difference().high(),
                cmp.stackedWins());
        Files.writeString(out.resolve("bootstrap.json"), json + "\n");
        System.out.println("BENCH " + json);
    }
}
