package io.genrestack.common.features;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Measures single-thread {@code flatten(byte[])} throughput on the real files (parse included) and compares it with
 * a plain Jackson {@code readTree} of the same bytes, interleaved so machine load hits both alike. The assertion is
 * relative (flattening must cost at most 1.5x a bare parse, i.e. no per-leaf overhead), because absolute files/s on
 * a shared build machine vary by 10x; the absolute figure is logged.
 */
class FlattenerThroughputTest {

    private static final Logger LOG = Logger.getLogger(FlattenerThroughputTest.class);

    @Test
    void flatteningCostsLittleMoreThanParsing() throws IOException {
        List<byte[]> docs = List.copyOf(SharedData.allDocuments().values());
        long avgBytes = docs.stream().mapToLong(b -> b.length).sum() / docs.size();
        Flattener f = new Flattener(FeatureManifest.forPreset(FeatureManifest.DEFAULT_PRESET));
        ObjectMapper plain = new ObjectMapper();
        double sink = 0;
        long parseNanos = 0;
        long flattenNanos = 0;
        int n = 0;
        // 30 warm-up rounds, then at least 30 measured rounds and until 3 s have passed
        long measureUntil = Long.MAX_VALUE;
        for (int round = 0; round < 60 || System.nanoTime() < measureUntil; round++) {
            if (round == 30) {
                measureUntil = System.nanoTime() + 3_000_000_000L;
            }
            long t0 = System.nanoTime();
            for (byte[] d : docs) {
                sink += plain.readTree(d).size();
            }
            long t1 = System.nanoTime();
            for (byte[] d : docs) {
                sink += f.flatten(d)[0];
            }
            long t2 = System.nanoTime();
            if (round >= 30) {
                parseNanos += t1 - t0;
                flattenNanos += t2 - t1;
                n += docs.size();
            }
        }
        double filesPerSec = n / (flattenNanos / 1e9);
        double ratio = (double) flattenNanos / parseNanos;
        String msg = String.format(
                "flatten(byte[]): %.0f files/s (%.0f us/file, avg %d bytes); plain readTree: %.0f us/file;"
                        + " flatten/parse = %.2f (sink %s)",
                filesPerSec, flattenNanos / 1e3 / n, avgBytes, parseNanos / 1e3 / n, ratio, sink != 0);
        LOG.info(msg);
        assertTrue(ratio < 1.5, msg);
    }
}
