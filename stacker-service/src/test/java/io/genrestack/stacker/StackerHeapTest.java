package io.genrestack.stacker;

import io.genrestack.testkit.ForkedHeap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The stacker's core work ({@link StackerHeapProbe}: both passes of {@link StackingInputs} over 4 × 256-d
 * activations with the real label widths, a stacked epoch per source with base and stacked validation macro ROC-AUC,
 * the prediction records) at 5 000 and 20 000 tracks under a fixed {@value #HEAP} heap in a forked JVM: no
 * OutOfMemoryError, and a peak heap after GC that grows by at most the per-track cost documented in
 * docs/architecture.md ("Trainer and stacker memory"). With {@code -Dgenrestack.heap-control=true} a negative
 * control that keeps the validation scores in heap, as the stacker did before, must fail the same check (measured:
 * 43.7 MB at 20 000 tracks against 23.6 MB; off by default to keep the test under two minutes;
 * {@code TrainerHeapTest} always runs its control).
 */
class StackerHeapTest {
    static final String HEAP = "256m";
    static final int SMALL = 5_000;
    static final int LARGE = 20_000;
    /** Documented heap per track of the stacker (MBID index, row maps, splits, label indices), with margin. */
    static final long BYTES_PER_TRACK = 400;

    static final long SLACK = 4_000_000;

    @TempDir
    Path dir;

    private ForkedHeap.Result run(int tracks, String... extra) throws Exception {
        String[] args = new String[2 + extra.length];
        args[0] = Integer.toString(tracks);
        args[1] = dir.resolve(tracks + String.join("", extra)).toString();
        System.arraycopy(extra, 0, args, 2, extra.length);
        ForkedHeap.Result r = ForkedHeap.run(StackerHeapProbe.class, HEAP, Duration.ofMinutes(3), args);
        System.out.printf(
                "stacker probe %d tracks %s: peak heap after GC %.1f MB, checkpoints %s, %.0f s%n",
                tracks, String.join(" ", extra), r.peakAfterGc() / 1e6, r.checkpoints(), r.seconds());
        return r.requireSuccess();
    }

    @Test
    void heapDoesNotGrowWithTheTracksBeyondTheIndex() throws Exception {
        ForkedHeap.Result small = run(SMALL);
        ForkedHeap.Result large = run(LARGE);
        ForkedHeap.assertBounded(small, SMALL, large, LARGE, BYTES_PER_TRACK, SLACK);

        if (!Boolean.getBoolean("genrestack.heap-control")) {
            return;
        }
        ForkedHeap.Result holding = run(LARGE, "hold");
        assertThrows(
                AssertionError.class,
                () -> ForkedHeap.assertBounded(small, SMALL, holding, LARGE, BYTES_PER_TRACK, SLACK));
    }
}
