package io.genrestack.cli.synth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The numeric leaves of the real AcousticBrainz document shipped as {@code template-lowlevel.json}, compiled once:
 * per leaf its template value, int-vs-float, whether it stays constant, its clamp range, its descriptor group and
 * whether it is a dispersion statistic; per group its location-statistic quadruple (min, max, mean, median). Leaves
 * are numbered in the template's document order, {@code metadata} and {@code rhythm.beats_position} excluded. No
 * randomness here: {@link FeatureModel} draws how each leaf responds to the latent factors.
 */
final class TemplateLeaves {

    private static final Set<String> STATS =
            Set.of("dmean", "dmean2", "dvar", "dvar2", "max", "mean", "median", "min", "var");
    private static final Set<String> DISPERSION = Set.of("dmean", "dmean2", "dvar", "dvar2", "var");

    /** The template document (key order and shapes of the output). */
    final ObjectNode template;

    final int nLeaves;
    final double[] v0;
    final boolean[] isInt;
    final boolean[] constant;
    final double[] clampHi;
    final double[] clampLo;
    final int[] group;
    final boolean[] dispersion;
    final int nGroups;
    /** Location-stat quadruples (min, max, mean, median leaf ids). */
    final int[][] quads;
    /** Whether a quadruple's four values are all equal in the template. */
    final boolean[] quadEqual;

    final int bpmLeaf;
    final int beatsCountLeaf;

    private TemplateLeaves(ObjectNode template) {
        this.template = template;
        Compiler c = new Compiler();
        for (Iterator<Map.Entry<String, JsonNode>> it = template.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getKey().equals("metadata")) {
                c.walk(e.getKey(), e.getValue());
            }
        }
        nLeaves = c.v0.size();
        v0 = new double[nLeaves];
        isInt = new boolean[nLeaves];
        constant = new boolean[nLeaves];
        clampHi = new double[nLeaves];
        clampLo = new double[nLeaves];
        group = new int[nLeaves];
        dispersion = new boolean[nLeaves];
        nGroups = c.groups.size();
        int bpm = -1;
        int beatsCount = -1;
        for (int i = 0; i < nLeaves; i++) {
            String path = c.paths.get(i);
            v0[i] = c.v0.get(i);
            isInt[i] = c.ints.get(i);
            group[i] = c.groupOf.get(i);
            constant[i] = v0[i] == 0 || (isInt[i] && Math.abs(v0[i]) <= 1);
            dispersion[i] = DISPERSION.contains(c.stats.get(i));
            clampLo[i] = Double.NEGATIVE_INFINITY;
            clampHi[i] = Double.POSITIVE_INFINITY;
            if (path.startsWith("lowlevel.silence_rate")) {
                clampLo[i] = 0;
                clampHi[i] = 1;
            } else if ((path.contains("hpcp") || path.contains("strength") || path.contains("ratio"))
                    && Math.abs(v0[i]) <= 1) {
                clampLo[i] = -1;
                clampHi[i] = 1;
            } else if (path.startsWith("tonal.chords_histogram")) {
                clampHi[i] = 100;
            }
            if (path.equals("rhythm.bpm")) {
                bpm = i;
            }
            if (path.equals("rhythm.beats_count")) {
                beatsCount = i;
                constant[i] = false;
            }
        }
        bpmLeaf = bpm;
        beatsCountLeaf = beatsCount;
        if (bpmLeaf < 0 || beatsCountLeaf < 0) {
            throw new IllegalStateException("template lacks rhythm.bpm or rhythm.beats_count");
        }
        List<int[]> q = new ArrayList<>();
        List<Boolean> qe = new ArrayList<>();
        for (Map<String, Integer> stats : c.groupStats) {
            Integer mn = stats.get("min");
            Integer mx = stats.get("max");
            Integer me = stats.get("mean");
            Integer md = stats.get("median");
            if (mn != null && mx != null && me != null && md != null) {
                q.add(new int[] {mn, mx, me, md});
                qe.add(v0[mn] == v0[mx] && v0[mx] == v0[me] && v0[me] == v0[md]);
            }
        }
        quads = q.toArray(new int[0][]);
        quadEqual = new boolean[qe.size()];
        for (int i = 0; i < quadEqual.length; i++) {
            quadEqual[i] = qe.get(i);
        }
    }

    /** Loads and compiles the template resource. */
    static TemplateLeaves load() {
        try (InputStream in = TemplateLeaves.class.getResourceAsStream("template-lowlevel.json")) {
            if (in == null) {
                throw new IllegalStateException("missing resource template-lowlevel.json");
            }
            return new TemplateLeaves((ObjectNode) new ObjectMapper().readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Walks the template once, assigning leaf ids, descriptor groups and statistic names. */
    private static final class Compiler {
        final List<String> paths = new ArrayList<>();
        final List<String> stats = new ArrayList<>();
        final List<Double> v0 = new ArrayList<>();
        final List<Boolean> ints = new ArrayList<>();
        final List<Integer> groupOf = new ArrayList<>();
        final Map<String, Integer> groups = new LinkedHashMap<>();
        final List<Map<String, Integer>> groupStats = new ArrayList<>();

        void walk(String path, JsonNode node) {
            if (node.isObject()) {
                for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    if (!e.getKey().equals("beats_position")) {
                        walk(path + "." + e.getKey(), e.getValue());
                    }
                }
            } else if (node.isArray()) {
                for (int i = 0; i < node.size(); i++) {
                    walk(path + "." + i, node.get(i));
                }
            } else if (node.isNumber()) {
                add(path, node);
            }
        }

        private void add(String path, JsonNode node) {
            String[] parts = path.split("\\.");
            List<String> rest = new ArrayList<>();
            String stat = "value";
            for (String p : parts) {
                if (STATS.contains(p) && stat.equals("value")) {
                    stat = p;
                } else {
                    rest.add(p);
                }
            }
            int n = rest.size();
            if (n >= 2 && isIndex(rest.get(n - 1)) && isIndex(rest.get(n - 2))) {
                rest.remove(n - 1);
            }
            String key = String.join(".", rest);
            Integer gid = groups.get(key);
            if (gid == null) {
                gid = groups.size();
                groups.put(key, gid);
                groupStats.add(new LinkedHashMap<>());
            }
            int leafId = v0.size();
            paths.add(path);
            stats.add(stat);
            v0.add(node.asDouble());
            ints.add(node.isIntegralNumber());
            groupOf.add(gid);
            groupStats.get(gid).putIfAbsent(stat, leafId);
        }

        private static boolean isIndex(String s) {
            return !s.isEmpty() && s.chars().allMatch(Character::isDigit);
        }
    }
}
