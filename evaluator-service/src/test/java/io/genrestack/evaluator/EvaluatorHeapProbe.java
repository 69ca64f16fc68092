package io.genrestack.evaluator;

import io.genrestack.common.model.Split;
import io.genrestack.common.model.TrackPredictions;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Run in its own JVM by {@link EvaluatorHeapTest}: the evaluator's computation on synthetic predictions of one
 * source ({@code args}: tracks, labels, work dir; 80 % train, 20 % validation, about 2.5 true labels per track, base
 * and stacked scores), records generated one at a time and appended to a {@link ColumnStore} as the stage does while
 * it reads the topic, then evaluated. A sampler thread forces a full collection every 200 ms and keeps the largest
 * heap in use after it (the live set). Prints {@code peakLiveHeap=<bytes> seconds=<s> diskBytes=<bytes>}.
 */
public final class EvaluatorHeapProbe {
    private EvaluatorHeapProbe() {}

    public static void main(String[] args) throws Exception {
        int tracks = Integer.parseInt(args[0]);
        int width = Integer.parseInt(args[1]);
        Path dir = Path.of(args[2]);
        AtomicLong peak = new AtomicLong();
        Thread sampler = new Thread(
                () -> {
                    var memory = ManagementFactory.getMemoryMXBean();
                    while (!Thread.currentThread().isInterrupted()) {
                        System.gc();
                        peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                        try {
                            Thread.sleep(200);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                },
                "heap-sampler");
        sampler.setDaemon(true);
        sampler.start();

        long t0 = System.nanoTime();
        List<String> labels = new ArrayList<>();
        for (int l = 0; l < width; l++) {
            labels.add(l % 4 == 3 ? "genre" + (l / 4) + "---sub" + l : "genre" + l);
        }
        SplittableRandom r = new SplittableRandom(tracks);
        long disk;
        SourceEvaluation e;
        try (ColumnStore store = new ColumnStore(dir.resolve("store"), "allmusic", labels)) {
            for (int i = 0; i < tracks; i++) {
                List<Integer> truth = new ArrayList<>();
                float[] base = new float[width];
                float[] stacked = new float[width];
                for (int l = 0; l < width; l++) {
                    boolean t = r.nextInt(width) < 2 || (l == i % width);
                    if (t) {
                        truth.add(l);
                    }
                    base[l] = (float) Math.min(1, Math.max(0, (t ? 0.2 : 0) + r.nextDouble() * 0.8));
                    stacked[l] = (float) Math.min(1, Math.max(0, (t ? 0.5 : 0) + r.nextDouble() * 0.6));
                }
                store.add(new TrackPredictions(
                        "probe",
                        new UUID(r.nextLong(), r.nextLong()).toString(),
                        "allmusic",
                        i % 5 == 0 ? Split.VALIDATION : Split.TRAIN,
                        truth,
                        base,
                        stacked));
            }
            store.finish();
            disk = store.diskBytes();
            e = SourceEvaluation.evaluate(
                    "allmusic",
                    labels,
                    store.train(),
                    store.validation(),
                    Map.of(),
                    SourceEvaluation.Options.defaults(),
                    dir.resolve("scratch"));
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        sampler.interrupt();
        sampler.join();
        System.gc();
        peak.accumulateAndGet(
                ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), Math::max);
        if (e.report().validationTracks() != tracks / 5 + (tracks % 5 == 0 ? 0 : 1)
                || e.report().base().macroAuc() == null
                || Files.list(dir.resolve("scratch")).findAny().isPresent()) {
            throw new IllegalStateException("unexpected evaluation: " + e.report());
        }
        System.out.printf(
                java.util.Locale.ROOT,
                "peakLiveHeap=%d seconds=%.1f diskBytes=%d macroAuc=%.4f/%.4f%n",
                peak.get(),
                seconds,
                disk,
                e.report().base().macroAuc(),
                e.report().stacked().macroAuc());
    }
}
