package io.genrestack.testkit;

import com.sun.management.GarbageCollectionNotificationInfo;

import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Bounded-heap checks: runs a probe's {@code main} in a forked JVM with a small fixed heap and reports the peak heap
 * in use after a garbage collection. The probe calls {@link #start()} first, {@link #checkpoint(String)} wherever
 * large structures would be alive (each forces a full GC and samples the heap), and {@link #done()} last; every
 * other full GC of the run is sampled too. A test runs the probe at two sizes and
 * {@link #assertBounded(Result, int, Result, int, long, long) asserts} that the peak grew by no more than the
 * documented per-track cost. The JVM exits on {@link OutOfMemoryError} ({@code -XX:+ExitOnOutOfMemoryError}).
 */
public final class ForkedHeap {
    private static final String PREFIX = "forked-heap ";
    private static final AtomicLong PEAK = new AtomicLong();

    private ForkedHeap() {}

    /**
     * Outcome of a forked run.
     *
     * @param exitCode the JVM's exit status
     * @param outOfMemory whether it ran out of heap
     * @param peakAfterGc the largest heap in use after a full GC, in bytes (-1 when the probe did not report it)
     * @param checkpoints heap in use after the GC of each checkpoint, in call order
     * @param seconds wall time
     * @param output the JVM's output (stdout and stderr)
     */
    public record Result(
            int exitCode,
            boolean outOfMemory,
            long peakAfterGc,
            Map<String, Long> checkpoints,
            double seconds,
            String output) {
        /** Throws with the output's tail unless the probe ran to its end. */
        public Result requireSuccess() {
            if (exitCode != 0 || outOfMemory || peakAfterGc < 0) {
                throw new AssertionError("forked probe failed (exit " + exitCode
                        + (outOfMemory ? ", OutOfMemoryError" : "") + "):\n" + tail(output, 4000));
            }
            return this;
        }
    }

    /**
     * Runs {@code main} with the caller's class path, {@code -Xmx<maxHeap>} and the serial collector; DJL stays
     * offline with the cache of the caller's environment.
     */
    public static Result run(Class<?> main, String maxHeap, Duration timeout, String... args)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx" + maxHeap);
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-XX:+ExitOnOutOfMemoryError");
        cmd.add("-Dai.djl.offline=true");
        cmd.add("-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"));
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(main.getName());
        cmd.addAll(List.of(args));
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Thread drain = new Thread(() -> {
            try (InputStream in = p.getInputStream()) {
                in.transferTo(out);
            } catch (IOException ignored) {
                // the process died; what was read is kept
            }
        });
        drain.start();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly().waitFor();
            drain.join(5000);
            throw new AssertionError("forked probe " + main.getName() + " ran past " + timeout + ":\n"
                    + tail(out.toString(StandardCharsets.UTF_8), 4000));
        }
        drain.join(10_000);
        String text = out.toString(StandardCharsets.UTF_8);
        Map<String, Long> checkpoints = new LinkedHashMap<>();
        Matcher m = Pattern.compile("^" + PREFIX + "checkpoint (\\S+) (\\d+)$", Pattern.MULTILINE)
                .matcher(text);
        while (m.find()) {
            checkpoints.put(m.group(1), Long.parseLong(m.group(2)));
        }
        Matcher peak = Pattern.compile("^" + PREFIX + "peak (\\d+)$", Pattern.MULTILINE)
                .matcher(text);
        return new Result(
                p.exitValue(),
                text.contains("java.lang.OutOfMemoryError"),
                peak.find() ? Long.parseLong(peak.group(1)) : -1,
                checkpoints,
                (System.nanoTime() - t0) / 1e9,
                text);
    }

    /**
     * Asserts that both runs succeeded and that the heap after GC grew from the small to the large run by at most
     * {@code bytesPerTrack} per added track plus {@code slackBytes}: at the peak, and at every checkpoint both runs
     * took (but the last, {@code end}).
     */
    public static void assertBounded(
            Result small, int smallTracks, Result large, int largeTracks, long bytesPerTrack, long slackBytes) {
        small.requireSuccess();
        large.requireSuccess();
        // the peak, and each checkpoint the probes share (a noisy peak of the small run must not hide growth)
        long growth = large.peakAfterGc() - small.peakAfterGc();
        for (Map.Entry<String, Long> e : large.checkpoints().entrySet()) {
            Long before = small.checkpoints().get(e.getKey());
            if (before != null && !e.getKey().equals("end")) {
                growth = Math.max(growth, e.getValue() - before);
            }
        }
        long allowed = (long) (largeTracks - smallTracks) * bytesPerTrack + slackBytes;
        if (growth > allowed) {
            throw new AssertionError(String.format(
                    "heap after GC grew by %.1f MB from %d to %d tracks "
                            + "(%d B per added track), more than the documented %d B per track + %.1f MB; "
                            + "checkpoints %s → %s",
                    growth / 1e6,
                    smallTracks,
                    largeTracks,
                    growth / (largeTracks - smallTracks),
                    bytesPerTrack,
                    slackBytes / 1e6,
                    small.checkpoints(),
                    large.checkpoints()));
        }
    }

    // ---- probe side (in the forked JVM) ----

    /** Starts sampling every full GC of this JVM. Call first in the probe's {@code main}. */
    public static void start() {
        Set<String> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(b -> b.getType() == MemoryType.HEAP)
                .map(MemoryPoolMXBean::getName)
                .collect(Collectors.toSet());
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            ((NotificationEmitter) gc)
                    .addNotificationListener(
                            (n, handback) -> {
                                if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(
                                        n.getType())) {
                                    return;
                                }
                                var info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
                                if (!info.getGcAction().contains("major")) {
                                    return; // after a minor GC the old generation still holds garbage
                                }
                                long used = 0;
                                for (Map.Entry<String, MemoryUsage> e :
                                        info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
                                    if (heapPools.contains(e.getKey())) {
                                        used += e.getValue().getUsed();
                                    }
                                }
                                PEAK.accumulateAndGet(used, Math::max);
                            },
                            null,
                            null);
        }
    }

    /** Forces a full GC, samples the heap in use and prints it under {@code name} (no blanks). */
    public static void checkpoint(String name) {
        System.gc();
        long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        PEAK.accumulateAndGet(used, Math::max);
        System.out.println(PREFIX + "checkpoint " + name + " " + used);
    }

    /** Takes a last checkpoint and prints the peak; call at the end of the probe's {@code main}. */
    public static void done() {
        checkpoint("end");
        try {
            Thread.sleep(200); // GC notifications arrive on another thread
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        System.out.println(PREFIX + "peak " + PEAK.get());
        System.out.flush();
    }

    private static String tail(String s, int n) {
        return s.length() <= n ? s : "…" + s.substring(s.length() - n);
    }
}
