package io.genrestack.common.stats;

import io.genrestack.common.features.FeatureManifest;
import io.genrestack.common.features.Flattener;
import io.genrestack.testkit.SharedData;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Scaler statistics on the real AcousticBrainz sample files against a double-precision two-pass reference. */
class FeatureStatsRealFilesTest {

    @Test
    void realFilesMatchTwoPassReferenceAndMergedPartials() throws Exception {
        Flattener f = new Flattener(FeatureManifest.forPreset("paper"));
        List<float[]> rows = new ArrayList<>();
        for (String sub : List.of("acousticbrainz/lowlevel", "acousticbrainz/lowlevel-edge")) {
            try (Stream<Path> s = Files.list(SharedData.dir().resolve(sub))) {
                for (Path p :
                        s.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                    rows.add(f.flatten(Files.readAllBytes(p)));
                }
            }
        }
        assertEquals(15, rows.size());
        int n = rows.get(0).length;
        FeatureStats single = new FeatureStats(n);
        rows.forEach(single::add);
        FeatureStats a = new FeatureStats(n);
        FeatureStats b = new FeatureStats(n);
        rows.subList(0, 6).forEach(a::add);
        rows.subList(6, rows.size()).forEach(b::add);
        a.merge(b);
        int constant = 0;
        for (int j = 0; j < n; j++) {
            double mean = 0;
            for (float[] r : rows) {
                mean += r[j];
            }
            mean /= rows.size();
            double m2 = 0;
            for (float[] r : rows) {
                m2 += (r[j] - mean) * (r[j] - mean);
            }
            double std = Math.sqrt(m2 / rows.size());
            double tolMean = 1e-9 * Math.max(Math.abs(mean), 1e-300);
            assertTrue(Math.abs(single.mean(j) - mean) <= tolMean, "mean " + j + ": " + single.mean(j) + " vs " + mean);
            assertTrue(Math.abs(a.mean(j) - mean) <= tolMean, "merged mean " + j);
            if (std == 0) {
                constant++;
                assertTrue(single.std(j) <= 1e-9 * Math.max(Math.abs(mean), 1e-300), "constant feature " + j);
                continue;
            }
            assertTrue(Math.abs(single.std(j) - std) <= 1e-9 * std, "std " + j + ": " + single.std(j) + " vs " + std);
            assertTrue(Math.abs(a.std(j) - std) <= 1e-9 * std, "merged std " + j);
        }
        // tonal.thpcp.0 is 1 in every file, the bpm-histogram peak dispersion statistics are 0: zero variance
        assertTrue(constant >= 25, "constant features " + constant);
        assertEquals(constant, new Standardiser(single).zeroVarianceCount());
    }
}
