package io.genrestack.extractor;

import io.genrestack.extractor.input.TestData;
import io.genrestack.testkit.ForkedHeap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The extractor's work ({@link ExtractorHeapProbe}: real-shape ground truth, the joint split, every document through
 * the stage's {@link TrackBuilder}) at 10 000 and 40 000 recordings under a fixed {@value #HEAP} heap in a forked JVM:
 * it must not run out of memory, and its heap after GC may grow by at most the per-track cost that docs/capacity.md
 * documents for the extractor (the ground-truth rows, the split and the duplicate index). The large size again with
 * {@value #THREADS} parse-and-flatten workers (the stage's {@code OrderedPipeline}) must pass the same check: the
 * window of documents in flight is bounded, not per track. A negative control keeps one feature vector in eight in
 * heap and must fail the same check.
 */
class ExtractorHeapTest {
    static final String HEAP = "160m";
    static final int SMALL = 10_000;
    static final int LARGE = 40_000;
    /**
     * Documented heap per recording of the extractor (docs/capacity.md; measured ≈ 730 B at the real shape), without
     * HeapPlan's 2× head-room.
     */
    static final long BYTES_PER_TRACK = 850;

    static final long SLACK = 4_000_000;

    static final int THREADS = 4;

    @TempDir
    Path dir;

    private ForkedHeap.Result run(int tracks, Path doc, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of(
                Integer.toString(tracks),
                dir.resolve(tracks + String.join("", extra)).toString(),
                doc.toString()));
        args.addAll(List.of(extra));
        ForkedHeap.Result r =
                ForkedHeap.run(ExtractorHeapProbe.class, HEAP, Duration.ofMinutes(4), args.toArray(String[]::new));
        System.out.printf(
                "extractor probe %d tracks %s: peak heap after GC %.1f MB, checkpoints %s, %.0f s%n",
                tracks, String.join(" ", extra), r.peakAfterGc() / 1e6, r.checkpoints(), r.seconds());
        return r.requireSuccess();
    }

    @Test
    void heapGrowsOnlyByTheGroundTruthIndex() throws Exception {
        Path doc;
        try (Stream<Path> files = Files.list(TestData.lowlevel())) {
            doc = files.filter(f -> f.toString().endsWith(".json"))
                    .sorted()
                    .findFirst()
                    .orElseThrow();
        }
        ForkedHeap.Result small = run(SMALL, doc);
        ForkedHeap.Result large = run(LARGE, doc);
        ForkedHeap.assertBounded(small, SMALL, large, LARGE, BYTES_PER_TRACK, SLACK);
        ForkedHeap.Result parallel = run(LARGE, doc, "threads=" + THREADS);
        ForkedHeap.assertBounded(small, SMALL, parallel, LARGE, BYTES_PER_TRACK, SLACK);

        // negative control: feature vectors kept in heap must fail the same check
        ForkedHeap.Result holding = run(LARGE, doc, "hold");
        assertThrows(
                AssertionError.class,
                () -> ForkedHeap.assertBounded(small, SMALL, holding, LARGE, BYTES_PER_TRACK, SLACK));
    }
}
