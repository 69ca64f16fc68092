package io.genrestack.trainer;

import io.genrestack.testkit.ForkedHeap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The trainer's core work ({@link TrainerHeapProbe}: materialised stores, a base-model epoch with the validation macro
 * ROC-AUC, the activations pass) at 5 000 and 20 000 tracks × 766 labels under a fixed {@value #HEAP} heap in a
 * forked JVM: it must not run out of memory, and its peak heap after GC may grow by at most the per-track cost
 * documented in docs/architecture.md ("Trainer and stacker memory"). A negative control keeps the validation scores in
 * heap, as the trainer did before, and must fail the same check.
 */
class TrainerHeapTest {
    static final String HEAP = "256m";
    static final int SMALL = 5_000;
    static final int LARGE = 20_000;
    static final int LABELS = 766;
    static final int FEATURES = 512;
    /** Documented heap per track of the trainer (MBID lists and row orders), with margin. */
    static final long BYTES_PER_TRACK = 200;

    static final long SLACK = 4_000_000;

    @TempDir
    Path dir;

    private ForkedHeap.Result run(int tracks, String... extra) throws Exception {
        String[] args = new String[4 + extra.length];
        args[0] = Integer.toString(tracks);
        args[1] = Integer.toString(LABELS);
        args[2] = Integer.toString(FEATURES);
        args[3] = dir.resolve(tracks + String.join("", extra)).toString();
        System.arraycopy(extra, 0, args, 4, extra.length);
        ForkedHeap.Result r = ForkedHeap.run(TrainerHeapProbe.class, HEAP, Duration.ofMinutes(3), args);
        System.out.printf(
                "trainer probe %d tracks %s: peak heap after GC %.1f MB, checkpoints %s, %.0f s%n",
                tracks, String.join(" ", extra), r.peakAfterGc() / 1e6, r.checkpoints(), r.seconds());
        return r.requireSuccess();
    }

    @Test
    void heapDoesNotGrowWithTheTracksBeyondTheIndex() throws Exception {
        ForkedHeap.Result small = run(SMALL);
        ForkedHeap.Result large = run(LARGE);
        ForkedHeap.assertBounded(small, SMALL, large, LARGE, BYTES_PER_TRACK, SLACK);

        // negative control: validation scores and truth held in heap (the old way) must fail the same check
        ForkedHeap.Result holding = run(LARGE, "hold");
        assertThrows(
                AssertionError.class,
                () -> ForkedHeap.assertBounded(small, SMALL, holding, LARGE, BYTES_PER_TRACK, SLACK));
    }
}
