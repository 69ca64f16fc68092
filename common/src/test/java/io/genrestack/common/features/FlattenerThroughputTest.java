package io.genrestack.common.features;

import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Measures single-thread flatten(byte[]) throughput on the real files (parse included). */
class FlattenerThroughputTest {

    private static final Logger LOG = Logger.getLogger(FlattenerThroughputTest.class);

    @Test
    void flattensWellOverAThousandFilesPerSecondOnOneCore() {
        List<byte[]> docs = List.copyOf(SharedData.allDocuments().values());
        long totalBytes = docs.stream().mapToLong(b -> b.length).sum();
        Flattener f = new Flattener(FeatureManifest.forPreset(FeatureManifest.DEFAULT_PRESET));
        float sink = 0;
        // warm-up
        long warmEnd = System.nanoTime() + 2_000_000_000L;
        while (System.nanoTime() < warmEnd) {
            for (byte[] d : docs) {
                sink += f.flatten(d)[0];
            }
        }
        int n = 0;
        long t0 = System.nanoTime();
        while (System.nanoTime() - t0 < 3_000_000_000L) {
            for (byte[] d : docs) {
                sink += f.flatten(d)[0];
                n++;
            }
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        double perSec = n / secs;
        String msg = String.format("flatten(byte[]) throughput: %.0f files/s, %.1f MB/s (avg file %d bytes, sink %s)",
                perSec, perSec * totalBytes / docs.size() / 1e6, totalBytes / docs.size(), sink != 0);
        LOG.info(msg);
        System.out.println(msg);
        // generous floor: the machine's 2 cores are shared with other builds
        assertTrue(perSec > 500, msg);
    }
}
