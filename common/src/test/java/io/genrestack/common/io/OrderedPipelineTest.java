package io.genrestack.common.io;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link OrderedPipeline} on its own: work that finishes out of order (later items quicker) still reaches the sink
 * in emission order, on the calling thread, on several worker threads at once, with at most {@code window + 2} items
 * alive; a worker's, the source's or the sink's exception reaches the caller and stops the reader.
 */
class OrderedPipelineTest {
    static final int ITEMS = 400;

    @Test
    void resultsArriveInEmissionOrderWhateverOrderWorkersFinishIn() {
        for (int threads : new int[] {1, 2, 4}) {
            for (int window : new int[] {1, 3, 16}) {
                List<Integer> seen = new ArrayList<>();
                Set<String> workers = ConcurrentHashMap.newKeySet();
                AtomicInteger alive = new AtomicInteger();
                AtomicInteger peak = new AtomicInteger();
                Thread caller = Thread.currentThread();
                OrderedPipeline.<Integer>run(
                        threads,
                        window,
                        out -> {
                            for (int i = 0; i < ITEMS; i++) {
                                int item = i;
                                peak.accumulateAndGet(alive.incrementAndGet(), Math::max);
                                if (i % 5 == 0) {
                                    out.accept(OrderedPipeline.Step.done(item));
                                } else {
                                    out.accept(OrderedPipeline.Step.work(() -> {
                                        workers.add(Thread.currentThread().getName());
                                        // earlier items of a group of 4 take longer: workers finish out of order
                                        LockSupport.parkNanos((4 - item % 4) * 200_000L);
                                        return item;
                                    }));
                                }
                            }
                        },
                        v -> {
                            assertEquals(caller, Thread.currentThread());
                            seen.add(v);
                            alive.decrementAndGet();
                        });
                List<Integer> expected = new ArrayList<>();
                for (int i = 0; i < ITEMS; i++) {
                    expected.add(i);
                }
                assertEquals(expected, seen, threads + " threads, window " + window);
                if (threads > 1) {
                    assertTrue(peak.get() <= window + 2, "alive at once " + peak.get() + ", window " + window);
                    assertTrue(workers.size() > 1, "work ran on " + workers);
                }
            }
        }
    }

    @Test
    void failuresReachTheCaller() {
        AtomicInteger emitted = new AtomicInteger();
        IllegalStateException worker = assertThrows(
                IllegalStateException.class,
                () -> OrderedPipeline.<Integer>run(
                        4,
                        4,
                        out -> {
                            for (int i = 0; i < 100_000; i++) {
                                int item = i;
                                emitted.incrementAndGet();
                                out.accept(OrderedPipeline.Step.work(() -> {
                                    if (item == 50) {
                                        throw new IllegalStateException("bad item 50");
                                    }
                                    return item;
                                }));
                            }
                        },
                        v -> {}));
        assertEquals("bad item 50", worker.getMessage());
        assertTrue(emitted.get() < 100_000, "the reader stopped after " + emitted.get());

        IllegalArgumentException source = assertThrows(
                IllegalArgumentException.class,
                () -> OrderedPipeline.<Integer>run(
                        3,
                        2,
                        out -> {
                            out.accept(OrderedPipeline.Step.done(1));
                            throw new IllegalArgumentException("input gone");
                        },
                        v -> {}));
        assertEquals("input gone", source.getMessage());

        List<Integer> before = new ArrayList<>();
        assertThrows(
                ArithmeticException.class,
                () -> OrderedPipeline.<Integer>run(
                        2,
                        2,
                        out -> {
                            for (int i = 0; i < 1000; i++) {
                                int item = i;
                                out.accept(OrderedPipeline.Step.work(() -> item));
                            }
                        },
                        v -> {
                            if (v == 10) {
                                throw new ArithmeticException("sink failed");
                            }
                            before.add(v);
                        }));
        assertEquals(10, before.size());
    }
}
