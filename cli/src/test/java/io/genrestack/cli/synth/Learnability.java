package io.genrestack.cli.synth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A cheap, DJL-free learnability check on a generated data set: plain-Java logistic regression on a subset of the
 * standardised features, evaluated on a release-group split (a release group is in the test part of every source
 * or of none). It also compares, per source, a base model trained on that source's labels alone with a
 * "stacked-lite" model trained on the logits of all four sources' base models (the linear analogue of the
 * STACKED model, which concatenates the four base models' hidden layers).
 */
final class Learnability {

    /** Results; AUCs are on the held-out release groups. */
    record Result(String singleLabel, double singleLabelAuc, double baseMacroAuc, Map<String, double[]> perSource) {
        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder(String.format(
                    Locale.ROOT,
                    "learnability: label %s AUC %.3f; discogs macro AUC %.3f%n",
                    singleLabel,
                    singleLabelAuc,
                    baseMacroAuc));
            for (Map.Entry<String, double[]> e : perSource.entrySet()) {
                sb.append(String.format(
                        Locale.ROOT,
                        "  %-9s base macro AUC %.3f  stacked-lite (4 sources) %.3f%n",
                        e.getKey(),
                        e.getValue()[0],
                        e.getValue()[1]));
            }
            return sb.toString();
        }
    }

    static final int ITERS = 150;

    private Learnability() {}

    static boolean isTest(String releaseGroup) {
        return Math.floorMod(releaseGroup.hashCode(), 5) == 0;
    }

    /** The standardised features of every generated track, and each track's row (by MBID). */
    record Features(Map<String, Integer> row, double[][] full) {}

    /**
     * The held-out AUC of a logistic regression on all standardised features for the label of {@code source}
     * whose track frequency is nearest {@code frequency}; returns the label and the AUC.
     */
    static Map.Entry<String, Double> labelNearFrequency(
            Path root, Features f, String source, double frequency, boolean genresOnly) throws IOException {
        Source s = Source.load(root, source, f.row());
        int best = -1;
        double bestGap = 2;
        for (int j = 0; j < s.labels.size(); j++) {
            if (genresOnly && s.labels.get(j).contains("---")) {
                continue;
            }
            if (Math.abs(s.frequency(j) - frequency) < bestGap) {
                bestGap = Math.abs(s.frequency(j) - frequency);
                best = j;
            }
        }
        Logistic one =
                Logistic.fit(s.features(f.full(), false), columnMatrix(s.targets(false), best), ITERS, 0.02, 1e-2);
        double a = auc(column(s.targets(true), best), column(one.predict(s.features(f.full(), true)), 0));
        return Map.entry(s.labels.get(best), a);
    }

    static Features features(Path root) throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        // All numeric descriptors in sorted name order; the multi-label models use every k-th of them.
        Map<String, Integer> row = new HashMap<>();
        List<double[]> xs = new ArrayList<>();
        List<Path> files;
        try (var s = Files.walk(root.resolve("lowlevel"))) {
            files = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        for (Path f : files) {
            JsonNode d = mapper.readTree(f.toFile());
            TreeMap<String, Double> flat = new TreeMap<>();
            for (String sec : List.of("lowlevel", "rhythm", "tonal")) {
                flatten(sec, d.get(sec), flat);
            }
            row.put(f.getFileName().toString().replace(".json", ""), xs.size());
            xs.add(flat.values().stream().mapToDouble(Double::doubleValue).toArray());
        }
        double[][] full = xs.toArray(new double[0][]);
        standardise(full);
        return new Features(row, full);
    }

    static Result run(Path root, int features) throws IOException {
        Features f = features(root);
        Map<String, Integer> row = f.row();
        double[][] full = f.full();
        int step = Math.max(1, full[0].length / features);
        int[] pick = new int[full[0].length / step];
        for (int i = 0; i < pick.length; i++) {
            pick[i] = i * step;
        }
        double[][] x = new double[full.length][pick.length];
        for (int i = 0; i < full.length; i++) {
            for (int k = 0; k < pick.length; k++) {
                x[i][k] = full[i][pick[k]];
            }
        }

        Map<String, Source> sources = new TreeMap<>();
        for (String s : SyntheticGenerator.SOURCES) {
            sources.put(s, Source.load(root, s, row));
        }
        // 1) One frequent label of discogs.
        Source dc = sources.get("discogs");
        int best = -1;
        double bestGap = 1;
        for (int j = 0; j < dc.labels.size(); j++) {
            double freq = dc.frequency(j);
            if (Math.abs(freq - 0.2) < bestGap) {
                bestGap = Math.abs(freq - 0.2);
                best = j;
            }
        }
        // Base models: one multi-label logistic regression per source, on that source's training tracks.
        Map<String, Logistic> base = new TreeMap<>();
        for (Map.Entry<String, Source> e : sources.entrySet()) {
            Source s = e.getValue();
            base.put(e.getKey(), Logistic.fit(s.features(x, false), s.targets(false), ITERS, 0.05, 1e-3));
        }
        double[][] pTest = base.get("discogs").predict(dc.features(x, true));
        double macro = macroAuc(dc.targets(true), pTest);
        // The single frequent label: logistic regression on all 2647 features.
        double[][] yTrain = columnMatrix(dc.targets(false), best);
        Logistic one = Logistic.fit(dc.features(full, false), yTrain, ITERS, 0.02, 1e-2);
        double single = auc(column(dc.targets(true), best), column(one.predict(dc.features(full, true)), 0));

        // 2) Base vs stacked-lite per source.
        double[][] stackedX = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            List<Double> z = new ArrayList<>();
            for (Logistic m : base.values()) {
                for (double v : m.logits(x[i])) {
                    z.add(v);
                }
            }
            stackedX[i] = z.stream().mapToDouble(Double::doubleValue).toArray();
        }
        standardise(stackedX);
        Map<String, double[]> per = new TreeMap<>();
        for (Map.Entry<String, Source> e : sources.entrySet()) {
            Source s = e.getValue();
            double b = macroAuc(s.targets(true), base.get(e.getKey()).predict(s.features(x, true)));
            Logistic st = Logistic.fit(s.features(stackedX, false), s.targets(false), ITERS, 0.05, 1e-2);
            double a = macroAuc(s.targets(true), st.predict(s.features(stackedX, true)));
            per.put(e.getKey(), new double[] {b, a});
        }
        return new Result(dc.labels.get(best), single, macro, per);
    }

    private static void flatten(String path, JsonNode n, Map<String, Double> out) {
        if (n.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getKey().equals("beats_position")) {
                    flatten(path + "." + e.getKey(), e.getValue(), out);
                }
            }
        } else if (n.isArray()) {
            for (int i = 0; i < n.size(); i++) {
                flatten(path + "." + i, n.get(i), out);
            }
        } else if (n.isNumber()) {
            out.put(path, n.asDouble());
        }
    }

    static void standardise(double[][] x) {
        int d = x[0].length;
        for (int j = 0; j < d; j++) {
            double m = 0;
            double q = 0;
            for (double[] r : x) {
                m += r[j];
            }
            m /= x.length;
            for (double[] r : x) {
                q += (r[j] - m) * (r[j] - m);
            }
            double sd = Math.sqrt(q / x.length);
            for (double[] r : x) {
                r[j] = sd > 0 ? Math.max(-5, Math.min(5, (r[j] - m) / sd)) : 0;
            }
        }
    }

    /** One source's ground truth on the generated tracks. */
    private static final class Source {
        final List<String> labels;
        final List<Integer> rows = new ArrayList<>();
        final List<boolean[]> y = new ArrayList<>();
        final List<Boolean> test = new ArrayList<>();

        private Source(List<String> labels) {
            this.labels = labels;
        }

        static Source load(Path root, String name, Map<String, Integer> rowOf) throws IOException {
            List<String> lines = Files.readAllLines(
                    root.resolve("groundtruth").resolve("acousticbrainz-mediaeval-" + name + "-all.tsv"));
            TreeSet<String> all = new TreeSet<>();
            for (String l : lines.subList(1, lines.size())) {
                String[] p = l.split("\t", -1);
                for (int i = 2; i < p.length; i++) {
                    if (!p[i].isEmpty()) {
                        all.add(p[i]);
                    }
                }
            }
            Source s = new Source(new ArrayList<>(all));
            for (String l : lines.subList(1, lines.size())) {
                String[] p = l.split("\t", -1);
                boolean[] t = new boolean[s.labels.size()];
                for (int i = 2; i < p.length; i++) {
                    if (!p[i].isEmpty()) {
                        t[s.labels.indexOf(p[i])] = true;
                    }
                }
                s.rows.add(rowOf.get(p[0]));
                s.y.add(t);
                s.test.add(isTest(p[1]));
            }
            return s;
        }

        double frequency(int j) {
            int c = 0;
            for (boolean[] t : y) {
                c += t[j] ? 1 : 0;
            }
            return c / (double) y.size();
        }

        double[][] features(double[][] x, boolean testPart) {
            List<double[]> out = new ArrayList<>();
            for (int i = 0; i < rows.size(); i++) {
                if (test.get(i) == testPart) {
                    out.add(x[rows.get(i)]);
                }
            }
            return out.toArray(new double[0][]);
        }

        double[][] targets(boolean testPart) {
            List<double[]> out = new ArrayList<>();
            for (int i = 0; i < rows.size(); i++) {
                if (test.get(i) == testPart) {
                    boolean[] t = y.get(i);
                    double[] v = new double[t.length];
                    for (int j = 0; j < t.length; j++) {
                        v[j] = t[j] ? 1 : 0;
                    }
                    out.add(v);
                }
            }
            return out.toArray(new double[0][]);
        }
    }

    /** Multi-label logistic regression trained by full-batch Adam with L2. */
    static final class Logistic {
        final double[][] w;
        final double[] b;

        Logistic(int d, int l) {
            w = new double[l][d];
            b = new double[l];
        }

        double[] logits(double[] x) {
            double[] z = new double[b.length];
            for (int j = 0; j < b.length; j++) {
                double a = b[j];
                double[] wj = w[j];
                for (int k = 0; k < x.length; k++) {
                    a += wj[k] * x[k];
                }
                z[j] = a;
            }
            return z;
        }

        double[][] predict(double[][] x) {
            double[][] p = new double[x.length][];
            for (int i = 0; i < x.length; i++) {
                p[i] = logits(x[i]);
            }
            return p;
        }

        static Logistic fit(double[][] x, double[][] y, int iters, double lr, double l2) {
            int n = x.length;
            int d = x[0].length;
            int l = y[0].length;
            Logistic m = new Logistic(d, l);
            double[][] mw = new double[l][d];
            double[][] vw = new double[l][d];
            double[] mb = new double[l];
            double[] vb = new double[l];
            double[][] gw = new double[l][d];
            double[] gb = new double[l];
            for (int t = 1; t <= iters; t++) {
                for (double[] g : gw) {
                    java.util.Arrays.fill(g, 0);
                }
                java.util.Arrays.fill(gb, 0);
                for (int i = 0; i < n; i++) {
                    double[] z = m.logits(x[i]);
                    for (int j = 0; j < l; j++) {
                        double err = 1 / (1 + Math.exp(-z[j])) - y[i][j];
                        gb[j] += err;
                        double[] g = gw[j];
                        double[] xi = x[i];
                        for (int k = 0; k < d; k++) {
                            g[k] += err * xi[k];
                        }
                    }
                }
                double c1 = 1 - Math.pow(0.9, t);
                double c2 = 1 - Math.pow(0.999, t);
                for (int j = 0; j < l; j++) {
                    for (int k = 0; k < d; k++) {
                        double g = gw[j][k] / n + l2 * m.w[j][k];
                        mw[j][k] = 0.9 * mw[j][k] + 0.1 * g;
                        vw[j][k] = 0.999 * vw[j][k] + 0.001 * g * g;
                        m.w[j][k] -= lr * (mw[j][k] / c1) / (Math.sqrt(vw[j][k] / c2) + 1e-8);
                    }
                    double g = gb[j] / n;
                    mb[j] = 0.9 * mb[j] + 0.1 * g;
                    vb[j] = 0.999 * vb[j] + 0.001 * g * g;
                    m.b[j] -= lr * (mb[j] / c1) / (Math.sqrt(vb[j] / c2) + 1e-8);
                }
            }
            return m;
        }
    }

    static double[][] columnMatrix(double[][] m, int j) {
        double[][] c = new double[m.length][1];
        for (int i = 0; i < m.length; i++) {
            c[i][0] = m[i][j];
        }
        return c;
    }

    static double[] column(double[][] m, int j) {
        double[] c = new double[m.length];
        for (int i = 0; i < m.length; i++) {
            c[i] = m[i][j];
        }
        return c;
    }

    /** ROC AUC by the rank-sum formula (ties get average ranks). */
    static double auc(double[] y, double[] p) {
        Integer[] o = new Integer[p.length];
        for (int i = 0; i < o.length; i++) {
            o[i] = i;
        }
        java.util.Arrays.sort(o, (a, b) -> Double.compare(p[a], p[b]));
        double[] rank = new double[p.length];
        for (int i = 0; i < o.length; ) {
            int j = i;
            while (j + 1 < o.length && p[o[j + 1]] == p[o[i]]) {
                j++;
            }
            for (int k = i; k <= j; k++) {
                rank[o[k]] = (i + j) / 2.0 + 1;
            }
            i = j + 1;
        }
        double pos = 0;
        double sum = 0;
        for (int i = 0; i < y.length; i++) {
            if (y[i] > 0.5) {
                pos++;
                sum += rank[i];
            }
        }
        double neg = y.length - pos;
        return (sum - pos * (pos + 1) / 2) / (pos * neg);
    }

    /** Mean AUC over labels with at least 3 positives and 3 negatives in {@code y}. */
    static double macroAuc(double[][] y, double[][] p) {
        double s = 0;
        int c = 0;
        for (int j = 0; j < y[0].length; j++) {
            double[] yj = column(y, j);
            double pos = java.util.Arrays.stream(yj).sum();
            if (pos >= 3 && yj.length - pos >= 3) {
                s += auc(yj, column(p, j));
                c++;
            }
        }
        return s / c;
    }
}
