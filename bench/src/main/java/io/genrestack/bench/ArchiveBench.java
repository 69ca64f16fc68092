package io.genrestack.bench;

import io.genrestack.extractor.input.Bzip2;
import io.genrestack.extractor.input.InputItem;
import io.genrestack.extractor.input.InputScanner;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Archive reading, one core each: the extractor's {@link InputScanner} streaming a {@code .tar.bz2} of the bench
 * files (bzip2, tar, every entry read into memory as the extractor reads it), once with commons-compress in the JVM
 * ({@code genrestack.extractor.bzip2=java}) and once with the native decompressor {@code auto} picks ({@link Bzip2}:
 * lbzip2, pbzip2 or bzip2 as a child process, single-threaded), against {@code bzip2 -dc} of the same archive to
 * {@code /dev/null}. The archive is made once with {@code tar -cjf} and kept beside the files. Best of two runs each
 * (the first warms the JIT and the page cache), as wall-clock rates and as CPU-time rates: the extractor's CPU is the
 * JVM process's (every thread: the scanning thread, a native path's pump thread, JIT and GC) plus its reaped children's
 * ({@code cutime + cstime} of {@code /proc/self/stat}: the decompressor process); bzip2's is its user + system time.
 * On a shared machine the CPU rates are the per-core comparison.
 */
final class ArchiveBench {
    private ArchiveBench() {}

    /**
     * Tracks/s of the readers (the extractor with commons-compress, with {@code nativeCommand}, and bzip2 -dc), the
     * entries read and the bytes bzip2 produced (the tar stream). Without a native decompressor the native rates are
     * NaN and {@code nativeCommand} is empty.
     */
    record Result(
            double scannerRate,
            double bzip2Rate,
            double scannerCpuRate,
            double bzip2CpuRate,
            double nativeRate,
            double nativeCpuRate,
            String nativeCommand,
            long entries,
            long tarBytes) {}

    static Result measure(Path dir, List<Path> files) throws IOException, InterruptedException {
        Path archive = dir.resolveSibling(dir.getFileName() + "-" + files.size() + ".tar.bz2");
        if (!Files.exists(archive)) {
            Path partial = dir.resolveSibling(archive.getFileName() + ".part");
            run(new ProcessBuilder("tar", "-C", dir.toString(), "-cjf", partial.toString(), "."));
            Files.move(partial, archive);
        }
        long ticksPerSecond = clockTicks();
        double[] java = scan(archive, files.size(), Bzip2.java(), ticksPerSecond);
        Bzip2 nativeBzip2 = Bzip2.of("auto");
        double[] natively = nativeBzip2.isNative()
                ? scan(archive, files.size(), nativeBzip2, ticksPerSecond)
                : new double[] {Double.NaN, Double.NaN};
        long entries = files.size();
        double bzip2 = 0;
        double bzip2Cpu = 0;
        for (int round = 0; round < 2; round++) {
            long t0 = System.nanoTime();
            // bash's time keyword: bzip2's user and system CPU seconds on stderr
            Process p = new ProcessBuilder(
                            "bash", "-c", "TIMEFORMAT='%U %S'; time bzip2 -dc \"$0\" >/dev/null", archive.toString())
                    .start();
            String[] cpu = new String(p.getErrorStream().readAllBytes()).trim().split("\\s+");
            if (p.waitFor() != 0 || cpu.length != 2) {
                throw new IllegalStateException("bzip2 -dc failed: " + String.join(" ", cpu));
            }
            bzip2 = Math.max(bzip2, entries / ((System.nanoTime() - t0) / 1e9));
            bzip2Cpu = Math.max(bzip2Cpu, entries / (Double.parseDouble(cpu[0]) + Double.parseDouble(cpu[1])));
        }
        Process count = new ProcessBuilder("sh", "-c", "bzip2 -dc \"$0\" | wc -c", archive.toString()).start();
        long tarBytes = Long.parseLong(new String(count.getInputStream().readAllBytes()).trim());
        count.waitFor();
        return new Result(
                java[0],
                bzip2,
                java[1],
                bzip2Cpu,
                natively[0],
                natively[1],
                nativeBzip2.isNative() ? String.join(" ", nativeBzip2.command()) : "",
                entries,
                tarBytes);
    }

    /** Best of two scans of {@code archive} with {@code bzip2}: {tracks/s, tracks per CPU-second}. */
    private static double[] scan(Path archive, long expected, Bzip2 bzip2, long ticksPerSecond) {
        double rate = 0;
        double cpuRate = 0;
        for (int round = 0; round < 2; round++) {
            long[] n = {0};
            double c0 = cpuSeconds(ticksPerSecond);
            long t0 = System.nanoTime();
            new InputScanner(InputScanner.DEFAULT_MAX_BYTES, null, null, bzip2).scan(List.of(archive), item -> {
                if (!(item instanceof InputItem.JsonDoc)) {
                    throw new IllegalStateException("bad archive entry (" + bzip2 + "): " + item);
                }
                n[0]++;
            });
            rate = Math.max(rate, n[0] / ((System.nanoTime() - t0) / 1e9));
            cpuRate = Math.max(cpuRate, n[0] / (cpuSeconds(ticksPerSecond) - c0));
            if (n[0] != expected) {
                throw new IllegalStateException(n[0] + " entries, expected " + expected + " (" + bzip2 + ")");
            }
        }
        return new double[] {rate, cpuRate};
    }

    /**
     * CPU seconds of this JVM (all threads) and of its reaped children (the decompressor processes; the scan waits for
     * its process to exit before it returns).
     */
    private static double cpuSeconds(long ticksPerSecond) {
        double self = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                        .getProcessCpuTime()
                / 1e9;
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            // after the command name in parentheses: field 3 (state) onwards; cutime and cstime are fields 16 and 17
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return self + (Long.parseLong(f[13]) + Long.parseLong(f[14])) / (double) ticksPerSecond;
        } catch (IOException e) {
            throw new IllegalStateException("reading /proc/self/stat (the children's CPU time): " + e, e);
        }
    }

    private static long clockTicks() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("getconf", "CLK_TCK").start();
        long ticks = Long.parseLong(new String(p.getInputStream().readAllBytes()).trim());
        p.waitFor();
        return ticks;
    }

    private static void run(ProcessBuilder pb) throws IOException, InterruptedException {
        int rc = pb.redirectError(ProcessBuilder.Redirect.INHERIT).start().waitFor();
        if (rc != 0) {
            throw new IllegalStateException(pb.command() + " exited " + rc);
        }
    }
}
