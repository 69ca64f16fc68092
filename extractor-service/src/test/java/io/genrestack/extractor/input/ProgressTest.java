package io.genrestack.extractor.input;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProgressTest {

    private static final long S = 1_000_000_000L;

    @Test
    void rateEtaAndLineWithKnownTotal() {
        AtomicLong now = new AtomicLong(1000 * S);
        Progress p = new Progress("documents", 1000, Duration.ofSeconds(10), now::get);
        p.step(240);
        p.stepFailed();
        now.addAndGet(10 * S);
        assertEquals(241, p.done());
        assertEquals(1, p.failed());
        assertEquals(24.1, p.ratePerSecond(), 1e-9);
        // 759 left at 24.1/s = 31.49 s -> 32
        assertEquals(32, p.etaSeconds().getAsLong());
        assertEquals("documents: 241 done (1 failed), 24.1/s, elapsed 0:00:10, 24.1% of 1000, ETA 0:00:32", p.line());
    }

    @Test
    void unknownTotalHasNoEta() {
        AtomicLong now = new AtomicLong(0);
        Progress p = new Progress("entries", -1, Duration.ofSeconds(5), now::get);
        p.step(3);
        now.addAndGet(3723 * S);
        assertTrue(p.etaSeconds().isEmpty());
        assertEquals(-1, p.total());
        String line = p.line();
        assertEquals("entries: 3 done, 0.0/s, elapsed 1:02:03", line);
        assertFalse(line.contains("ETA"));
    }

    @Test
    void lineIfDueOncePerInterval() {
        AtomicLong now = new AtomicLong(0);
        Progress p = new Progress("x", 10, Duration.ofSeconds(5), now::get);
        assertNull(p.lineIfDue());
        now.addAndGet(4 * S);
        assertNull(p.lineIfDue());
        now.addAndGet(S);
        assertNotNull(p.lineIfDue());
        assertNull(p.lineIfDue());
        now.addAndGet(5 * S);
        p.step(10);
        String line = p.lineIfDue();
        assertNotNull(line);
        assertTrue(line.endsWith("100.0% of 10, ETA 0:00:00"), line);
    }

    @Test
    void concurrentSteps() throws InterruptedException {
        Progress p = new Progress("x", -1, Duration.ofSeconds(1));
        Thread[] ts = new Thread[4];
        for (int i = 0; i < ts.length; i++) {
            ts[i] = new Thread(() -> {
                for (int k = 0; k < 10_000; k++) {
                    p.step();
                }
            });
            ts[i].start();
        }
        for (Thread t : ts) {
            t.join();
        }
        assertEquals(40_000, p.done());
    }
}
