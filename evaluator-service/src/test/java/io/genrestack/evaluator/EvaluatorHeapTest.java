package io.genrestack.evaluator;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Bounded heap (issue 19): the evaluator's computation on 25 000 and on 100 000 tracks × 766 labels (allmusic's real
 * width; base and stacked scores) in a JVM of {@value #XMX}. Fails on OutOfMemoryError, and when the live heap grows
 * between the two sizes by more than the documented per-track cost ({@value #BYTES_PER_TRACK} bytes per track, see
 * docs/architecture.md "Evaluator memory"). A score matrix in heap would cost 766 × 4 = 3 064 bytes per track and
 * model.
 */
class EvaluatorHeapTest {
    static final String XMX = "-Xmx512m";
    static final int LABELS = 766;
    /** Bound on the heap per track (measured 97 B): MBID index and order, per-track counters, one column's buffers. */
    static final long BYTES_PER_TRACK = 200;

    record Probe(long peakLiveHeap, double seconds, long diskBytes, String output) {}

    static Probe probe(Path dir, int tracks) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(
                        java,
                        XMX,
                        "-XX:+UseG1GC",
                        "-cp",
                        System.getProperty("java.class.path"),
                        EvaluatorHeapProbe.class.getName(),
                        String.valueOf(tracks),
                        String.valueOf(LABELS),
                        dir.toString())
                .redirectErrorStream(true)
                .start();
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("the probe of " + tracks + " tracks did not finish in 300 s");
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), "probe of " + tracks + " tracks in " + XMX + " failed:\n" + out);
        assertTrue(!out.contains("OutOfMemoryError"), out);
        Matcher m = Pattern.compile("peakLiveHeap=(\\d+) seconds=([\\d.]+) diskBytes=(\\d+)")
                .matcher(out);
        assertTrue(m.find(), out);
        return new Probe(Long.parseLong(m.group(1)), Double.parseDouble(m.group(2)), Long.parseLong(m.group(3)), out);
    }

    @Test
    void heapGrowsOnlyByTheDocumentedPerTrackCost(@TempDir Path dir) throws Exception {
        int small = 25_000;
        int large = 100_000;
        Probe a = probe(dir.resolve("small"), small);
        Probe b = probe(dir.resolve("large"), large);
        for (Probe p : List.of(a, b)) {
            System.out.printf("evaluator heap probe: %s", p.output());
        }
        long perTrack = (b.peakLiveHeap() - a.peakLiveHeap()) / (large - small);
        System.out.printf(
                "evaluator heap probe: %d bytes of live heap per extra track (documented bound %d), "
                        + "disk %.3f bytes per (track, label)%n",
                perTrack, BYTES_PER_TRACK, (double) b.diskBytes() / large / LABELS);
        assertTrue(
                perTrack <= BYTES_PER_TRACK,
                "live heap grows by " + perTrack + " bytes per track (25 000 → 100 000" + " tracks: " + a.peakLiveHeap()
                        + " → " + b.peakLiveHeap() + " bytes), documented " + BYTES_PER_TRACK);
        assertTrue(b.peakLiveHeap() < 512L << 20);
    }
}
