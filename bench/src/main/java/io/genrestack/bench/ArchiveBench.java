package io.genrestack.bench;

import io.genrestack.extractor.input.InputItem;
import io.genrestack.extractor.input.InputScanner;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Archive reading, one core each: the extractor's {@link InputScanner} streaming a {@code .tar.bz2} of the bench
 * files (bzip2, tar, every entry read into memory as the extractor reads it) against {@code bzip2 -dc} of the same
 * archive to {@code /dev/null}. The archive is made once with {@code tar -cjf} and kept beside the files. Best of two
 * runs each (the first warms the JIT and the page cache), as wall-clock rates and as CPU-time rates (the scanning
 * thread's CPU time; bzip2's user + system time): on a shared machine the CPU rates are the per-core comparison.
 */
final class ArchiveBench {
    private ArchiveBench() {}

    /** Tracks/s of both readers, the entries read and the bytes bzip2 produced (the tar stream). */
    record Result(
            double scannerRate,
            double bzip2Rate,
            double scannerCpuRate,
            double bzip2CpuRate,
            long entries,
            long tarBytes) {}

    static Result measure(Path dir, List<Path> files) throws IOException, InterruptedException {
        Path archive = dir.resolveSibling(dir.getFileName() + "-" + files.size() + ".tar.bz2");
        if (!Files.exists(archive)) {
            Path partial = dir.resolveSibling(archive.getFileName() + ".part");
            run(new ProcessBuilder("tar", "-C", dir.toString(), "-cjf", partial.toString(), "."));
            Files.move(partial, archive);
        }
        long entries = 0;
        double scanner = 0;
        double scannerCpu = 0;
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        for (int round = 0; round < 2; round++) {
            long[] n = {0};
            long c0 = threads.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            new InputScanner().scan(List.of(archive), item -> {
                if (!(item instanceof InputItem.JsonDoc)) {
                    throw new IllegalStateException("bad archive entry: " + item);
                }
                n[0]++;
            });
            scanner = Math.max(scanner, n[0] / ((System.nanoTime() - t0) / 1e9));
            scannerCpu = Math.max(scannerCpu, n[0] / ((threads.getCurrentThreadCpuTime() - c0) / 1e9));
            entries = n[0];
        }
        if (entries != files.size()) {
            throw new IllegalStateException(entries + " entries, expected " + files.size());
        }
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
        return new Result(scanner, bzip2, scannerCpu, bzip2Cpu, entries, tarBytes);
    }

    private static void run(ProcessBuilder pb) throws IOException, InterruptedException {
        int rc = pb.redirectError(ProcessBuilder.Redirect.INHERIT).start().waitFor();
        if (rc != 0) {
            throw new IllegalStateException(pb.command() + " exited " + rc);
        }
    }
}
