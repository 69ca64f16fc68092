package io.genrestack.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The heap each service of a local run gets, from the size of its data: a fixed part plus the documented per-track
 * index cost (docs/capacity.md). Score matrices, feature rows and activations live in memory-mapped files or are
 * streamed, so nothing else grows with the run.
 */
final class HeapPlan {
    /** A service's heap: {@code fixedMib} plus {@code bytesPerTrack} for every track of the run. */
    record Cost(int fixedMib, int bytesPerTrack) {
        long mib(long tracks) {
            long mib = fixedMib + (bytesPerTrack * tracks + (1 << 20) - 1) / (1 << 20);
            return (mib + 63) / 64 * 64; // whole 64 MiB steps
        }
    }

    /**
     * Per-track costs as measured by the bounded-heap tests and docs/architecture.md, rounded up about 2×: extractor
     * ground truth, split and duplicate index (≈ 730 B per track at the real shape, ExtractorHeapTest); trainer and
     * stacker MBID indexes; evaluator column-store index (24 B per record, four sources) and one column's buffers.
     * Fixed parts cover the Quarkus runtime, Kafka client buffers and one chunk of records in flight.
     */
    static final Map<String, Cost> COSTS = Map.of(
            "extractor", new Cost(384, 1_600),
            "scaler", new Cost(384, 0),
            "trainer", new Cost(512, 400),
            "stacker", new Cost(512, 800),
            "evaluator", new Cost(384, 400));

    private HeapPlan() {}

    /** The {@code -Xmx} value (e.g. {@code 512m}) of {@code service} for a run of {@code tracks} tracks. */
    static String xmx(String service, long tracks) {
        Cost c = COSTS.get(service);
        if (c == null) {
            throw new IllegalArgumentException("no heap plan for service '" + service + "'");
        }
        return c.mib(Math.max(0, tracks)) + "m";
    }

    /**
     * An upper bound of the tracks of a run on real data: the ground-truth rows (lines of the TSV files or folders
     * given), each track counted once per source that tags it.
     */
    static long tracksOf(List<String> groundTruth) {
        long rows = 0;
        for (String g : groundTruth) {
            Path p = Path.of(g);
            try (Stream<Path> files = Files.isDirectory(p) ? Files.walk(p) : Stream.of(p)) {
                for (Path f : files.filter(f -> f.toString().endsWith(".tsv")).toList()) {
                    try (Stream<String> lines = Files.lines(f)) {
                        rows += lines.count();
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read ground truth " + p + ": " + e.getMessage(), e);
            }
        }
        return rows;
    }
}
