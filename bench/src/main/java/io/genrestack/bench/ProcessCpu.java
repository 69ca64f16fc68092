package io.genrestack.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU time of this JVM and of the local broker process (Linux {@code /proc}), for benchmarks' breakdowns. */
final class ProcessCpu {
    /** Clock ticks per second of {@code /proc/<pid>/stat} (USER_HZ, 100 on Linux). */
    private static final double TICKS_PER_SECOND = 100.0;

    private ProcessCpu() {}

    /** CPU nanoseconds used by this JVM so far (all threads). */
    static long ownNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** User + system ticks of the broker named by {@code GENRESTACK_BENCH_BROKER_PID}; -1 when unknown. */
    static long brokerTicks() {
        String pid = System.getenv("GENRESTACK_BENCH_BROKER_PID");
        return pid == null || pid.isBlank() ? -1 : ticks(Long.parseLong(pid.trim()));
    }

    /** User + system ticks of process {@code pid} ({@code /proc/<pid>/stat} fields 14 and 15); -1 when unreadable. */
    static long ticks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // the command name (field 2) is in parentheses and may hold spaces: count fields after its ')'
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14 (utime), 15 (stime)
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    static double ticksToSeconds(long ticks) {
        return ticks / TICKS_PER_SECOND;
    }
}
